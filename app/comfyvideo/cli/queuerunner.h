#pragma once

#include "backends/backend.h"
#include "cli/console.h"
#include "cli/queuerunoptions.h"
#include "storage/jobrecord.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>
#include <memory>

namespace comfyvideo::storage {
class JobStore;
}
namespace comfyvideo::jobs {
class Scheduler;
}

namespace comfyvideo::cli {

// The headless `queue run` loop: one ComfyBackend per server and a Scheduler over the open job
// store, started at once. Prints a line per job event on stdout ("#12 running 45% sampling
// 12/20 — server 127.0.0.1:8188", at most two progress lines a second per job; "#12 completed
// /path/file.mp4"; "#12 failed: out_of_memory: ..."), and finishes with 0 when the queue drains
// and no job it ran failed, 1 when one did or the store failed.
//
// Jobs another process queues (or retries) during the run are run too: the scheduler adopts them
// (Scheduler::refresh), and asks once more when the queue drains before finishing.
//
// stop() (SIGINT/SIGTERM): no new dispatches; the run finishes once no job is being dispatched,
// uploaded or fetched (at most StopGrace later) with 128 + the signal number. Jobs submitted to
// a server stay there and are re-attached by the next run. A second stop() finishes at once.
class QueueRunner : public QObject
{
    Q_OBJECT
public:
    using Settings = QueueRunOptions::Settings;
    static constexpr std::chrono::seconds StopGrace{10};

    QueueRunner(Settings settings,
                storage::JobStore *store,
                Console &console,
                QObject *parent = nullptr);
    ~QueueRunner() override;

    void start();
    void stop(int signalNumber);

    // Everything `queue run` does in a process: takes the data folder's lock (a second run on it
    // exits 1 with a message), watches SIGINT/SIGTERM, opens the store, runs until finished.
    // Needs a QCoreApplication whose event loop is not running yet.
    static int exec(Settings settings, Console &console);

signals:
    void finished(int exitCode);

private:
    struct Tracked
    {
        storage::JobState state = storage::JobState::Queued;
        bool printedState = false;
        QString backend;
        QElapsedTimer lastProgress;
        QString lastProgressText;
    };

    void onJobChanged(const storage::JobRecord &job);
    void onJobProgress(qint64 jobId, const backends::JobProgress &progress);
    void onIdle();
    void finishDrained();
    void maybeFinishStopping();
    void finish(int exitCode);
    void line(const QString &text);
    QString serverName(const QString &backendId) const;

    Settings m_settings;
    Console &m_console;
    storage::JobStore *m_store;
    QList<backends::Backend *> m_backends; // children
    std::unique_ptr<jobs::Scheduler> m_scheduler;
    int m_changesThisPass = 0;
    bool m_checkingForMore = false;
    QHash<QString, QString> m_serverNames; // backend id -> host:port
    QHash<qint64, Tracked> m_jobs;
    int m_completed = 0;
    int m_failed = 0;
    int m_canceled = 0;
    bool m_storeFailed = false;
    int m_stopSignal = 0;
    QTimer m_stopGrace;
    bool m_finished = false;
};

} // namespace comfyvideo::cli
