#pragma once

#include "jobs/etamodel.h"
#include "jobs/retrypolicy.h"
#include "jobs/runmeter.h"
#include "jobs/scheduler.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTimer>
#include <deque>
#include <functional>
#include <map>
#include <memory>

// The scheduler's inside, split over scheduler.cpp (API, store plumbing), schedulerdispatch.cpp
// (placement), schedulerruns.cpp (one attempt's life) and schedulerrecovery.cpp (start,
// timers, cancel requests).
namespace comfyvideo::jobs {

// One non-terminal job as the scheduler sees it.
struct JobEntry
{
    storage::JobRecord record;                           // as last committed
    storage::JobState state = storage::JobState::Queued; // after every update already issued
    int pendingUpdates = 0;
    bool reloading = false;

    bool placing = false; // Dispatching: waiting for assessments
    bool cancelWanted = false;
    bool canceling = false;   // the Canceled update is issued
    QString retryOn;          // a retry: only this backend
    QStringList waitFor;      // busy backends that could run it (the free ones could not)
    int unplacedAttempts = 0; // placements that found every candidate unreachable
    qint64 notBeforeMs = 0;   // monotonic; 0: at once

    QPointer<backends::BackendRun> run;
    backends::Backend *backend = nullptr;    // holds a slot there (placed, running)
    std::optional<errors::Error> abortError; // a timeout canceled the run: fail with this
    qint64 overallDeadlineMs = 0;
    qint64 stallDeadlineMs = 0;
    qint64 graceDeadlineMs = 0;

    std::optional<backends::JobProgress> progress;
    RunMeter meter;
    EtaPrediction prediction;
};

class Scheduler::Private
{
public:
    Private(Scheduler *q, storage::JobStore *store, Options options);
    ~Private();

    struct BackendSlot
    {
        QPointer<backends::Backend> backend;
        int concurrency = 1;
        QString lastCheckpoint;
        QString lastMotionModule;
        bool retired = false;

        bool usable() const { return backend && !retired; }
    };
    struct Candidate
    {
        BackendSlot *slot = nullptr;
        int order = 0;
        std::optional<backends::Assessment> assessment;
    };

    // scheduler.cpp
    JobEntry *entry(qint64 jobId);
    JobEntry *addEntry(const storage::JobRecord &record);
    void removeEntry(qint64 jobId);
    void commit(qint64 jobId, storage::JobUpdate update, std::function<void(JobEntry *)> then = {});
    void onCommitFailed(qint64 jobId, const storage::StoreError &error);
    void reload(qint64 jobId);
    void adoptExternalChange(const storage::JobRecord &record);
    void announce(const storage::JobRecord &record);
    void kick();
    void maybeIdle();
    qint64 nowMs() const { return m_clock.elapsed(); }
    template<typename F>
    auto guarded(F f)
    {
        return [alive = std::weak_ptr<int>(m_alive), f = std::move(f)](auto &&...args) mutable {
            if (!alive.expired())
                f(std::forward<decltype(args)>(args)...);
        };
    }

    // schedulerdispatch.cpp
    void dispatch();
    QList<JobEntry *> queueOrder();
    QList<Candidate> candidates(const JobEntry &e);
    BackendSlot *slotOf(const QString &backendId);
    int usedSlots(const backends::Backend *backend) const;
    int freeSlots(const BackendSlot &slot) const;
    void beginPlacement(JobEntry *e, QList<Candidate> candidates);
    void assess(BackendSlot *slot,
                const request::GenerationRequest &request,
                std::function<void(backends::Assessment)> done);
    void place(qint64 jobId, QList<Candidate> candidates);
    void noBackendCanRun(JobEntry *e, const QList<Candidate> &candidates);
    void invalidateAssessments(const backends::Backend *backend);

    // schedulerruns.cpp
    void startAttempt(JobEntry *e, BackendSlot *slot, const backends::Assessment &assessment);
    void createRun(JobEntry *e, bool attach);
    void connectRun(qint64 jobId, backends::BackendRun *run);
    void onStage(qint64 jobId, backends::RunStage stage);
    void advanceTo(JobEntry *e, storage::JobState target);
    void onRemoteId(qint64 jobId, const QString &remoteId);
    void onProgress(qint64 jobId, backends::JobProgress progress);
    void onFinished(qint64 jobId, const backends::RunOutcome &outcome);
    void complete(JobEntry *e, const backends::RunOutcome &outcome);
    void handleFailure(JobEntry *e, const errors::Error &error);
    void requeue(JobEntry *e, storage::JobUpdate update, qint64 delayMs);
    void fail(JobEntry *e, const errors::Error &error);
    void finishCanceled(JobEntry *e);
    void releaseRun(JobEntry *e, bool stillRunning);
    void loadPrediction(JobEntry *e);

    // schedulerrecovery.cpp
    void start();
    void recover(const storage::JobRecord &record);
    void cancel(qint64 jobId);
    void cancelUnknown(qint64 jobId);
    void pollCancelRequests();
    void pollExternalChanges();
    void adoptExternalJobs(std::function<void(int)> done);
    void checkDeadlines();
    void scheduleWake();
    void abortRun(JobEntry *e, const errors::Error &error);

    Scheduler *q;
    storage::JobStore *m_store;
    Options m_options;
    RetryPolicy m_policy;
    std::deque<BackendSlot> m_backends; // stable addresses
    std::map<qint64, std::unique_ptr<JobEntry>> m_jobs;

    struct CachedAssessment
    {
        backends::Assessment assessment;
        qint64 atMs = 0;
    };
    QHash<QString, CachedAssessment> m_assessments; // backend id + '\n' + request key
    QHash<QString, QList<std::function<void(backends::Assessment)>>> m_assessWaiters;

    QTimer m_kickTimer;
    QTimer m_wakeTimer;
    QTimer m_cancelPollTimer;
    QElapsedTimer m_clock;
    bool m_started = false;
    bool m_recovering = false;
    bool m_pollingCancels = false;
    bool m_pollingVersion = false;
    std::optional<qint64> m_dataVersion; // the store's data_version at the last adoption
    // Jobs dropped from m_jobs while an adoption read was under way: its answer may predate
    // their final commit, so they are not adopted from it.
    QSet<qint64> m_removedDuringAdoption;
    int m_adoptionsInFlight = 0;
    bool m_idleAnnounced = false;
    int m_pendingEnqueues = 0;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace comfyvideo::jobs
