// Issue #5: the scheduler's overhead per job. Queues N tiny jobs (default 10,000) in a job store,
// runs them with a Scheduler over one ComfyBackend per `comfyui-sim --step-ms 0` process
// (default 8) in this process until the queue is idle, and prints wall time, throughput, this
// process's CPU time per job, its peak memory, and the overhead per job: the time a server slot
// spent not executing a prompt (wall x slots / jobs - mean server execution time from /history).
// Prints numbers only: never a pass/fail timing test.
#include "backends/comfybackend.h"
#include "fakes/simprocess.h"
#include "jobs/scheduler.h"
#include "procstats.h"
#include "storage/jobstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>

#include <cstdio>
#include <memory>
#include <vector>

using namespace comfyvideo;
using namespace Qt::StringLiterals;

namespace {

struct Settings
{
    int jobs = 10000;
    int servers = 8;
    int concurrency = 1;
};

// The request of job `index`: AnimateDiff 64x64, 8 frames, 2 steps; a seed per job so every
// prompt really runs (an identical prompt would be a cached re-run).
storage::JobRecord tinyJob(int index)
{
    storage::JobRecord job;
    job.request = request::defaultRequest(request::Kind::AnimateDiff);
    job.request.prompt = u"a red fox"_s;
    job.request.width = 64;
    job.request.height = 64;
    job.request.frames = 8;
    job.request.steps = 2;
    job.request.seed = quint64(1000 + index);
    return job;
}

// Sum of execution_start -> execution_success of the successful entries of a /history body.
struct Executions
{
    qint64 count = 0;
    double totalMs = 0;
};

Executions executionsOf(const QByteArray &body)
{
    Executions executions;
    for (const QJsonValue &value : QJsonDocument::fromJson(body).object()) {
        qint64 started = -1;
        qint64 succeeded = -1;
        const QJsonArray messages
                = value.toObject().value(u"status"_s).toObject().value(u"messages"_s).toArray();
        for (const QJsonValue &message : messages) {
            const QString type = message.toArray().at(0).toString();
            const qint64 at = message.toArray().at(1).toObject().value(u"timestamp"_s).toInteger();
            if (type == u"execution_start")
                started = at;
            else if (type == u"execution_success")
                succeeded = at;
        }
        if (started >= 0 && succeeded >= started) {
            ++executions.count;
            executions.totalMs += double(succeeded - started);
        }
    }
    return executions;
}

class QueueBench : public QObject
{
    Q_OBJECT
public:
    QueueBench(Settings settings, QList<QUrl> servers, const QString &folder)
        : m_settings(settings)
        , m_servers(std::move(servers))
        , m_outputDir(folder + u"/videos"_s)
        , m_store(folder + u"/jobs.sqlite"_s)
    {
        QDir().mkpath(m_outputDir);
    }
    ~QueueBench() override
    {
        m_scheduler.reset(); // before the backends and the store
        m_backends.clear();
    }

    void start()
    {
        m_store.open([this](std::expected<int, storage::StoreError> opened) {
            if (!opened)
                return fail(u"open: "_s + opened.error().message);
            enqueue();
        });
    }

signals:
    void done(int exitCode);

private:
    void enqueue()
    {
        QList<storage::JobRecord> jobs;
        jobs.reserve(m_settings.jobs);
        for (int i = 0; i < m_settings.jobs; ++i)
            jobs << tinyJob(i);
        QElapsedTimer clock;
        clock.start();
        m_store.addJobs(
                std::move(jobs),
                [this, clock](std::expected<QList<storage::JobRecord>, storage::StoreError> r) {
                    if (!r)
                        return fail(u"addJobs: "_s + r.error().message);
                    m_enqueueMs = double(clock.nsecsElapsed()) / 1e6;
                    run();
                });
    }

    void run()
    {
        jobs::Scheduler::Options options;
        options.outputDirectory = m_outputDir;
        m_scheduler = std::make_unique<jobs::Scheduler>(&m_store, options);
        for (const QUrl &url : std::as_const(m_servers)) {
            comfy::ServerConfig config;
            config.baseUrl = url;
            m_backends.push_back(std::make_unique<backends::ComfyBackend>(config, nullptr));
            m_scheduler->addBackend(m_backends.back().get(), m_settings.concurrency);
        }
        connect(m_scheduler.get(), &jobs::Scheduler::idle, this, &QueueBench::onIdle);
        connect(m_scheduler.get(), &jobs::Scheduler::jobChanged, this, [this](const auto &job) {
            if (job.state == storage::JobState::Failed && ++m_failed <= 3)
                std::fprintf(stderr,
                             "job %lld failed: %s\n",
                             static_cast<long long>(job.id),
                             job.error ? qPrintable(job.error->userMessage) : "");
        });
        m_rssBeforeRun = bench::residentKiB();
        bench::resetPeakResident();
        m_cpuStart = bench::cpuMs();
        m_clock.start();
        m_scheduler->start();
    }

    void onIdle()
    {
        m_wallMs = double(m_clock.nsecsElapsed()) / 1e6;
        m_cpuMs = bench::cpuMs() - m_cpuStart;
        m_peakKiB = bench::peakResidentKiB();
        m_store.stats([this](std::expected<storage::QueueStats, storage::StoreError> stats) {
            if (!stats)
                return fail(u"stats: "_s + stats.error().message);
            m_completed = stats->completed;
            fetchHistory(0);
        });
    }

    void fetchHistory(qsizetype index)
    {
        if (index == m_servers.size())
            return report();
        QNetworkReply *reply = m_network.get(QNetworkRequest(
                QUrl(m_servers.at(index).toString() + u"/history?max_items=100000"_s)));
        connect(reply, &QNetworkReply::finished, this, [this, reply, index] {
            reply->deleteLater();
            if (reply->error() != QNetworkReply::NoError)
                return fail(u"GET /history: "_s + reply->errorString());
            const Executions executions = executionsOf(reply->readAll());
            m_executions.count += executions.count;
            m_executions.totalMs += executions.totalMs;
            fetchHistory(index + 1);
        });
    }

    void report()
    {
        const double jobs = double(m_settings.jobs);
        const int slotCount = int(m_servers.size()) * m_settings.concurrency;
        const double meanExecution
                = m_executions.count > 0 ? m_executions.totalMs / double(m_executions.count) : 0;
        std::printf("bench_queue: %d jobs (AnimateDiff 64x64, 8 frames, 2 steps) over %lld "
                    "comfyui-sim --step-ms 0 processes, concurrency %d, Scheduler + ComfyBackend "
                    "in this process\n",
                    m_settings.jobs,
                    static_cast<long long>(m_servers.size()),
                    m_settings.concurrency);
        std::printf("%-38s %lld completed, %d failed, %lld server runs\n",
                    "result",
                    static_cast<long long>(m_completed),
                    m_failed,
                    static_cast<long long>(m_executions.count));
        std::printf("%-38s %.0f ms (%.1f ms per job)\n",
                    "enqueue (one addJobs)",
                    m_enqueueMs,
                    m_enqueueMs / jobs);
        std::printf("%-38s %.1f s\n", "wall time (start .. idle)", m_wallMs / 1000.0);
        std::printf("%-38s %.1f jobs/s\n", "throughput", jobs / (m_wallMs / 1000.0));
        std::printf("%-38s %.2f ms per job (%.0f ms in all; store thread included)\n",
                    "scheduler process CPU",
                    m_cpuMs / jobs,
                    m_cpuMs);
        std::printf("%-38s %.2f ms per job\n", "server execution (history, mean)", meanExecution);
        std::printf("%-38s %.2f ms per job\n",
                    "overhead = wall x slots / jobs - exec",
                    m_wallMs * slotCount / jobs - meanExecution);
        std::printf("%-38s %lld KiB before the run, peak %lld KiB (VmHWM)\n",
                    "scheduler process RSS",
                    m_rssBeforeRun,
                    m_peakKiB);
        std::printf("overhead: per job, how long a server slot was not executing a prompt "
                    "(dispatch, submission, progress, download, store commits; the 8 servers "
                    "share this machine's cores with the scheduler)\n");
        emit done(m_completed == m_settings.jobs ? 0 : 1);
    }

    void fail(const QString &message)
    {
        std::fprintf(stderr, "bench_queue: %s\n", qPrintable(message));
        emit done(1);
    }

    Settings m_settings;
    QList<QUrl> m_servers;
    QString m_outputDir;
    storage::JobStore m_store;
    std::vector<std::unique_ptr<backends::ComfyBackend>> m_backends;
    std::unique_ptr<jobs::Scheduler> m_scheduler;
    QNetworkAccessManager m_network;
    QElapsedTimer m_clock;
    double m_enqueueMs = 0;
    double m_cpuStart = 0;
    double m_wallMs = 0;
    double m_cpuMs = 0;
    qint64 m_rssBeforeRun = -1;
    qint64 m_peakKiB = -1;
    qint64 m_completed = 0;
    int m_failed = 0;
    Executions m_executions;
};

std::optional<Settings> readSettings(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Scheduler overhead per job (issue #5)."_s);
    parser.addHelpOption();
    const QCommandLineOption jobs(u"jobs"_s, u"Jobs (default 10000)."_s, u"N"_s, u"10000"_s);
    const QCommandLineOption servers(
            u"servers"_s, u"Simulator processes (default 8)."_s, u"N"_s, u"8"_s);
    const QCommandLineOption concurrency(
            u"concurrency"_s, u"Jobs at once per server (default 1)."_s, u"N"_s, u"1"_s);
    parser.addOptions({jobs, servers, concurrency});
    parser.process(app);
    Settings settings;
    bool ok1 = false, ok2 = false, ok3 = false;
    settings.jobs = parser.value(jobs).toInt(&ok1);
    settings.servers = parser.value(servers).toInt(&ok2);
    settings.concurrency = parser.value(concurrency).toInt(&ok3);
    if (!ok1 || !ok2 || !ok3 || settings.jobs < 1 || settings.servers < 1
        || settings.concurrency < 1) {
        std::fprintf(stderr, "--jobs, --servers and --concurrency need numbers >= 1\n");
        return std::nullopt;
    }
    return settings;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(u"*.debug=false"_s);
    const std::optional<Settings> settings = readSettings(app);
    if (!settings)
        return 2;
    std::vector<std::unique_ptr<tests::SimProcess>> sims;
    QList<QUrl> urls;
    for (int i = 0; i < settings->servers; ++i) {
        sims.push_back(std::make_unique<tests::SimProcess>(
                QStringList{u"--step-ms"_s, u"0"_s, u"--no-previews"_s}));
        if (!sims.back()->start()) {
            std::fprintf(stderr,
                         "comfyui-sim did not start: %s\n",
                         qPrintable(sims.back()->errorOutput()));
            return 1;
        }
        urls << sims.back()->baseUrl();
    }
    QTemporaryDir folder;
    if (!folder.isValid())
        return 1;
    int exitCode = 1;
    {
        QueueBench bench(*settings, urls, folder.path());
        QObject::connect(
                &bench, &QueueBench::done, &app, &QCoreApplication::exit, Qt::QueuedConnection);
        QMetaObject::invokeMethod(&bench, &QueueBench::start, Qt::QueuedConnection);
        exitCode = app.exec();
    }
    return exitCode;
}

#include "bench_queue.moc"
