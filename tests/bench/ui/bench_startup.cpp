// bench_startup: start-up of the window to its first paint with a large job store, and its idle
// memory (issue 6; aim: under 500 ms and under 150 MB). It fills a data dir with 10,000 jobs
// (mostly Completed/Failed, ~100 Queued) through storage::JobStore::addJobs (which keeps the
// given states), then starts the real `comfyvideo --data-dir D --server http://127.0.0.1:<dead>`
// (offscreen) N times, reads its "startup first-paint-ms=" line (COMFYVIDEO_STARTUP_REPORT),
// samples VmRSS/VmHWM after 3 s idle and terminates it; then one run in demo mode. It prints
// numbers and never judges them.
#include "storage/jobstore.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <algorithm>
#include <cstdio>
#include <optional>

using namespace comfyvideo;

namespace {

struct Sample
{
    qint64 firstPaintMs = -1;
    double rssMb = 0;
    double hwmMb = 0;
};

template<typename T, typename Call>
std::expected<T, storage::StoreError> wait(Call call)
{
    std::optional<std::expected<T, storage::StoreError>> result;
    QEventLoop loop;
    call([&](std::expected<T, storage::StoreError> answer) {
        result = std::move(answer);
        loop.quit();
    });
    loop.exec();
    return *result;
}

storage::JobRecord makeJob(int index, QRandomGenerator &random, int queued)
{
    storage::JobRecord job;
    job.request.kind = request::Kind::AnimateDiff;
    job.request.prompt = QStringLiteral("A cat walking through snow, take %1").arg(index);
    job.request.seed = random.bounded(1 << 30);
    const int dice = random.bounded(100);
    job.state = index < queued ? storage::JobState::Queued
                : dice < 85    ? storage::JobState::Completed
                : dice < 95    ? storage::JobState::Failed
                               : storage::JobState::Canceled;
    if (job.state == storage::JobState::Completed)
        job.outputPath = QStringLiteral("/nonexistent/videos/job-%1.mp4").arg(index);
    if (job.state == storage::JobState::Failed)
        job.error = errors::Error::make(errors::ErrorKind::InsufficientVram,
                                        QStringLiteral("The GPU ran out of memory."));
    return job;
}

bool fillStore(const QString &dataDir, int jobs)
{
    QElapsedTimer timer;
    timer.start();
    storage::JobStore store(QDir(dataDir).filePath(QStringLiteral("jobs.sqlite")));
    const auto opened = wait<int>([&](auto reply) { store.open(reply); });
    if (!opened) {
        std::fprintf(stderr, "cannot open the store: %s\n", qPrintable(opened.error().message));
        return false;
    }
    QRandomGenerator random(6);
    QList<storage::JobRecord> records;
    records.reserve(jobs);
    for (int i = 0; i < jobs; ++i)
        records.append(makeJob(i, random, 100));
    const auto added = wait<QList<storage::JobRecord>>(
            [&](auto reply) { store.addJobs(std::move(records), reply); });
    if (!added) {
        std::fprintf(stderr, "cannot add jobs: %s\n", qPrintable(added.error().message));
        return false;
    }
    std::printf("  store: %d jobs (100 queued) written in %lld ms\n",
                jobs,
                static_cast<long long>(timer.elapsed()));
    return true;
}

quint16 deadPort()
{
    QTcpServer server; // a port nobody listens on once this closes
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

double statusMb(qint64 pid, const QByteArray &field)
{
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(field.size()).trimmed().split(' ').value(0).toDouble() / 1024.0;
    }
    return 0;
}

std::optional<Sample> runOnce(const QStringList &arguments)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("COMFYVIDEO_STARTUP_REPORT"), QStringLiteral("1"));
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(COMFYVIDEO_EXE), arguments);
    if (!process.waitForStarted(10000))
        return std::nullopt;
    Sample sample;
    QByteArray err;
    const QDeadlineTimer deadline(20000);
    const QByteArray marker("startup first-paint-ms=");
    while (!deadline.hasExpired() && process.state() == QProcess::Running) {
        process.waitForReadyRead(100);
        err += process.readAllStandardError();
        const qsizetype at = err.indexOf(marker);
        if (at >= 0 && err.indexOf('\n', at) > 0) {
            const qsizetype end = err.indexOf('\n', at);
            sample.firstPaintMs
                    = err.mid(at + marker.size(), end - at - marker.size()).toLongLong();
            break;
        }
    }
    if (sample.firstPaintMs < 0) {
        std::fprintf(stderr, "no first-paint line; stderr:\n%s\n", err.constData());
        process.kill();
        process.waitForFinished(5000);
        return std::nullopt;
    }
    QThread::sleep(3); // idle: what the window holds once it settled
    sample.rssMb = statusMb(process.processId(), "VmRSS:");
    sample.hwmMb = statusMb(process.processId(), "VmHWM:");
    process.terminate();
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished(5000);
    }
    return sample;
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values.at(n / 2) : (values.at(n / 2 - 1) + values.at(n / 2)) / 2;
}

void printSummary(const char *label, const QList<Sample> &samples)
{
    QList<double> paints;
    QList<double> rss;
    double hwm = 0;
    for (const Sample &sample : samples) {
        paints.append(double(sample.firstPaintMs));
        rss.append(sample.rssMb);
        hwm = std::max(hwm, sample.hwmMb);
    }
    std::printf("  %s: first paint median %.0f ms, max %.0f ms; idle RSS median %.1f MB, "
                "peak (VmHWM) %.1f MB  [aim: < 500 ms, < 150 MB]\n",
                label,
                median(paints),
                *std::max_element(paints.begin(), paints.end()),
                median(rss),
                hwm);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const qsizetype runsAt = args.indexOf(QStringLiteral("--runs"));
    const qsizetype jobsAt = args.indexOf(QStringLiteral("--jobs"));
    const int runs = runsAt > 0 ? std::max(1, args.value(runsAt + 1).toInt()) : 5;
    const int jobs = jobsAt > 0 ? std::max(1, args.value(jobsAt + 1).toInt()) : 10000;

    QTemporaryDir temp;
    const QString dataDir = temp.filePath(QStringLiteral("data"));
    QDir().mkpath(dataDir);
    std::printf("bench_startup: %d runs, %d jobs in the store\n", runs, jobs);
    if (!fillStore(dataDir, jobs))
        return 1;

    const QString settings = temp.filePath(QStringLiteral("settings.ini"));
    const QStringList common{
            QStringLiteral("--data-dir"), dataDir, QStringLiteral("--settings-file"), settings};
    const QString server = QStringLiteral("http://127.0.0.1:%1").arg(deadPort());
    QList<Sample> samples;
    for (int i = 0; i < runs; ++i) {
        const auto sample = runOnce(common + QStringList{QStringLiteral("--server"), server});
        if (!sample)
            return 1;
        std::printf("  run %d: first paint %lld ms, idle RSS %.1f MB\n",
                    i + 1,
                    static_cast<long long>(sample->firstPaintMs),
                    sample->rssMb);
        samples.append(*sample);
    }
    printSummary("--server (dead port)", samples);

    const auto demo = runOnce(common + QStringList{QStringLiteral("--demo")});
    if (!demo)
        return 1;
    printSummary("--demo", {*demo});
    return 0;
}
