#include "errors/classification.h"
#include "jobs/schedulerprivate.h"

#include <algorithm>
#include <climits>

using namespace Qt::StringLiterals;

namespace comfyvideo::jobs {

using storage::JobRecord;
using storage::JobState;
using storage::JobUpdate;
using storage::StoreError;

namespace {

int roundedSeconds(std::chrono::milliseconds ms)
{
    return int(std::max<qint64>(1, (ms.count() + 999) / 1000));
}

} // namespace

void Scheduler::Private::start()
{
    if (m_started || m_recovering)
        return;
    m_recovering = true;
    m_cancelPollTimer.start();
    // Read before the jobs: a commit elsewhere after this read moves it, and the poll adopts.
    m_store->dataVersion(guarded([this](std::expected<qint64, StoreError> r) {
        if (r)
            m_dataVersion = *r;
    }));
    m_store->unfinished(guarded([this](std::expected<QList<JobRecord>, StoreError> r) {
        m_recovering = false;
        m_started = true;
        if (!r) {
            emit q->storeFailed(r.error().message);
        } else {
            for (const JobRecord &record : *r)
                recover(record);
        }
        kick();
        maybeIdle();
    }));
}

// A job the previous scheduler left behind (crash, quit): nothing that completed runs again;
// work on a server is re-attached by its remote id.
void Scheduler::Private::recover(const JobRecord &record)
{
    if (entry(record.id))
        return; // enqueued while we were reading
    JobEntry *e = addEntry(record);
    if (!e || record.state == JobState::Queued)
        return;
    JobUpdate update;
    update.state = JobState::Queued;
    if (!storage::hasRemoteWork(record.state)) {
        if (record.state == JobState::Uploading) { // never submitted: the attempt does not count
            update.attempts = std::max(0, record.attempts - 1);
            update.backendAttempts = std::max(0, record.backendAttempts - 1);
        }
        update.eventMessage = u"Interrupted before submission (the app stopped): queued again"_s;
        commit(record.id, std::move(update));
        return;
    }
    BackendSlot *slot = slotOf(record.backend);
    if (!slot) {
        update.eventType = u"note"_s;
        update.eventMessage
                = u"Backend %1 is not configured now: queued again"_s.arg(record.backend);
        commit(record.id, std::move(update));
        return;
    }
    if (record.remoteId.isEmpty()) {
        e->retryOn = record.backend;
        update.eventMessage = u"No remote id was stored: submitting again"_s;
        commit(record.id, std::move(update));
        return;
    }
    e->backend = slot->backend;
    const qint64 elapsed = record.submittedAt.isValid()
                                   ? record.submittedAt.msecsTo(QDateTime::currentDateTimeUtc())
                                   : 0;
    e->overallDeadlineMs
            = nowMs() + std::max<qint64>(0, m_options.overallTimeout.count() - elapsed);
    m_store->appendEvent(record.id,
                         u"note"_s,
                         u"Re-attaching to %1 on %2"_s.arg(record.remoteId, record.backend),
                         {},
                         guarded([](auto) {}));
    createRun(e, true);
}

void Scheduler::Private::cancel(qint64 jobId)
{
    JobEntry *e = entry(jobId);
    if (!e) {
        cancelUnknown(jobId);
        return;
    }
    if (e->cancelWanted)
        return;
    e->cancelWanted = true;
    if (e->run) {
        e->run->cancel();
        e->graceDeadlineMs = nowMs() + m_options.cancelGrace.count();
        scheduleWake();
        return;
    }
    // Queued, choosing a backend (its assessments are dropped), or between two attempts.
    finishCanceled(e);
}

// A job this scheduler does not hold: cancel it in the store when it waits; when it runs
// elsewhere (another process), ask its owner to.
void Scheduler::Private::cancelUnknown(qint64 jobId)
{
    m_store->job(jobId, guarded([this, jobId](std::expected<JobRecord, StoreError> r) {
                     if (!r || storage::isTerminal(r->state))
                         return;
                     if (entry(jobId)) { // enqueued or recovered meanwhile
                         cancel(jobId);
                         return;
                     }
                     JobUpdate update;
                     update.expectedStates = {r->state};
                     if (r->state == JobState::Queued) {
                         update.state = JobState::Canceled;
                         update.error = errors::makeCanceled();
                         update.finishedAt = QDateTime::currentDateTimeUtc();
                         update.eventType = u"canceled"_s;
                         update.eventMessage = u"Canceled"_s;
                     } else {
                         update.cancelRequested = true;
                         update.eventType = u"note"_s;
                         update.eventMessage = u"Cancel requested"_s;
                     }
                     m_store->update(jobId,
                                     std::move(update),
                                     guarded([this](std::expected<JobRecord, StoreError> r) {
                                         if (r)
                                             announce(*r);
                                     }));
                 }));
}

void Scheduler::Private::pollCancelRequests()
{
    if (m_pollingCancels || !m_started)
        return;
    m_pollingCancels = true;
    m_store->cancelRequests(guarded([this](std::expected<QList<qint64>, StoreError> r) {
        m_pollingCancels = false;
        if (!r)
            return;
        for (qint64 jobId : *r) {
            if (JobEntry *e = entry(jobId); e && !e->cancelWanted)
                cancel(jobId);
        }
    }));
}

// Another connection committed (data_version moved): look for jobs queued or retried there.
void Scheduler::Private::pollExternalChanges()
{
    if (m_pollingVersion || !m_started)
        return;
    m_pollingVersion = true;
    m_store->dataVersion(guarded([this](std::expected<qint64, StoreError> r) {
        m_pollingVersion = false;
        if (!r)
            return;
        if (!m_dataVersion) {
            m_dataVersion = *r; // start() could not read it: count from now
            return;
        }
        if (*r == *m_dataVersion || m_pendingEnqueues > 0)
            return; // unchanged; or our own jobs are being added: look again next time
        const qint64 version = *r;
        adoptExternalJobs([this, version](int) { m_dataVersion = version; });
    }));
}

void Scheduler::Private::adoptExternalJobs(std::function<void(int)> done)
{
    ++m_adoptionsInFlight;
    m_store->unfinished(guarded([this, done](std::expected<QList<JobRecord>, StoreError> r) {
        int adopted = 0;
        if (!r)
            emit q->storeFailed(r.error().message);
        for (const JobRecord &record : r ? *r : QList<JobRecord>{}) {
            // Only waiting jobs: a job in flight belongs to whoever started it (the queue lock
            // makes that this scheduler, which then holds it already).
            if (record.state != JobState::Queued || entry(record.id)
                || m_removedDuringAdoption.contains(record.id))
                continue;
            if (addEntry(record)) {
                ++adopted;
                announce(record);
            }
        }
        if (--m_adoptionsInFlight == 0)
            m_removedDuringAdoption.clear();
        if (adopted > 0)
            kick();
        if (done)
            done(adopted);
        maybeIdle();
    }));
}

void Scheduler::Private::abortRun(JobEntry *e, const errors::Error &error)
{
    e->abortError = error;
    e->graceDeadlineMs = nowMs() + m_options.cancelGrace.count();
    e->run->cancel();
}

void Scheduler::Private::checkDeadlines()
{
    const qint64 now = nowMs();
    QList<qint64> ids;
    for (const auto &[id, e] : m_jobs) {
        if (e->run)
            ids << id;
    }
    for (qint64 id : ids) {
        JobEntry *e = entry(id);
        if (!e || !e->run)
            continue;
        if (e->graceDeadlineMs > 0 && now >= e->graceDeadlineMs) {
            // The run did not confirm in time: let it go.
            releaseRun(e, false);
            if (e->abortError && !e->cancelWanted)
                handleFailure(e, *e->abortError);
            else
                finishCanceled(e);
            continue;
        }
        if (e->abortError || e->cancelWanted)
            continue;
        if (e->overallDeadlineMs > 0 && now >= e->overallDeadlineMs) {
            abortRun(e,
                     errors::makeTimeout(errors::TimeoutKind::Overall,
                                         roundedSeconds(m_options.overallTimeout)));
        } else if (e->stallDeadlineMs > 0 && now >= e->stallDeadlineMs
                   && (e->state == JobState::Running || e->state == JobState::Fetching)) {
            abortRun(e,
                     errors::makeTimeout(errors::TimeoutKind::Stall,
                                         roundedSeconds(m_options.stallTimeout)));
        }
    }
}

void Scheduler::Private::scheduleWake()
{
    const qint64 now = nowMs();
    qint64 earliest = LLONG_MAX;
    const auto consider = [&earliest](qint64 at) {
        if (at > 0)
            earliest = std::min(earliest, at);
    };
    for (const auto &[id, e] : m_jobs) {
        if (e->state == JobState::Queued && e->notBeforeMs > now)
            consider(e->notBeforeMs);
        if (e->run) {
            consider(e->graceDeadlineMs);
            if (!e->abortError && !e->cancelWanted) {
                consider(e->overallDeadlineMs);
                consider(e->stallDeadlineMs);
            }
        }
    }
    if (earliest == LLONG_MAX) {
        m_wakeTimer.stop();
        return;
    }
    const qint64 wait = std::clamp<qint64>(earliest - now, 0, INT_MAX);
    m_wakeTimer.start(int(wait));
}

} // namespace comfyvideo::jobs
