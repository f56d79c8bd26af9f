#pragma once

#include "backends/backend.h"
#include "storage/jobrecord.h"
#include "storage/jobstore.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <chrono>
#include <functional>
#include <optional>

namespace comfyvideo::jobs {

using namespace std::chrono_literals;

// Runs the persistent queue over many backends (issue #5; design.md "The job's life").
//
// - Every transition is committed to the JobStore before jobChanged() announces it. A remote id
//   the backend lets us choose is stored before submission; one the backend assigns is stored
//   the moment it is known.
// - Placement: a job may run on the backends of its chain (empty: all, in the order added)
//   minus its excludedBackends, that have a free slot (concurrency, default 1). Among those,
//   readiness first (Backend::assess: Ready before ReadyWithWarnings; Blocked/Unreachable are
//   skipped), then load (remote queue depth + our running jobs), then the backend that last ran
//   the same checkpoint and motion module, then the order the backends were added.
// - Failure of an attempt: retryable errors retry on the same backend after a backoff while
//   backendAttempts < maxAttempts (RetryPolicy); otherwise, when fallback is allowed and
//   another backend of the chain remains, the job moves on (the failed backend is excluded);
//   otherwise the job fails with the error. Invalid params never retry nor fall back. No
//   backend able to run it (all blocked/unreachable): the job fails with the most telling
//   assessment error (blocked before unreachable).
// - Timeouts: overall (default 20 min) from Submitted; stall (default 5 min) without progress
//   while Running or Fetching. Both cancel the run and fail it with a timeout error (retryable).
// - start(): jobs left in Dispatching/Uploading go back to Queued (the upload is redone, no
//   attempt counted); jobs in Submitted/Running/Fetching re-attach by remote id (a Lost outcome
//   resubmits, counting an attempt); Completed jobs never run again.
// - Cancel works in every state; a run is asked to cancel and the job is Canceled once it
//   confirms (or after cancelGrace).
class Scheduler : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::chrono::milliseconds overallTimeout = 20min;
        std::chrono::milliseconds stallTimeout = 5min;
        std::chrono::milliseconds retryBaseDelay = 5s; // doubles per attempt, with jitter
        std::chrono::milliseconds retryMaxDelay = 5min;
        std::chrono::milliseconds cancelGrace = 15s;
        std::chrono::milliseconds assessmentTtl = 10s; // reuse a backend's assessment that long
        QString outputDirectory;                       // where videos go (exists)
        qint64 maxOutputBytes = 4LL * 1024 * 1024 * 1024;
    };

    Scheduler(storage::JobStore *store, Options options, QObject *parent = nullptr);
    ~Scheduler() override;

    // Backends in priority order. The scheduler does not own them. Adding one it knows already
    // (a retired one too) puts it back in use with the given concurrency.
    void addBackend(backends::Backend *backend, int concurrency = 1);
    // No new job is placed on `backend` from now on (a server removed in the settings); its
    // running jobs go on, so it must live until they end (or until the scheduler is gone). Jobs
    // whose chain holds only retired backends fail as when none of their backends can run.
    void retireBackend(backends::Backend *backend);
    QList<backends::Backend *> backends() const; // the ones not retired

    // The store must be open. Re-attaches, then dispatches until paused or stopped.
    void start();
    void pause(); // no new dispatches; running jobs go on
    void resume();
    bool isPaused() const { return m_paused; }

    // Adds jobs (maxAttempts and chain as given; the store fills ids). `done` may be empty.
    void enqueue(QList<storage::JobRecord> jobs,
                 storage::JobStore::Reply<QList<storage::JobRecord>> done = {});
    void cancel(qint64 jobId);
    // A Failed or Canceled job back to Queued (attempts and exclusions reset, output kept).
    void retry(qint64 jobId);
    void setPriority(qint64 jobId, int priority);
    void moveBefore(qint64 jobId, qint64 beforeJobId);

    // Adopts the jobs another process queued (`comfyvideo queue add`) or retried (`jobs retry`)
    // in the store since this scheduler read it: they are run like the rest. The scheduler does
    // this by itself within about a second of another connection's commit (it polls SQLite's
    // data_version with the cancel requests); refresh() does it now. `done` (may be empty) gets
    // the number of jobs adopted.
    void refresh(std::function<void(int adopted)> done = {});

    // The latest progress of an active job (ETA from the step rate, else from past runs).
    std::optional<backends::JobProgress> progress(qint64 jobId) const;
    int activeCount() const;
    int waitingCount() const; // queued, including those waiting for a retry backoff
    bool isIdle() const;      // nothing active, nothing waiting

signals:
    void jobChanged(const comfyvideo::storage::JobRecord &job); // after the commit
    void jobProgress(qint64 jobId, const comfyvideo::backends::JobProgress &progress);
    void idle(); // the queue drained: nothing active and nothing waiting
    void storeFailed(const QString &message);

private:
    class Private;
    std::unique_ptr<Private> d;
    bool m_paused = false;
};

} // namespace comfyvideo::jobs
