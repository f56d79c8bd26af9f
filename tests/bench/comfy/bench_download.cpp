// Issue #4: a 1 GiB /view download by the client's Downloader against curl on the same file,
// from the same comfyui-sim process, in the same run (interleaved: curl, client, curl, ...),
// both writing into the same folder. Prints throughput, CPU time and peak memory; never a
// pass/fail timing test.
#include "comfy/downloader.h"
#include "fakes/simprocess.h"
#include "procstats.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <cstdio>
#include <memory>

using namespace comfyvideo;
using namespace Qt::StringLiterals;

namespace {

const QString FileName = u"big video.mp4"_s;

struct Sample
{
    double seconds = 0;
    double cpuSeconds = 0; // user + system
    qint64 peakKiB = -1;   // client: VmHWM growth over its RSS before the run; curl: max RSS
};

struct Options
{
    int runs = 3;
    qint64 bytes = 1024LL * 1024 * 1024;
    QString directory; // where both write; empty: a temporary folder
};

double mibPerSecond(qint64 bytes, const Sample &sample)
{
    return double(bytes) / 1048576.0 / sample.seconds;
}

// curl under GNU time: curl's own total time and byte count on stdout; time's max RSS (KiB)
// and CPU seconds on stderr.
std::optional<Sample> runCurl(const QUrl &url, const QString &target, qint64 expected)
{
    QProcess process;
    process.setProgram(QStandardPaths::findExecutable(u"time"_s));
    process.setArguments({u"-f"_s,
                          u"bench: %M %U %S"_s,
                          u"curl"_s,
                          u"-s"_s,
                          u"-S"_s,
                          u"-o"_s,
                          target,
                          u"-w"_s,
                          u"%{time_total} %{size_download}"_s,
                          url.toString(QUrl::FullyEncoded)});
    process.start();
    if (!process.waitForFinished(600000) || process.exitCode() != 0) {
        std::fprintf(stderr, "curl failed: %s\n", process.readAllStandardError().constData());
        return std::nullopt;
    }
    const QList<QByteArray> out = process.readAllStandardOutput().trimmed().split(' ');
    Sample sample;
    sample.seconds = out.value(0).toDouble();
    const qint64 size = out.value(1).toLongLong();
    for (const QByteArray &line : process.readAllStandardError().split('\n')) {
        if (!line.startsWith("bench: "))
            continue;
        const QList<QByteArray> fields = line.mid(7).split(' ');
        sample.peakKiB = fields.value(0).toLongLong();
        sample.cpuSeconds = fields.value(1).toDouble() + fields.value(2).toDouble();
    }
    if (size != expected || QFile(target).size() != expected || sample.seconds <= 0) {
        std::fprintf(stderr,
                     "curl fetched %lld bytes, expected %lld\n",
                     static_cast<long long>(size),
                     static_cast<long long>(expected));
        return std::nullopt;
    }
    return sample;
}

// The client's Downloader on this thread's event loop, with a fresh QNetworkAccessManager.
class ClientRun : public QObject
{
    Q_OBJECT
public:
    ClientRun(const QUrl &server, const QString &directory, const QString &localName)
    {
        comfy::ServerConfig config;
        config.baseUrl = server;
        comfy::DownloadRequest request;
        request.file.filename = FileName;
        request.file.type = u"output"_s;
        request.directory = directory;
        request.localName = localName;
        m_downloader = std::make_unique<comfy::Downloader>(config, nullptr, &m_network, request);
        connect(m_downloader.get(), &comfy::Downloader::finished, this, &ClientRun::onFinished);
    }

    void start()
    {
        bench::resetPeakResident(); // VmHWM := VmRSS
        m_rssBefore = bench::residentKiB();
        m_cpuBefore = bench::cpuMs();
        m_clock.start();
        m_downloader->start();
    }

    std::optional<comfy::DownloadResult> result;
    Sample sample;

signals:
    void done();

private:
    void onFinished(const comfy::Result<comfy::DownloadResult> &outcome)
    {
        sample.seconds = double(m_clock.nsecsElapsed()) / 1e9;
        sample.cpuSeconds = (bench::cpuMs() - m_cpuBefore) / 1e3;
        sample.peakKiB = bench::peakResidentKiB() - m_rssBefore;
        if (outcome)
            result = *outcome;
        else
            std::fprintf(
                    stderr, "client download failed: %s\n", qPrintable(outcome.error().detail));
        emit done();
    }

    QNetworkAccessManager m_network;
    std::unique_ptr<comfy::Downloader> m_downloader;
    QElapsedTimer m_clock;
    qint64 m_rssBefore = 0;
    double m_cpuBefore = 0;
};

std::optional<Sample> runClient(const QUrl &server, const QString &directory, qint64 expected)
{
    ClientRun run(server, directory, u"client.bin"_s);
    QObject::connect(&run, &ClientRun::done, qApp, &QCoreApplication::quit, Qt::QueuedConnection);
    QMetaObject::invokeMethod(&run, &ClientRun::start, Qt::QueuedConnection);
    QCoreApplication::exec();
    if (!run.result || run.result->bytes != expected) {
        std::fprintf(stderr,
                     "the client fetched %lld bytes, expected %lld\n",
                     static_cast<long long>(run.result ? run.result->bytes : -1),
                     static_cast<long long>(expected));
        return std::nullopt;
    }
    return run.sample;
}

std::optional<Options> parseOptions(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Client /view download against curl (issue #4)."_s);
    parser.addHelpOption();
    const QCommandLineOption runs(u"runs"_s, u"Runs of each (default 3)."_s, u"N"_s, u"3"_s);
    const QCommandLineOption mib(
            u"mib"_s, u"File size in MiB (default 1024)."_s, u"N"_s, u"1024"_s);
    const QCommandLineOption dir(
            u"dir"_s, u"Folder both download into (default: a temporary folder)."_s, u"DIR"_s);
    parser.addOptions({runs, mib, dir});
    parser.process(app);
    Options options;
    bool runsOk = false;
    bool mibOk = false;
    options.runs = parser.value(runs).toInt(&runsOk);
    options.bytes = parser.value(mib).toLongLong(&mibOk) * 1024 * 1024;
    options.directory = parser.value(dir);
    if (!runsOk || !mibOk || options.runs < 1 || options.bytes <= 0) {
        std::fprintf(stderr, "--runs and --mib need numbers >= 1\n");
        return std::nullopt;
    }
    return options;
}

void printRun(const char *label, int run, qint64 bytes, const Sample &s, const char *memory)
{
    std::printf("  run %d %-6s %6.3f s %7.1f MiB/s  CPU %5.2f s  %s %6lld KiB\n",
                run,
                label,
                s.seconds,
                mibPerSecond(bytes, s),
                s.cpuSeconds,
                memory,
                static_cast<long long>(s.peakKiB));
}

void report(const Options &options, const QList<Sample> &curl, const QList<Sample> &client)
{
    QList<double> curlSpeed, clientSpeed, curlCpu, clientCpu, growth;
    for (qsizetype i = 0; i < curl.size(); ++i) {
        curlSpeed << mibPerSecond(options.bytes, curl.at(i));
        clientSpeed << mibPerSecond(options.bytes, client.at(i));
        curlCpu << curl.at(i).cpuSeconds;
        clientCpu << client.at(i).cpuSeconds;
        growth << double(client.at(i).peakKiB);
    }
    const double curlMedian = bench::quantile(curlSpeed, 0.5);
    const double clientMedian = bench::quantile(clientSpeed, 0.5);
    std::printf("median: curl %.1f MiB/s, client %.1f MiB/s, client/curl %.2f (aim >= 0.90)\n",
                curlMedian,
                clientMedian,
                clientMedian / curlMedian);
    std::printf("median CPU per GiB: curl %.2f s, client %.2f s\n",
                bench::quantile(curlCpu, 0.5) * double(1LL << 30) / double(options.bytes),
                bench::quantile(clientCpu, 0.5) * double(1LL << 30) / double(options.bytes));
    std::printf("client peak RSS growth per download: max %.0f KiB (aim: flat, far below the "
                "file size)\n",
                bench::quantile(growth, 1.0));
}

// The sim's output folder holds a sparse file of the given size; returns its /view URL.
std::optional<QUrl> serveSparseFile(const tests::SimProcess &sim, qint64 size)
{
    const QString outputDir = sim.dataDir() + u"/output"_s;
    QFile file(outputDir + u'/' + FileName);
    if (!QDir().mkpath(outputDir) || !file.open(QIODevice::WriteOnly) || !file.resize(size))
        return std::nullopt;
    QUrl url = sim.url(u"/view"_s);
    url.setQuery(u"filename="_s + QString::fromLatin1(QUrl::toPercentEncoding(FileName))
                 + u"&subfolder=&type=output"_s);
    return url;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(u"*.debug=false"_s);
    const std::optional<Options> options = parseOptions(app);
    if (!options)
        return 2;
    for (const char *tool : {"curl", "time"}) {
        if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty()) {
            std::fprintf(stderr, "bench_download needs %s (apt-get install %s)\n", tool, tool);
            return 1;
        }
    }
    tests::SimProcess sim;
    if (!sim.start()) {
        std::fprintf(stderr, "comfyui-sim did not start: %s\n", qPrintable(sim.errorOutput()));
        return 1;
    }
    const std::optional<QUrl> url = serveSparseFile(sim, options->bytes);
    QTemporaryDir temporary;
    const QDir target(options->directory.isEmpty() ? temporary.path() : options->directory);
    if (!url || !target.exists())
        return 1;
    std::printf("bench_download: %lld MiB /view from comfyui-sim, curl vs the client's "
                "Downloader, interleaved, both writing into %s\n",
                static_cast<long long>(options->bytes >> 20),
                qPrintable(target.path()));
    QList<Sample> curl;
    QList<Sample> client;
    for (int i = 1; i <= options->runs; ++i) {
        const std::optional<Sample> a
                = runCurl(*url, target.filePath(u"curl.bin"_s), options->bytes);
        QFile::remove(target.filePath(u"curl.bin"_s));
        if (!a)
            return 1;
        printRun("curl", i, options->bytes, *a, "max RSS");
        const std::optional<Sample> b = runClient(sim.baseUrl(), target.path(), options->bytes);
        QFile::remove(target.filePath(u"client.bin"_s));
        if (!b)
            return 1;
        printRun("client", i, options->bytes, *b, "RSS growth");
        std::fflush(stdout);
        curl << *a;
        client << *b;
    }
    report(*options, curl, client);
    return 0;
}

#include "bench_download.moc"
