#include "backends/comfyrun.h"

#include "comfy/comfyclient.h"
#include "comfy/failureerror.h"
#include "common/logging.h"
#include "errors/classification.h"

#include <QTimer>

namespace comfyvideo::backends {

using comfy::JobOutcome;
using errors::Error;
using errors::ErrorKind;

ComfyRun::ComfyRun(comfy::ComfyClient *client, RunSpec spec, Options options, QObject *parent)
    : BackendRun(parent)
    , m_client(client)
    , m_spec(std::move(spec))
    , m_options(std::move(options))
    , m_remoteId(m_spec.remoteId)
{
    if (client) {
        connect(client, &QObject::destroyed, this, [this] {
            delete m_tracker;
            fail(Error::make(ErrorKind::WorkerUnavailable,
                             tr("The ComfyUI server was removed while the job ran on it.")));
        });
    }
}

ComfyRun::~ComfyRun()
{
    m_done = true; // an aborted request's answer must not act on a run being destroyed
    if (m_pending)
        m_pending->abort();
}

void ComfyRun::start()
{
    if (m_started)
        return;
    m_started = true;
    QTimer::singleShot(0, this, &ComfyRun::begin);
}

void ComfyRun::begin()
{
    if (m_done)
        return;
    if (!m_client)
        return fail(Error::make(ErrorKind::WorkerUnavailable,
                                tr("The ComfyUI server was removed before the job started.")));
    if (m_spec.attach) {
        if (m_remoteId.isEmpty())
            return complete({RunOutcome::Kind::Lost, {}, {}, std::nullopt, false});
        return track({});
    }
    m_pending = m_client->objectInfo([self = QPointer<ComfyRun>(this)](auto catalog) {
        if (self)
            self->onCatalog(std::move(catalog));
    });
}

void ComfyRun::onCatalog(comfy::Result<comfy::NodeCatalog> catalog)
{
    if (m_done)
        return;
    if (!catalog)
        return fail(comfy::toError(catalog.error()));
    m_catalog = std::move(*catalog);
    const ComfyResolution resolved
            = resolveForCatalog(m_spec.request, *m_catalog, m_options.resolve);
    m_notes = resolved.notes;
    emit notesReady(m_notes);
    if (!resolved.ok())
        return fail(resolved.problemError());
    const QString image = resolved.request.referenceImage;
    if (resolved.request.kind != request::Kind::Svd || image.isEmpty())
        return track(resolved.workflow);
    advanceStage(RunStage::Uploading);
    m_pending = m_client->uploadImage(image, [self = QPointer<ComfyRun>(this)](auto uploaded) {
        if (self)
            self->onUploaded(std::move(uploaded));
    });
}

void ComfyRun::onUploaded(comfy::Result<comfy::UploadedImage> image)
{
    if (m_done)
        return;
    if (!image)
        return fail(comfy::toError(image.error()));
    ComfyResolveOptions options = m_options.resolve;
    options.uploadedImageName = image->loadImageName();
    track(resolveForCatalog(m_spec.request, *m_catalog, options).workflow);
}

void ComfyRun::track(const comfy::BuiltWorkflow &workflow)
{
    m_pending.clear();
    comfy::JobTracker::Options options = m_options.tracker;
    options.downloadDirectory = m_spec.outputDirectory;
    options.localName = m_spec.outputFileName;
    options.localBaseName = m_spec.outputBaseName;
    options.maxDownloadBytes = m_spec.maxOutputBytes;
    if (m_remoteId.isEmpty())
        m_remoteId = comfy::ComfyClient::newPromptId();
    options.promptId = m_remoteId;
    m_tracker = new comfy::JobTracker(m_client, workflow, options, this);
    connect(m_tracker, &comfy::JobTracker::submitted, this, &ComfyRun::onSubmitted);
    connect(m_tracker, &comfy::JobTracker::progressChanged, this, &ComfyRun::onProgress);
    connect(m_tracker, &comfy::JobTracker::finished, this, &ComfyRun::onOutcome);
    if (m_spec.attach)
        m_tracker->attach(m_remoteId);
    else
        m_tracker->start();
}

void ComfyRun::onSubmitted(const QString &promptId)
{
    if (m_done)
        return;
    const bool changed = promptId != m_spec.remoteId;
    m_remoteId = promptId;
    if (changed)
        emit remoteIdChanged(promptId);
    advanceStage(RunStage::Submitted);
}

void ComfyRun::onProgress(const comfy::Progress &progress)
{
    if (m_done)
        return;
    using Phase = comfy::Progress::Phase;
    if (progress.phase >= Phase::Loading && progress.phase <= Phase::Encoding)
        advanceStage(RunStage::Running);
    else if (progress.phase == Phase::Downloading)
        advanceStage(RunStage::Fetching);
    emit progressChanged(progress);
}

void ComfyRun::advanceStage(RunStage stage)
{
    if (m_stage && *m_stage >= stage)
        return;
    // A prompt that finished before we looked (a cached re-run, an attach) still passes
    // through Running on its way to Fetching.
    if (stage == RunStage::Fetching && m_stage && *m_stage < RunStage::Running)
        advanceStage(RunStage::Running);
    m_stage = stage;
    emit stageChanged(stage);
}

void ComfyRun::onOutcome(const JobOutcome &outcome)
{
    if (m_done)
        return;
    RunOutcome result;
    result.remoteId = outcome.promptId.isEmpty() ? m_remoteId : outcome.promptId;
    switch (outcome.kind) {
    case JobOutcome::Kind::Succeeded:
        if (!outcome.download) {
            Error error = Error::make(ErrorKind::ServerError,
                                      tr("ComfyUI finished the job but reported no video file."));
            error.retryable = false;
            return fail(error);
        }
        m_serverFile = outcome.video;
        result.kind = RunOutcome::Kind::Succeeded;
        result.outputPath = outcome.download->path;
        result.reusedEarlierOutput = outcome.noNewOutput;
        break;
    case JobOutcome::Kind::Canceled:
        result.kind = RunOutcome::Kind::Canceled;
        break;
    case JobOutcome::Kind::Interrupted:
        if (m_cancelRequested) {
            result.kind = RunOutcome::Kind::Canceled;
            break;
        }
        [[fallthrough]];
    case JobOutcome::Kind::Failed:
        result.kind = RunOutcome::Kind::Failed;
        result.error = outcome.failure ? comfy::toError(*outcome.failure)
                                       : Error::make(ErrorKind::Unknown,
                                                     tr("The job failed for an unknown reason."));
        break;
    case JobOutcome::Kind::Lost:
        result.kind = RunOutcome::Kind::Lost;
        if (outcome.failure)
            result.error = comfy::toError(*outcome.failure);
        break;
    }
    complete(std::move(result));
}

void ComfyRun::cancel()
{
    if (m_done || m_cancelRequested)
        return;
    m_cancelRequested = true;
    if (m_tracker)
        return m_tracker->cancel(); // finishes through onOutcome (queued there)
    // Not submitted: nothing on the server to undo (a started upload is dropped).
    if (m_pending)
        m_pending->abort();
    complete({RunOutcome::Kind::Canceled, m_remoteId, {}, std::nullopt, false});
}

void ComfyRun::fail(const Error &error)
{
    if (m_cancelRequested && !m_tracker)
        return complete({RunOutcome::Kind::Canceled, m_remoteId, {}, std::nullopt, false});
    complete({RunOutcome::Kind::Failed, m_remoteId, {}, error, false});
}

void ComfyRun::complete(RunOutcome outcome)
{
    if (m_done)
        return;
    m_done = true;
    m_pending.clear();
    if (outcome.remoteId.isEmpty())
        outcome.remoteId = m_remoteId;
    qCDebug(lcComfyWs) << "run" << m_spec.jobId << "ended" << int(outcome.kind);
    QMetaObject::invokeMethod(
            this, [this, outcome] { emit finished(outcome); }, Qt::QueuedConnection);
}

} // namespace comfyvideo::backends
