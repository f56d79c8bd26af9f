#include "jobs/scheduler.h"

#include "jobs/schedulerprivate.h"
#include "jobs/statemachine.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

namespace comfyvideo::jobs {

using storage::JobRecord;
using storage::JobState;
using storage::JobUpdate;
using storage::StoreError;

Scheduler::Private::Private(Scheduler *q, storage::JobStore *store, Options options)
    : q(q)
    , m_store(store)
    , m_options(std::move(options))
    , m_policy(m_options.retryBaseDelay, m_options.retryMaxDelay)
{
    m_clock.start();
    m_kickTimer.setSingleShot(true);
    m_kickTimer.setInterval(0);
    m_wakeTimer.setSingleShot(true);
    m_wakeTimer.setTimerType(Qt::PreciseTimer);
    m_cancelPollTimer.setInterval(1000);
    auto tick = [this] {
        checkDeadlines();
        dispatch();
        scheduleWake();
    };
    QObject::connect(&m_kickTimer, &QTimer::timeout, q, tick);
    QObject::connect(&m_wakeTimer, &QTimer::timeout, q, tick);
    QObject::connect(&m_cancelPollTimer, &QTimer::timeout, q, [this] {
        pollCancelRequests();
        pollExternalChanges();
    });
}

Scheduler::Private::~Private()
{
    // Runs die with the scheduler without being canceled: a new scheduler re-attaches.
    for (auto &[id, e] : m_jobs) {
        if (e->run) {
            QObject::disconnect(e->run, nullptr, q, nullptr);
            delete e->run.data();
        }
    }
}

JobEntry *Scheduler::Private::entry(qint64 jobId)
{
    const auto it = m_jobs.find(jobId);
    return it == m_jobs.end() ? nullptr : it->second.get();
}

JobEntry *Scheduler::Private::addEntry(const JobRecord &record)
{
    if (storage::isTerminal(record.state))
        return nullptr;
    if (JobEntry *existing = entry(record.id))
        return existing;
    auto e = std::make_unique<JobEntry>();
    e->record = record;
    e->state = record.state;
    if (record.notBefore.isValid()) {
        const qint64 wait = QDateTime::currentDateTimeUtc().msecsTo(record.notBefore);
        e->notBeforeMs = wait > 0 ? nowMs() + wait : 0;
    }
    JobEntry *raw = e.get();
    m_jobs.emplace(record.id, std::move(e));
    m_idleAnnounced = false;
    return raw;
}

void Scheduler::Private::removeEntry(qint64 jobId)
{
    const auto it = m_jobs.find(jobId);
    if (it == m_jobs.end())
        return;
    releaseRun(it->second.get(), true);
    m_jobs.erase(it);
    if (m_adoptionsInFlight > 0)
        m_removedDuringAdoption.insert(jobId);
}

// Every change of a job goes through here: the update applies only in the state the scheduler
// believes the job is in; the announcement follows the commit.
void Scheduler::Private::commit(qint64 jobId,
                                JobUpdate update,
                                std::function<void(JobEntry *)> then)
{
    JobEntry *e = entry(jobId);
    if (!e)
        return;
    update.expectedStates = {e->state};
    if (update.state)
        e->state = *update.state;
    ++e->pendingUpdates;
    m_store->update(
            jobId,
            std::move(update),
            guarded([this, jobId, then = std::move(then)](std::expected<JobRecord, StoreError> r) {
                JobEntry *e = entry(jobId);
                if (e)
                    --e->pendingUpdates;
                if (!r) {
                    onCommitFailed(jobId, r.error());
                    return;
                }
                if (e && !e->reloading)
                    e->record = *r;
                announce(*r);
                if (e && then)
                    then(e);
                e = entry(jobId);
                if (e && storage::isTerminal(r->state) && e->pendingUpdates == 0)
                    removeEntry(jobId);
                kick();
                maybeIdle();
            }));
}

void Scheduler::Private::onCommitFailed(qint64 jobId, const StoreError &error)
{
    if (error.kind == StoreError::Kind::Conflict) {
        reload(jobId);
        return;
    }
    emit q->storeFailed(error.message);
    // Our picture of the job may now differ from the store: the next update conflicts and
    // reloads it. A job whose change never reached the store is read back at once.
    reload(jobId);
}

void Scheduler::Private::reload(qint64 jobId)
{
    JobEntry *e = entry(jobId);
    if (!e || e->reloading)
        return;
    e->reloading = true;
    m_store->job(jobId, guarded([this, jobId](std::expected<JobRecord, StoreError> r) {
                     JobEntry *e = entry(jobId);
                     if (e)
                         e->reloading = false;
                     if (!r) {
                         if (r.error().kind == StoreError::Kind::NotFound)
                             removeEntry(jobId);
                         else
                             emit q->storeFailed(r.error().message);
                         maybeIdle();
                         return;
                     }
                     adoptExternalChange(*r);
                 }));
}

// Someone else (another process: `comfyvideo jobs cancel`) changed the job: act on its state.
void Scheduler::Private::adoptExternalChange(const JobRecord &record)
{
    JobEntry *e = entry(record.id);
    if (!e)
        return;
    const bool changed = e->state != record.state;
    e->record = record;
    if (changed)
        announce(record);
    if (storage::isTerminal(record.state)) {
        if (e->run)
            e->run->cancel();
        removeEntry(record.id);
    } else if (e->state != record.state) {
        // Our next steps assumed another state: follow the store's.
        e->state = record.state;
        if (record.state == JobState::Queued) {
            if (e->run)
                e->run->cancel();
            releaseRun(e, true);
            e->placing = false;
        } else if (!e->run && !e->placing && e->pendingUpdates == 0) {
            // Active in the store, but nothing here drives it (a write of ours was lost).
            releaseRun(e, false);
            JobUpdate update;
            update.state = JobState::Queued;
            update.eventMessage = u"Queued again after a failed write to the job store"_s;
            commit(record.id, std::move(update));
        }
    }
    if (e = entry(record.id); e && record.cancelRequested && !e->cancelWanted)
        cancel(record.id);
    kick();
    maybeIdle();
}

void Scheduler::Private::announce(const JobRecord &record)
{
    emit q->jobChanged(record);
}

void Scheduler::Private::kick()
{
    if (!m_kickTimer.isActive())
        m_kickTimer.start();
}

void Scheduler::Private::maybeIdle()
{
    if (!m_started || m_recovering || m_pendingEnqueues > 0 || !m_jobs.empty())
        return;
    if (m_idleAnnounced)
        return;
    m_idleAnnounced = true;
    emit q->idle();
}

Scheduler::Scheduler(storage::JobStore *store, Options options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, store, std::move(options)))
{}

Scheduler::~Scheduler() = default;

void Scheduler::addBackend(backends::Backend *backend, int concurrency)
{
    if (!backend)
        return;
    for (auto &slot : d->m_backends) {
        if (slot.backend == backend) { // known (maybe retired): in use again
            slot.retired = false;
            slot.concurrency = std::max(concurrency, 1);
            d->kick();
            return;
        }
    }
    d->m_backends.push_back({backend, std::max(concurrency, 1), {}, {}});
    d->kick();
}

void Scheduler::retireBackend(backends::Backend *backend)
{
    for (auto &slot : d->m_backends) {
        if (slot.backend == backend)
            slot.retired = true;
    }
    d->kick(); // jobs waiting for it only may now fail
}

QList<backends::Backend *> Scheduler::backends() const
{
    QList<backends::Backend *> list;
    for (const auto &slot : d->m_backends) {
        if (slot.usable())
            list << slot.backend.data();
    }
    return list;
}

void Scheduler::start()
{
    d->start();
}

void Scheduler::pause()
{
    m_paused = true;
}

void Scheduler::resume()
{
    m_paused = false;
    d->kick();
}

void Scheduler::enqueue(QList<JobRecord> jobs, storage::JobStore::Reply<QList<JobRecord>> done)
{
    ++d->m_pendingEnqueues;
    d->m_idleAnnounced = false;
    d->m_store->addJobs(std::move(jobs),
                        d->guarded([this, done](std::expected<QList<JobRecord>, StoreError> r) {
                            --d->m_pendingEnqueues;
                            if (!r) {
                                emit storeFailed(r.error().message);
                            } else {
                                for (const JobRecord &record : *r) {
                                    d->addEntry(record);
                                    d->announce(record);
                                }
                            }
                            if (done)
                                done(r);
                            d->kick();
                            d->maybeIdle();
                        }));
}

void Scheduler::refresh(std::function<void(int adopted)> done)
{
    d->adoptExternalJobs(std::move(done));
}

void Scheduler::cancel(qint64 jobId)
{
    d->cancel(jobId);
}

void Scheduler::retry(qint64 jobId)
{
    JobUpdate update = manualRetryUpdate(u"Retry requested: queued again"_s);
    d->m_store->update(
            jobId, std::move(update), d->guarded([this](std::expected<JobRecord, StoreError> r) {
                if (!r) {
                    if (r.error().kind != StoreError::Kind::Conflict)
                        emit storeFailed(r.error().message);
                    return;
                }
                d->addEntry(*r);
                d->announce(*r);
                d->kick();
            }));
}

void Scheduler::setPriority(qint64 jobId, int priority)
{
    JobUpdate update;
    update.priority = priority;
    for (JobState state : storage::allStates()) { // a finished job keeps its place
        if (!storage::isTerminal(state))
            update.expectedStates << state;
    }
    update.eventType = u"note"_s;
    update.eventMessage = u"Priority set to %1"_s.arg(priority);
    d->m_store->update(
            jobId, std::move(update), d->guarded([this](std::expected<JobRecord, StoreError> r) {
                if (!r) {
                    if (r.error().kind != StoreError::Kind::Conflict)
                        emit storeFailed(r.error().message);
                    return;
                }
                if (JobEntry *e = d->entry(r->id))
                    e->record = *r;
                d->announce(*r);
                d->kick();
            }));
}

void Scheduler::moveBefore(qint64 jobId, qint64 beforeJobId)
{
    d->m_store->moveBefore(
            jobId, beforeJobId, d->guarded([this](std::expected<JobRecord, StoreError> r) {
                if (!r) {
                    emit storeFailed(r.error().message);
                    return;
                }
                if (JobEntry *e = d->entry(r->id))
                    e->record = *r;
                d->announce(*r);
                d->kick();
            }));
}

std::optional<backends::JobProgress> Scheduler::progress(qint64 jobId) const
{
    JobEntry *e = d->entry(jobId);
    if (!e || !e->progress)
        return std::nullopt;
    return e->progress;
}

int Scheduler::activeCount() const
{
    int n = 0;
    for (const auto &[id, e] : d->m_jobs)
        n += storage::isActive(e->state) ? 1 : 0;
    return n;
}

int Scheduler::waitingCount() const
{
    int n = 0;
    for (const auto &[id, e] : d->m_jobs)
        n += e->state == JobState::Queued ? 1 : 0;
    return n;
}

bool Scheduler::isIdle() const
{
    return d->m_jobs.empty() && d->m_pendingEnqueues == 0;
}

} // namespace comfyvideo::jobs
