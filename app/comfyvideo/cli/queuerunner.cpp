#include "cli/queuerunner.h"

#include "backends/comfybackend.h"
#include "cli/datadir.h"
#include "cli/joblines.h"
#include "cli/signalwatcher.h"
#include "cli/storesession.h"
#include "jobs/scheduler.h"
#include "storage/jobstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QLockFile>

namespace comfyvideo::cli {

using storage::JobRecord;
using storage::JobState;

namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(QueueRunner)
};

constexpr qint64 ProgressLineMs = 500; // at most two progress lines a second per job

jobs::Scheduler::Options schedulerOptions(const QueueRunner::Settings &settings)
{
    jobs::Scheduler::Options options;
    options.overallTimeout = settings.timeout;
    options.stallTimeout = settings.stall;
    options.outputDirectory = settings.outputDir;
    return options;
}

// Locks the data folder for this run; nullptr after printing why not.
std::unique_ptr<QLockFile> lockDataDir(const QString &dataDir, Console &console)
{
    auto lock = std::make_unique<QLockFile>(DataDir::lockPath(dataDir));
    // A run holds the lock for hours: never take it over by age, only from a dead process.
    lock->setStaleLockTime(0);
    if (lock->tryLock(0))
        return lock;
    if (lock->error() == QLockFile::LockFailedError) {
        qint64 pid = 0;
        QString host;
        QString application;
        lock->getLockInfo(&pid, &host, &application);
        console.err << Text::tr("Another 'comfyvideo queue run' (process %1) is already running "
                                "the queue of %2; only one may run at a time.")
                               .arg(pid)
                               .arg(QDir::toNativeSeparators(dataDir))
                    << Qt::endl;
    } else {
        console.err << Text::tr("Cannot create the lock file %1; check the permissions of the "
                                "data folder.")
                               .arg(QDir::toNativeSeparators(lock->fileName()))
                    << Qt::endl;
    }
    return nullptr;
}

} // namespace

QueueRunner::QueueRunner(Settings settings,
                         storage::JobStore *store,
                         Console &console,
                         QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_console(console)
    , m_store(store)
{
    for (const QUrl &url : std::as_const(m_settings.servers)) {
        comfy::ServerConfig config;
        config.baseUrl = url;
        config.extraCaFile = m_settings.caFile;
        auto *backend = new backends::ComfyBackend(config, nullptr, nullptr, {}, this);
        m_serverNames.insert(backend->id(), backend->displayName());
        m_backends << backend;
    }
    m_stopGrace.setSingleShot(true);
    m_stopGrace.setInterval(StopGrace);
    connect(&m_stopGrace, &QTimer::timeout, this, [this] { finish(128 + m_stopSignal); });
}

QueueRunner::~QueueRunner()
{
    // The scheduler goes first: its runs are dropped without being canceled on the servers.
    m_scheduler.reset();
}

void QueueRunner::start()
{
    m_scheduler = std::make_unique<jobs::Scheduler>(m_store, schedulerOptions(m_settings));
    for (backends::Backend *backend : std::as_const(m_backends))
        m_scheduler->addBackend(backend, m_settings.concurrency);
    jobs::Scheduler *scheduler = m_scheduler.get();
    connect(scheduler, &jobs::Scheduler::jobChanged, this, &QueueRunner::onJobChanged);
    connect(scheduler, &jobs::Scheduler::jobProgress, this, &QueueRunner::onJobProgress);
    connect(scheduler, &jobs::Scheduler::idle, this, &QueueRunner::onIdle);
    connect(scheduler, &jobs::Scheduler::storeFailed, this, [this](const QString &message) {
        m_storeFailed = true;
        m_console.err << tr("Job store: %1").arg(message) << Qt::endl;
    });
    m_changesThisPass = 0;
    scheduler->start();
}

void QueueRunner::stop(int signalNumber)
{
    if (m_stopSignal != 0) {
        finish(128 + m_stopSignal);
        return;
    }
    m_stopSignal = signalNumber;
    if (m_scheduler)
        m_scheduler->pause();
    m_console.err << tr("Stopping: no new jobs start. Jobs running on a server carry on there; "
                        "the next 'comfyvideo queue run' fetches them. Signal again to exit at "
                        "once.")
                  << Qt::endl;
    m_stopGrace.start();
    maybeFinishStopping();
}

void QueueRunner::onJobChanged(const JobRecord &job)
{
    ++m_changesThisPass;
    Tracked &tracked = m_jobs[job.id];
    if (tracked.printedState && tracked.state == job.state && tracked.backend == job.backend)
        return;
    tracked.state = job.state;
    tracked.printedState = true;
    tracked.backend = job.backend;
    tracked.lastProgressText.clear();
    tracked.lastProgress.invalidate();
    if (job.state == JobState::Completed)
        ++m_completed;
    else if (job.state == JobState::Failed)
        ++m_failed;
    else if (job.state == JobState::Canceled)
        ++m_canceled;
    if (job.state != JobState::Dispatching)
        line(JobLines::state(job, serverName(job.backend)));
    if (storage::isTerminal(job.state))
        m_jobs.remove(job.id);
    maybeFinishStopping();
}

void QueueRunner::onJobProgress(qint64 jobId, const backends::JobProgress &progress)
{
    const auto it = m_jobs.find(jobId);
    if (it == m_jobs.end() || progress.phase == backends::JobProgress::Phase::Done)
        return;
    Tracked &tracked = *it;
    if (tracked.lastProgress.isValid() && tracked.lastProgress.elapsed() < ProgressLineMs)
        return;
    const QString text
            = JobLines::progress(jobId, tracked.state, progress, serverName(tracked.backend));
    if (text == tracked.lastProgressText)
        return;
    tracked.lastProgressText = text;
    tracked.lastProgress.start();
    line(text);
}

void QueueRunner::onIdle()
{
    if (m_stopSignal != 0 || m_checkingForMore)
        return;
    if (m_changesThisPass == 0)
        return finishDrained(); // nothing moved: whatever is left is not for this run
    // Jobs queued (or retried) by another process while this one ran: run them too (the
    // scheduler adopts them by itself within a second; this asks at once before finishing).
    m_checkingForMore = true;
    m_scheduler->refresh([this](int adopted) {
        m_checkingForMore = false;
        if (m_stopSignal != 0)
            return;
        if (adopted == 0)
            return finishDrained();
        m_changesThisPass = 0;
        m_console.err << tr("%1 more jobs were queued meanwhile; running them too.").arg(adopted)
                      << Qt::endl;
    });
}

void QueueRunner::finishDrained()
{
    m_console.err << tr("The queue is drained: %1 completed, %2 failed, %3 canceled.")
                             .arg(m_completed)
                             .arg(m_failed)
                             .arg(m_canceled)
                  << Qt::endl;
    finish(m_failed > 0 || m_storeFailed ? ExitFailure : ExitOk);
}

void QueueRunner::maybeFinishStopping()
{
    if (m_stopSignal == 0)
        return;
    for (const Tracked &tracked : std::as_const(m_jobs)) {
        if (tracked.state == JobState::Dispatching || tracked.state == JobState::Uploading
            || tracked.state == JobState::Fetching)
            return;
    }
    finish(128 + m_stopSignal);
}

void QueueRunner::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    m_stopGrace.stop();
    emit finished(exitCode);
}

void QueueRunner::line(const QString &text)
{
    m_console.out << text << Qt::endl;
}

QString QueueRunner::serverName(const QString &backendId) const
{
    return m_serverNames.value(backendId, backendId);
}

int QueueRunner::exec(Settings settings, Console &console)
{
    // Before the store starts its thread: threads inherit the blocked signals.
    SignalWatcher watcher;
    if (!QDir().mkpath(settings.dataDir)) {
        console.err << Text::tr("Cannot create the data folder %1.")
                               .arg(QDir::toNativeSeparators(settings.dataDir))
                    << Qt::endl;
        return ExitFailure;
    }
    const std::unique_ptr<QLockFile> lock = lockDataDir(settings.dataDir, console);
    if (!lock)
        return ExitFailure;
    if (!QDir().mkpath(settings.outputDir) || !QFileInfo(settings.outputDir).isWritable()) {
        console.err << Text::tr("Cannot write into the output folder %1.")
                               .arg(QDir::toNativeSeparators(settings.outputDir))
                    << Qt::endl;
        return ExitFailure;
    }
    const QString dataDir = settings.dataDir;
    std::unique_ptr<QueueRunner> runner;
    return runWithStore(
            dataDir,
            console,
            [&](storage::JobStore &store, const Finish &finish) {
                runner = std::make_unique<QueueRunner>(std::move(settings), &store, console);
                connect(runner.get(), &QueueRunner::finished, runner.get(), finish);
                connect(&watcher, &SignalWatcher::received, runner.get(), &QueueRunner::stop);
                runner->start();
            },
            [&runner] { runner.reset(); }); // the scheduler goes before the store
}

} // namespace comfyvideo::cli
