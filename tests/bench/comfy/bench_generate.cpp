// Issue #4: the per-job overhead of `comfyvideo generate`'s code path. Runs GenerateJob N times
// (default 200), one after another in this process, against one `comfyui-sim --step-ms 0` and
// prints the client's overhead (wall time minus the server's own execution time), its CPU time
// and resident memory. Prints numbers only: never a pass/fail timing test.
#include "cli/generatejob.h"
#include "cli/workflowoptions.h"
#include "fakes/simprocess.h"
#include "procstats.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <memory>

using namespace comfyvideo;
using namespace Qt::StringLiterals;

namespace {

constexpr int RssProbeJob = 20; // "flat" memory: RSS after this many jobs vs at the end

struct JobSample
{
    double wallMs = 0;
    double cpuMs = 0;
};

struct ServerRun
{
    qint64 number = 0;      // the queue number: the order of submission
    double executionMs = 0; // execution_start -> execution_success
    bool success = false;
};

// The request of job `index`: AnimateDiff 64x64, 8 frames, 2 steps; a seed per job so the
// server really runs each prompt (an identical prompt would be a cached re-run).
cli::WorkflowOptions::Result tinyRequest(int index)
{
    QCommandLineParser parser;
    cli::WorkflowOptions::addTo(parser);
    parser.parse({u"bench_generate"_s,
                  u"--prompt"_s,
                  u"a red fox"_s,
                  u"--width"_s,
                  u"64"_s,
                  u"--height"_s,
                  u"64"_s,
                  u"--frames"_s,
                  u"8"_s,
                  u"--steps"_s,
                  u"2"_s,
                  u"--seed"_s,
                  QString::number(1000 + index)});
    return cli::WorkflowOptions::read(parser, request::Kind::AnimateDiff);
}

// The server's runs from a GET /history body, in submission order.
QList<ServerRun> serverRuns(const QByteArray &body)
{
    QList<ServerRun> runs;
    const QJsonObject history = QJsonDocument::fromJson(body).object();
    for (const QJsonValue &value : history) {
        const QJsonObject entry = value.toObject();
        ServerRun run;
        run.number = entry.value(u"prompt"_s).toArray().at(0).toInteger();
        qint64 started = -1;
        qint64 succeeded = -1;
        const QJsonArray messages
                = entry.value(u"status"_s).toObject().value(u"messages"_s).toArray();
        for (const QJsonValue &message : messages) {
            const QString type = message.toArray().at(0).toString();
            const qint64 at = message.toArray().at(1).toObject().value(u"timestamp"_s).toInteger();
            if (type == u"execution_start")
                started = at;
            else if (type == u"execution_success")
                succeeded = at;
        }
        run.success = started >= 0 && succeeded >= started;
        run.executionMs = run.success ? double(succeeded - started) : 0;
        runs.append(run);
    }
    std::sort(runs.begin(), runs.end(), [](const ServerRun &a, const ServerRun &b) {
        return a.number < b.number;
    });
    return runs;
}

void printSpread(const char *label, const QList<double> &values)
{
    std::printf("%-34s median %7.2f  p95 %7.2f  max %7.2f  mean %7.2f ms\n",
                label,
                bench::quantile(values, 0.5),
                bench::quantile(values, 0.95),
                bench::quantile(values, 1.0),
                bench::mean(values));
}

class GenerateBench : public QObject
{
    Q_OBJECT
public:
    GenerateBench(int jobs, QUrl server, QString outputDir)
        : m_jobs(jobs)
        , m_server(std::move(server))
        , m_outputDir(std::move(outputDir))
        , m_null(u"/dev/null"_s)
        , m_console{m_out, m_err}
    {
        m_null.open(QIODevice::WriteOnly);
        m_out.setDevice(&m_null);
        m_err.setDevice(&m_null);
    }

    void start()
    {
        m_rssStart = bench::residentKiB();
        m_loopCpuStart = bench::cpuMs();
        m_loopClock.start();
        runNext();
    }

signals:
    void done(int exitCode);

private:
    void runNext()
    {
        m_job.reset(); // the previous job, destroyed outside its own signal
        if (m_samples.size() == m_jobs)
            return fetchHistory();
        cli::GenerateJob::Settings settings;
        settings.parsed = tinyRequest(int(m_samples.size()));
        settings.server = m_server;
        settings.outputPath = QDir(m_outputDir).filePath(u"job-%1.mp4"_s.arg(m_samples.size()));
        settings.timeoutSeconds = 120;
        m_outputPath = settings.outputPath;
        m_job = std::make_unique<cli::GenerateJob>(std::move(settings), m_console);
        connect(m_job.get(), &cli::GenerateJob::finished, this, &GenerateBench::onJobFinished);
        m_jobCpuStart = bench::cpuMs();
        m_jobClock.start();
        m_job->start();
    }

    void onJobFinished(int exitCode)
    {
        JobSample sample;
        sample.wallMs = double(m_jobClock.nsecsElapsed()) / 1e6;
        sample.cpuMs = bench::cpuMs() - m_jobCpuStart;
        if (exitCode != 0) {
            std::fprintf(stderr,
                         "job %lld failed with exit code %d\n",
                         static_cast<long long>(m_samples.size()),
                         exitCode);
            emit done(1);
            return;
        }
        if (!QFile::exists(m_outputPath) || !QFile::remove(m_outputPath)) {
            std::fprintf(stderr,
                         "job %lld wrote no output file\n",
                         static_cast<long long>(m_samples.size()));
            emit done(1);
            return;
        }
        m_samples.append(sample);
        if (m_samples.size() == RssProbeJob)
            m_rssAfterProbe = bench::residentKiB();
        QTimer::singleShot(0, this, &GenerateBench::runNext);
    }

    void fetchHistory()
    {
        m_loopMs = double(m_loopClock.nsecsElapsed()) / 1e6;
        m_loopCpuMs = bench::cpuMs() - m_loopCpuStart;
        m_rssEnd = bench::residentKiB();
        QNetworkReply *reply
                = m_network.get(QNetworkRequest(QUrl(m_server.toString() + u"/history"_s)));
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            reply->deleteLater();
            if (reply->error() != QNetworkReply::NoError) {
                std::fprintf(stderr, "GET /history failed: %s\n", qPrintable(reply->errorString()));
                emit done(1);
                return;
            }
            emit done(report(serverRuns(reply->readAll())));
        });
    }

    int report(const QList<ServerRun> &runs) const;

    int m_jobs;
    QUrl m_server;
    QString m_outputDir;
    QFile m_null;
    QTextStream m_out;
    QTextStream m_err;
    cli::Console m_console;
    QNetworkAccessManager m_network;
    std::unique_ptr<cli::GenerateJob> m_job;
    QString m_outputPath;
    QList<JobSample> m_samples;
    QElapsedTimer m_jobClock;
    QElapsedTimer m_loopClock;
    double m_jobCpuStart = 0;
    double m_loopCpuStart = 0;
    double m_loopMs = 0;
    double m_loopCpuMs = 0;
    qint64 m_rssStart = -1;
    qint64 m_rssAfterProbe = -1;
    qint64 m_rssEnd = -1;
};

int GenerateBench::report(const QList<ServerRun> &runs) const
{
    if (runs.size() != m_samples.size()) {
        std::fprintf(stderr,
                     "the server has %lld history entries for %lld jobs\n",
                     static_cast<long long>(runs.size()),
                     static_cast<long long>(m_samples.size()));
        return 1;
    }
    QList<double> wall, execution, overhead, cpu;
    for (qsizetype i = 0; i < runs.size(); ++i) {
        if (!runs.at(i).success) {
            std::fprintf(stderr,
                         "history entry %lld has no execution_start/success\n",
                         static_cast<long long>(i));
            return 1;
        }
        wall << m_samples.at(i).wallMs;
        execution << runs.at(i).executionMs;
        overhead << m_samples.at(i).wallMs - runs.at(i).executionMs;
        cpu << m_samples.at(i).cpuMs;
    }
    const auto jobs = double(m_samples.size());
    std::printf("bench_generate: %lld jobs through GenerateJob (AnimateDiff 64x64, 8 frames, 2 "
                "steps) against comfyui-sim --step-ms 0\n",
                static_cast<long long>(m_samples.size()));
    printSpread("wall time per job", wall);
    printSpread("server execution (history)", execution);
    printSpread("overhead = wall - execution", overhead);
    printSpread("client CPU per job (start..done)", cpu);
    std::printf("%-34s %.2f ms per job (whole loop: %.0f ms CPU in %.0f ms)\n",
                "client CPU incl. setup/teardown",
                m_loopCpuMs / jobs,
                m_loopCpuMs,
                m_loopMs);
    if (m_rssAfterProbe < 0) {
        std::printf("%-34s start %lld KiB, end %lld KiB (run %d+ jobs to see the trend)\n",
                    "client RSS",
                    m_rssStart,
                    m_rssEnd,
                    RssProbeJob + 1);
    } else {
        std::printf("%-34s start %lld KiB, after %d jobs %lld KiB, end %lld KiB (end - after "
                    "%d: %+lld KiB)\n",
                    "client RSS",
                    m_rssStart,
                    RssProbeJob,
                    m_rssAfterProbe,
                    m_rssEnd,
                    RssProbeJob,
                    m_rssEnd - m_rssAfterProbe);
    }
    std::printf("aim: overhead under 20 ms per job, memory flat\n");
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(u"*.debug=false"_s);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Per-job overhead of comfyvideo generate (issue #4)."_s);
    parser.addHelpOption();
    const QCommandLineOption jobsOption(
            u"jobs"_s, u"Number of jobs (default 200)."_s, u"N"_s, u"200"_s);
    parser.addOption(jobsOption);
    parser.process(app);
    bool ok = false;
    const int jobs = parser.value(jobsOption).toInt(&ok);
    if (!ok || jobs < 1) {
        std::fprintf(stderr, "--jobs needs a number >= 1\n");
        return 2;
    }

    tests::SimProcess sim({u"--step-ms"_s, u"0"_s});
    if (!sim.start()) {
        std::fprintf(stderr, "comfyui-sim did not start: %s\n", qPrintable(sim.errorOutput()));
        return 1;
    }
    QTemporaryDir outputDir;
    if (!outputDir.isValid())
        return 1;
    GenerateBench bench(jobs, sim.baseUrl(), outputDir.path());
    QObject::connect(
            &bench, &GenerateBench::done, &app, &QCoreApplication::exit, Qt::QueuedConnection);
    QMetaObject::invokeMethod(&bench, &GenerateBench::start, Qt::QueuedConnection);
    return app.exec();
}

#include "bench_generate.moc"
