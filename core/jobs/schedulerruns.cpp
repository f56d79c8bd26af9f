#include "errors/classification.h"
#include "jobs/outputname.h"
#include "jobs/schedulerprivate.h"
#include "jobs/statemachine.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace comfyvideo::jobs {

using backends::BackendRun;
using backends::RunOutcome;
using backends::RunStage;
using storage::JobState;
using storage::JobUpdate;

namespace {

JobState stateOf(RunStage stage)
{
    switch (stage) {
    case RunStage::Uploading:
        return JobState::Uploading;
    case RunStage::Submitted:
        return JobState::Submitted;
    case RunStage::Running:
        return JobState::Running;
    case RunStage::Fetching:
        return JobState::Fetching;
    }
    return JobState::Running;
}

QDateTime utcIn(qint64 ms)
{
    return QDateTime::currentDateTimeUtc().addMSecs(ms);
}

} // namespace

void Scheduler::Private::startAttempt(JobEntry *e,
                                      BackendSlot *slot,
                                      const backends::Assessment &assessment)
{
    backends::Backend *backend = slot->backend;
    e->backend = backend;
    e->retryOn.clear();
    e->unplacedAttempts = 0;
    slot->lastCheckpoint = assessment.checkpoint;
    slot->lastMotionModule = assessment.motionModule;

    const QString remoteId = backend->newRemoteId();
    const request::GenerationRequest &request = e->record.request;
    const bool uploads
            = remoteId.isEmpty()
              || (request.kind == request::Kind::Svd && !request.referenceImage.isEmpty());
    const bool sameBackend = e->record.backend == backend->id();
    JobUpdate update;
    update.state = uploads ? JobState::Uploading : JobState::Submitted;
    update.backend = backend->id();
    update.remoteId = remoteId;
    update.attempts = e->record.attempts + 1;
    update.backendAttempts = sameBackend ? e->record.backendAttempts + 1 : 1;
    update.notBefore = QDateTime();
    update.submittedAt = uploads ? QDateTime() : QDateTime::currentDateTimeUtc();
    update.eventType = u"attempt"_s;
    update.eventMessage = u"Attempt %1 on %2"_s.arg(*update.attempts).arg(backend->displayName());
    update.eventData = {{u"backend"_s, backend->id()},
                        {u"remoteId"_s, remoteId},
                        {u"attempt"_s, *update.attempts},
                        {u"backendAttempt"_s, *update.backendAttempts}};
    e->overallDeadlineMs = uploads ? 0 : nowMs() + m_options.overallTimeout.count();
    e->stallDeadlineMs = 0;
    commit(e->record.id, std::move(update), [this](JobEntry *e) {
        if (e->cancelWanted || e->canceling || storage::isTerminal(e->state)) {
            e->backend = nullptr;
            return;
        }
        createRun(e, false);
    });
}

void Scheduler::Private::createRun(JobEntry *e, bool attach)
{
    backends::RunSpec spec;
    spec.jobId = QString::number(e->record.id);
    spec.request = e->record.request;
    spec.outputDirectory = m_options.outputDirectory;
    // From the creation time, not now: a run re-attached after a crash writes the same file.
    spec.outputBaseName = outputBaseName(e->record, e->record.createdAt.toLocalTime());
    spec.maxOutputBytes = m_options.maxOutputBytes;
    spec.remoteId = e->record.remoteId;
    spec.attach = attach;
    BackendRun *run = e->backend ? e->backend->createRun(spec, q) : nullptr;
    e->abortError.reset();
    e->graceDeadlineMs = 0;
    e->progress.reset();
    e->meter.begin(nowMs());
    if (!run) {
        handleFailure(
                e,
                errors::Error::make(errors::ErrorKind::WorkerUnavailable,
                                    QCoreApplication::translate(
                                            "Scheduler", "The backend could not start the job.")));
        e->backend = nullptr;
        return;
    }
    e->run = run;
    if (e->state == JobState::Running || e->state == JobState::Fetching)
        e->stallDeadlineMs = nowMs() + m_options.stallTimeout.count();
    connectRun(e->record.id, run);
    loadPrediction(e);
    run->start();
    scheduleWake();
}

void Scheduler::Private::connectRun(qint64 jobId, BackendRun *run)
{
    const auto current = [this, jobId, run] {
        JobEntry *e = entry(jobId);
        return e && e->run == run ? e : nullptr;
    };
    QObject::connect(run, &BackendRun::stageChanged, q, [this, current, jobId](RunStage stage) {
        if (current())
            onStage(jobId, stage);
    });
    QObject::connect(
            run, &BackendRun::remoteIdChanged, q, [this, current, jobId](const QString &id) {
                if (current())
                    onRemoteId(jobId, id);
            });
    QObject::connect(run,
                     &BackendRun::progressChanged,
                     q,
                     [this, current, jobId](const backends::JobProgress &progress) {
                         if (current())
                             onProgress(jobId, progress);
                     });
    QObject::connect(
            run, &BackendRun::finished, q, [this, current, jobId, run](const RunOutcome &outcome) {
                if (current())
                    onFinished(jobId, outcome);
                else
                    run->deleteLater();
            });
}

void Scheduler::Private::onStage(qint64 jobId, RunStage stage)
{
    JobEntry *e = entry(jobId);
    if (e->cancelWanted || e->canceling || e->abortError)
        return;
    advanceTo(e, stateOf(stage));
}

void Scheduler::Private::advanceTo(JobEntry *e, JobState target)
{
    while (const auto next = nextStepTowards(e->state, target)) {
        if (!storage::isActive(*next))
            break;
        JobUpdate update;
        update.state = *next;
        update.eventMessage = u"Now %1"_s.arg(storage::stateName(*next));
        if (*next == JobState::Submitted) {
            update.submittedAt = QDateTime::currentDateTimeUtc();
            if (e->run && !e->run->remoteId().isEmpty())
                update.remoteId = e->run->remoteId();
            e->overallDeadlineMs = nowMs() + m_options.overallTimeout.count();
        }
        if (*next == JobState::Running || *next == JobState::Fetching)
            e->stallDeadlineMs = nowMs() + m_options.stallTimeout.count();
        commit(e->record.id, std::move(update));
    }
    scheduleWake();
}

void Scheduler::Private::onRemoteId(qint64 jobId, const QString &remoteId)
{
    JobEntry *e = entry(jobId);
    if (remoteId.isEmpty() || remoteId == e->record.remoteId || e->canceling)
        return;
    JobUpdate update;
    update.remoteId = remoteId;
    update.eventType = u"remote_id"_s;
    update.eventMessage = u"Remote id %1"_s.arg(remoteId);
    commit(jobId, std::move(update));
}

void Scheduler::Private::onProgress(qint64 jobId, backends::JobProgress progress)
{
    JobEntry *e = entry(jobId);
    const qint64 now = nowMs();
    e->meter.observe(progress, now);
    if ((e->state == JobState::Running || e->state == JobState::Fetching) && !e->abortError)
        e->stallDeadlineMs = now + m_options.stallTimeout.count();
    if (!progress.eta) {
        const qint64 postElapsed = e->meter.samplingEnded() ? now - e->meter.samplingEndMs() : 0;
        progress.eta = EtaModel::remaining(progress,
                                           e->prediction,
                                           e->record.request.steps,
                                           e->record.request.frames,
                                           std::chrono::milliseconds(postElapsed));
    }
    e->progress = progress;
    emit q->jobProgress(jobId, progress);
}

void Scheduler::Private::onFinished(qint64 jobId, const RunOutcome &outcome)
{
    JobEntry *e = entry(jobId);
    const backends::Backend *backend = e->backend;
    releaseRun(e, false);
    switch (outcome.kind) {
    case RunOutcome::Kind::Succeeded:
        complete(e, outcome);
        return;
    case RunOutcome::Kind::Canceled:
        if (e->abortError && !e->cancelWanted)
            handleFailure(e, *e->abortError);
        else
            finishCanceled(e);
        return;
    case RunOutcome::Kind::Lost: {
        if (e->cancelWanted) {
            finishCanceled(e);
            return;
        }
        e->retryOn = e->record.backend;
        JobUpdate update;
        update.state = JobState::Queued;
        update.eventType = u"retry"_s;
        update.eventMessage
                = u"%1 no longer knows remote id %2 (it restarted): submitting again"_s.arg(
                        e->record.backend, e->record.remoteId);
        requeue(e, std::move(update), 0);
        return;
    }
    case RunOutcome::Kind::Failed:
        break;
    }
    if (e->cancelWanted) {
        finishCanceled(e);
        return;
    }
    if (backend)
        invalidateAssessments(backend);
    handleFailure(e,
                  e->abortError   ? *e->abortError
                  : outcome.error ? *outcome.error
                                  : errors::Error::make(
                                          errors::ErrorKind::Unknown,
                                          QCoreApplication::translate(
                                                  "Scheduler", "The backend failed the job.")));
}

void Scheduler::Private::complete(JobEntry *e, const RunOutcome &outcome)
{
    advanceTo(e, JobState::Fetching);
    JobUpdate update;
    update.state = JobState::Completed;
    update.outputPath = outcome.outputPath;
    update.finishedAt = QDateTime::currentDateTimeUtc();
    update.error = std::optional<errors::Error>();
    if (!outcome.remoteId.isEmpty() && outcome.remoteId != e->record.remoteId)
        update.remoteId = outcome.remoteId;
    update.eventMessage
            = outcome.reusedEarlierOutput
                      ? u"Completed (a cached run: the earlier output was fetched): %1"_s.arg(
                              outcome.outputPath)
                      : u"Completed: %1"_s.arg(outcome.outputPath);
    update.eventData = {{u"outputPath"_s, outcome.outputPath}};
    std::optional<storage::RunSample> sample;
    if (!outcome.reusedEarlierOutput)
        sample = e->meter.finish(e->record.request, nowMs());
    commit(e->record.id, std::move(update), [this, sample](JobEntry *e) {
        if (!sample || e->record.state != JobState::Completed)
            return;
        storage::RunSample s = *sample;
        s.backend = e->record.backend;
        s.at = QDateTime::currentDateTimeUtc();
        m_store->addRunSample(s, guarded([this](auto r) {
                                  if (!r)
                                      emit q->storeFailed(r.error().message);
                              }));
    });
}

void Scheduler::Private::handleFailure(JobEntry *e, const errors::Error &error)
{
    const QString failedOn = e->record.backend;
    e->retryOn.clear();
    int remaining = 0;
    for (const Candidate &c : candidates(*e))
        remaining += c.slot->backend->id() != failedOn ? 1 : 0;
    const RetryDecision decision
            = m_policy.decide(error, e->record.backendAttempts, e->record.maxAttempts, remaining);
    const QString what
            = u"Attempt %1 on %2 failed (%3: %4)"_s.arg(QString::number(e->record.attempts),
                                                        failedOn,
                                                        errors::kindName(error.kind),
                                                        error.userMessage);
    JobUpdate update;
    update.state = JobState::Queued;
    update.error = error;
    switch (decision.action) {
    case RetryDecision::Action::Retry:
        e->retryOn = failedOn;
        update.eventType = u"retry"_s;
        update.eventMessage
                = u"%1; retrying there in %2 ms"_s.arg(what).arg(decision.delay.count());
        requeue(e, std::move(update), decision.delay.count());
        return;
    case RetryDecision::Action::Fallback:
        update.excludedBackends = e->record.excludedBackends + QStringList{failedOn};
        update.eventType = u"fallback"_s;
        update.eventMessage = u"%1; moving on to the next backend"_s.arg(what);
        requeue(e, std::move(update), 0);
        return;
    case RetryDecision::Action::Fail:
        fail(e, error);
        return;
    }
}

void Scheduler::Private::requeue(JobEntry *e, JobUpdate update, qint64 delayMs)
{
    update.state = JobState::Queued;
    update.notBefore = delayMs > 0 ? utcIn(delayMs) : QDateTime();
    e->notBeforeMs = delayMs > 0 ? nowMs() + delayMs : 0;
    e->placing = false;
    commit(e->record.id, std::move(update));
}

void Scheduler::Private::fail(JobEntry *e, const errors::Error &error)
{
    JobUpdate update;
    update.state = JobState::Failed;
    update.error = error;
    update.finishedAt = QDateTime::currentDateTimeUtc();
    update.eventType = u"error"_s;
    update.eventMessage = u"Failed (%1): %2"_s.arg(errors::kindName(error.kind), error.userMessage);
    commit(e->record.id, std::move(update));
}

void Scheduler::Private::finishCanceled(JobEntry *e)
{
    if (e->canceling)
        return;
    e->canceling = true;
    e->placing = false;
    JobUpdate update;
    update.state = JobState::Canceled;
    update.error = errors::makeCanceled();
    update.finishedAt = QDateTime::currentDateTimeUtc();
    update.cancelRequested = false;
    update.eventType = u"canceled"_s;
    update.eventMessage = u"Canceled"_s;
    commit(e->record.id, std::move(update));
}

// Lets go of the run (and its slot). A run still going is left to finish on its own: it is
// deleted when it reports, or after the cancel grace.
void Scheduler::Private::releaseRun(JobEntry *e, bool stillRunning)
{
    e->backend = nullptr;
    e->overallDeadlineMs = 0;
    e->stallDeadlineMs = 0;
    e->graceDeadlineMs = 0;
    BackendRun *run = e->run;
    e->run = nullptr;
    if (!run)
        return;
    QObject::disconnect(run, nullptr, q, nullptr);
    if (stillRunning) {
        QObject::connect(run, &BackendRun::finished, run, &QObject::deleteLater);
        QTimer::singleShot(m_options.cancelGrace, run, &QObject::deleteLater);
    } else {
        run->deleteLater();
    }
}

void Scheduler::Private::loadPrediction(JobEntry *e)
{
    const qint64 jobId = e->record.id;
    const request::GenerationRequest &r = e->record.request;
    m_store->runSamples(
            e->record.backend,
            request::kindName(r.kind),
            20,
            guarded([this, jobId, w = r.width, h = r.height, f = r.frames](
                            std::expected<QList<storage::RunSample>, storage::StoreError> samples) {
                if (JobEntry *e = entry(jobId); e && samples)
                    e->prediction = EtaModel::predict(*samples, w, h, f);
            }));
}

} // namespace comfyvideo::jobs
