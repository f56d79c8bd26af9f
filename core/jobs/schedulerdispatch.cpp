#include "jobs/schedulerprivate.h"

#include <QCoreApplication>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace comfyvideo::jobs {

using backends::Assessment;
using storage::JobState;
using storage::JobUpdate;

namespace {

QString requestKey(const request::GenerationRequest &r)
{
    return QStringList{request::kindName(r.kind),
                       r.checkpoint,
                       r.motionModule,
                       QString::number(r.width),
                       QString::number(r.height),
                       QString::number(r.frames),
                       r.referenceImage}
            .join(u'|');
}

int levelRank(Assessment::Level level)
{
    return level == Assessment::Level::Ready ? 0 : 1;
}

} // namespace

QList<JobEntry *> Scheduler::Private::queueOrder()
{
    const qint64 now = nowMs();
    QList<JobEntry *> list;
    for (auto &[id, e] : m_jobs) {
        if (e->state == JobState::Queued && e->pendingUpdates == 0 && !e->reloading
            && !e->cancelWanted && !e->placing && e->notBeforeMs <= now)
            list << e.get();
    }
    std::sort(list.begin(), list.end(), [](const JobEntry *a, const JobEntry *b) {
        if (a->record.priority != b->record.priority)
            return a->record.priority > b->record.priority;
        if (a->record.position != b->record.position)
            return a->record.position < b->record.position;
        return a->record.id < b->record.id;
    });
    return list;
}

Scheduler::Private::BackendSlot *Scheduler::Private::slotOf(const QString &backendId)
{
    for (BackendSlot &slot : m_backends) {
        if (slot.usable() && slot.backend->id() == backendId)
            return &slot;
    }
    return nullptr;
}

QList<Scheduler::Private::Candidate> Scheduler::Private::candidates(const JobEntry &e)
{
    QList<BackendSlot *> chosen;
    if (e.record.chain.isEmpty()) {
        for (BackendSlot &slot : m_backends) {
            if (slot.usable())
                chosen << &slot;
        }
    } else {
        for (const QString &id : e.record.chain) {
            if (BackendSlot *slot = slotOf(id); slot && !chosen.contains(slot))
                chosen << slot;
        }
    }
    QList<Candidate> list;
    for (BackendSlot *slot : chosen) {
        if (!e.record.excludedBackends.contains(slot->backend->id()))
            list.append({slot, int(list.size()), std::nullopt});
    }
    if (!e.retryOn.isEmpty()) {
        for (const Candidate &c : list) {
            if (c.slot->backend->id() == e.retryOn)
                return {c};
        }
    }
    return list;
}

int Scheduler::Private::usedSlots(const backends::Backend *backend) const
{
    int used = 0;
    for (const auto &[id, e] : m_jobs)
        used += e->backend == backend ? 1 : 0;
    return used;
}

int Scheduler::Private::freeSlots(const BackendSlot &slot) const
{
    return slot.usable() ? std::max(slot.concurrency - usedSlots(slot.backend), 0) : 0;
}

void Scheduler::Private::dispatch()
{
    if (!m_started || q->m_paused)
        return;
    int placing = 0;
    for (const auto &[id, e] : m_jobs)
        placing += e->placing ? 1 : 0;
    // No more jobs are placed than all backends have free slots: once they are spoken for,
    // stop (counting per job is a pass over every job per candidate: quadratic in the queue).
    int totalFree = 0;
    bool anyBackend = false;
    for (const BackendSlot &slot : m_backends) {
        totalFree += freeSlots(slot);
        anyBackend = anyBackend || slot.usable();
    }
    // Every slot busy (most dispatches of a long run): nothing to place now. A job that no
    // configured backend may take is failed at the next dispatch with a free slot.
    if (anyBackend && totalFree <= placing)
        return;
    for (JobEntry *e : queueOrder()) {
        if (anyBackend && totalFree <= placing)
            break; // the slots are taken: the rest of the queue waits (see above)
        QList<Candidate> list = candidates(*e);
        int free = 0;
        for (const Candidate &c : list)
            free += freeSlots(*c.slot);
        if (!list.isEmpty() && free <= placing)
            continue;
        if (!e->waitFor.isEmpty()) {
            const bool slotOpened = std::any_of(
                    e->waitFor.cbegin(), e->waitFor.cend(), [this](const QString &id) {
                        BackendSlot *slot = slotOf(id);
                        return slot && freeSlots(*slot) > 0;
                    });
            if (!slotOpened)
                continue;
        }
        ++placing;
        beginPlacement(e, std::move(list));
    }
}

void Scheduler::Private::beginPlacement(JobEntry *e, QList<Candidate> list)
{
    const qint64 jobId = e->record.id;
    e->placing = true;
    e->waitFor.clear();
    JobUpdate update;
    update.state = JobState::Dispatching;
    update.eventMessage = u"Choosing a backend"_s;
    commit(jobId, std::move(update));
    if (list.isEmpty()) {
        QMetaObject::invokeMethod(
                q, guarded([this, jobId] { place(jobId, {}); }), Qt::QueuedConnection);
        return;
    }
    struct Gathering
    {
        QList<Candidate> list;
        qsizetype remaining = 0;
    };
    auto gathering = std::make_shared<Gathering>(Gathering{list, list.size()});
    const request::GenerationRequest request = e->record.request;
    for (qsizetype i = 0; i < list.size(); ++i) {
        assess(list[i].slot, request, [this, jobId, gathering, i](Assessment a) {
            gathering->list[i].assessment = std::move(a);
            if (--gathering->remaining == 0)
                place(jobId, gathering->list);
        });
    }
}

void Scheduler::Private::assess(BackendSlot *slot,
                                const request::GenerationRequest &request,
                                std::function<void(Assessment)> done)
{
    const QString key = slot->backend->id() + u'\n' + requestKey(request);
    const auto cached = m_assessments.constFind(key);
    if (cached != m_assessments.cend()
        && nowMs() - cached->atMs < qint64(m_options.assessmentTtl.count())) {
        QMetaObject::invokeMethod(
                q,
                guarded([done = std::move(done), a = cached->assessment] { done(a); }),
                Qt::QueuedConnection);
        return;
    }
    QList<std::function<void(Assessment)>> &waiters = m_assessWaiters[key];
    waiters << std::move(done);
    if (waiters.size() > 1)
        return;
    slot->backend->assess(request, guarded([this, key](Assessment a) {
                              // An unreachable backend is asked again next time.
                              if (a.level != Assessment::Level::Unreachable)
                                  m_assessments.insert(key, {a, nowMs()});
                              const auto waiting = m_assessWaiters.take(key);
                              for (const auto &waiter : waiting)
                                  waiter(a);
                          }));
}

void Scheduler::Private::invalidateAssessments(const backends::Backend *backend)
{
    const QString prefix = backend->id() + u'\n';
    m_assessments.removeIf([&prefix](const auto &it) { return it.key().startsWith(prefix); });
}

void Scheduler::Private::place(qint64 jobId, QList<Candidate> list)
{
    JobEntry *e = entry(jobId);
    if (!e || !e->placing)
        return;
    e->placing = false;
    if (e->cancelWanted || e->state != JobState::Dispatching)
        return;
    QList<Candidate> ready;
    QStringList busyButAble;
    for (const Candidate &c : list) {
        if (!c.slot->usable() || !c.assessment || !c.assessment->canRun())
            continue;
        if (freeSlots(*c.slot) > 0)
            ready << c;
        else
            busyButAble << c.slot->backend->id();
    }
    const auto load = [this](const Candidate &c) {
        return c.assessment->queueDepth + usedSlots(c.slot->backend);
    };
    const auto sameModels = [](const Candidate &c) {
        return !c.slot->lastCheckpoint.isEmpty()
               && c.slot->lastCheckpoint == c.assessment->checkpoint
               && c.slot->lastMotionModule == c.assessment->motionModule;
    };
    std::stable_sort(ready.begin(), ready.end(), [&](const Candidate &a, const Candidate &b) {
        if (levelRank(a.assessment->level) != levelRank(b.assessment->level))
            return levelRank(a.assessment->level) < levelRank(b.assessment->level);
        if (load(a) != load(b))
            return load(a) < load(b);
        if (sameModels(a) != sameModels(b))
            return sameModels(a);
        return a.order < b.order;
    });
    if (!ready.isEmpty()) {
        startAttempt(e, ready.first().slot, *ready.first().assessment);
        return;
    }
    if (!busyButAble.isEmpty()) {
        e->waitFor = busyButAble;
        JobUpdate update;
        update.state = JobState::Queued;
        update.eventMessage = u"Waiting for a free slot on %1"_s.arg(busyButAble.join(u", "_s));
        commit(jobId, std::move(update));
        return;
    }
    noBackendCanRun(e, list);
}

// Every candidate is blocked or unreachable (or there is none). Unreachable ones may come
// back: the job waits with a backoff, up to maxAttempts placements, before it fails.
void Scheduler::Private::noBackendCanRun(JobEntry *e, const QList<Candidate> &list)
{
    std::optional<errors::Error> blocked;
    std::optional<errors::Error> unreachable;
    bool mayComeBack = false;
    for (const Candidate &c : list) {
        if (!c.assessment)
            continue;
        const Assessment &a = *c.assessment;
        if (a.level == Assessment::Level::Blocked && !blocked) {
            blocked = a.error ? *a.error
                              : errors::Error::make(errors::ErrorKind::Unknown,
                                                    a.reasons.join(u' '));
        } else if (a.level == Assessment::Level::Unreachable) {
            const errors::Error error
                    = a.error ? *a.error
                              : errors::Error::make(errors::ErrorKind::WorkerUnavailable,
                                                    a.reasons.join(u' '));
            mayComeBack = mayComeBack || error.retryable;
            if (!unreachable)
                unreachable = error;
        }
    }
    errors::Error error;
    if (blocked)
        error = *blocked;
    else if (unreachable)
        error = *unreachable;
    else if (e->record.error)
        error = *e->record.error;
    else
        error = errors::Error::make(
                errors::ErrorKind::WorkerUnavailable,
                QCoreApplication::translate("Scheduler",
                                            "No configured backend can run this job."));
    if (mayComeBack && ++e->unplacedAttempts < e->record.maxAttempts) {
        JobUpdate update;
        update.state = JobState::Queued;
        update.error = error;
        update.eventType = u"retry"_s;
        update.eventMessage = u"No backend can run the job now (%1); trying again later"_s.arg(
                error.userMessage);
        const auto delay = m_policy.backoff(e->unplacedAttempts, RetryPolicy::randomJitterUnit());
        requeue(e, std::move(update), delay.count());
        return;
    }
    fail(e, error);
}

} // namespace comfyvideo::jobs
