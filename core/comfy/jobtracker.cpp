#include "comfy/jobtracker.h"

#include "comfy/comfyclient.h"
#include "comfy/eventstream.h"
#include "common/logging.h"

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy {

JobTracker::JobTracker(ComfyClient *client,
                       BuiltWorkflow workflow,
                       Options options,
                       QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_workflow(std::move(workflow))
    , m_options(std::move(options))
{
    m_progress.targetFrames = targetFramesOf(m_workflow.prompt);
    m_pollTimer.setInterval(m_options.pollInterval);
    connect(&m_pollTimer, &QTimer::timeout, this, &JobTracker::poll);
    EventStream *events = client->events();
    connect(events, &EventStream::eventReceived, this, &JobTracker::onEvent);
    connect(events, &EventStream::binaryReceived, this, &JobTracker::onBinary);
    connect(events, &EventStream::connectedChanged, this, &JobTracker::onConnectedChanged);
}

JobTracker::~JobTracker() = default;

void JobTracker::start()
{
    if (m_state != State::Idle || !m_client)
        return;
    m_clock.start();
    m_state = State::Submitting;
    publish(0.0);
    EventStream *events = m_client->events();
    if (events->isRouted())
        return submitNow();
    // Submit once the server knows our socket (its first status), or when the socket cannot
    // open, or after connectWait: whichever comes first.
    m_waitForRoute.append(connect(events, &EventStream::sidReceived, this, &JobTracker::submitNow));
    m_waitForRoute.append(
            connect(events, &EventStream::connectionFailed, this, &JobTracker::submitNow));
    QTimer::singleShot(m_options.connectWait, this, &JobTracker::submitNow);
    events->open();
}

void JobTracker::submitNow()
{
    if (m_submitIssued || m_state != State::Submitting)
        return;
    m_submitIssued = true;
    for (const QMetaObject::Connection &c : std::as_const(m_waitForRoute))
        disconnect(c);
    m_waitForRoute.clear();
    const QString promptId
            = m_options.promptId.isEmpty() ? ComfyClient::newPromptId() : m_options.promptId;
    m_requestedPromptId = promptId;
    m_client->submit(m_workflow.prompt, promptId, guarded([this](Result<SubmitResult> result) {
                         onSubmitted(std::move(result));
                     }));
}

void JobTracker::attach(const QString &promptId)
{
    if (m_state != State::Idle || !m_client)
        return;
    m_clock.start();
    m_attached = true;
    m_submitIssued = true;
    m_promptId = promptId;
    m_outcome.promptId = promptId;
    m_state = State::Tracking;
    qCDebug(lcComfyWs) << "attaching to" << m_promptId;
    m_client->events()->open(); // status broadcasts tell when the queue moves
    poll();                     // /history first, then /queue
    updatePolling();
}

void JobTracker::onSubmitted(Result<SubmitResult> result)
{
    if (m_state != State::Submitting)
        return;
    if (!result) {
        if (!m_cancelRequested && submitMayHaveQueued(result.error()))
            return checkUnconfirmedSubmit(result.error());
        return finish(JobOutcome::Kind::Failed, result.error());
    }
    m_promptId = result->promptId;
    m_outcome.promptId = m_promptId;
    m_state = State::Tracking;
    qCDebug(lcComfyWs) << "tracking" << m_promptId;
    emit submitted(m_promptId);
    enterPhase(Progress::Phase::Queued);
    publish(0.0);
    for (const ws::Event &event : std::as_const(result->earlyEvents)) {
        onEvent(event);
        if (m_state != State::Tracking)
            return;
    }
    if (m_cancelRequested)
        return continueCancel();
    poll(); // queue position now; catches a prompt that finished before we listened
    updatePolling();
}

bool JobTracker::submitMayHaveQueued(const Failure &failure)
{
    // A 200 with an unreadable body, or no answer at all (timeout, connection closed after the
    // request went out): the server may have queued the prompt. Rejections and HTTP errors
    // mean it did not.
    if (failure.stage == Failure::Stage::Malformed)
        return true;
    return failure.stage == Failure::Stage::Network && failure.httpStatus == 0
           && (failure.networkError == QNetworkReply::TimeoutError
               || failure.networkError == QNetworkReply::RemoteHostClosedError);
}

void JobTracker::checkUnconfirmedSubmit(const Failure &failure)
{
    // Look the prompt up by the id we asked for, as attach() does: found, it is tracked (no
    // orphan keeps the GPU busy while a retry submits a second copy); absent, the submission
    // failed as reported. A server that ignores client ids never has it: the failure stands.
    qCDebug(lcComfyWs) << "submission unconfirmed; looking for" << m_requestedPromptId;
    m_unconfirmedSubmit = failure;
    m_attached = true;
    m_promptId = m_requestedPromptId;
    m_outcome.promptId = m_promptId;
    m_state = State::Tracking;
    poll();
    updatePolling();
}

void JobTracker::onEvent(const ws::Event &event)
{
    if (m_state != State::Tracking)
        return;
    const QString pid = ws::promptIdOf(event);
    if (const auto *e = std::get_if<ws::Executing>(&event); e && pid.isEmpty() && e->node) {
        // The on-reconnect form names the running node without a prompt id: ours only when
        // we know our prompt is the one running.
        if (m_progress.queuePosition == 0)
            onExecuting(*e);
        return;
    }
    if (std::holds_alternative<ws::Status>(event) && m_progress.queuePosition != 0)
        return poll(); // the queue moved: refresh our position
    if (pid.isEmpty() || pid != m_promptId)
        return;
    if (std::holds_alternative<ws::ExecutionStart>(event)) {
        m_progress.queuePosition = 0;
        enterPhase(Progress::Phase::Loading);
        publish(0.0);
    } else if (const auto *c = std::get_if<ws::ExecutionCached>(&event)) {
        m_cachedNodes = c->nodes;
    } else if (const auto *x = std::get_if<ws::Executing>(&event)) {
        onExecuting(*x);
    } else if (const auto *p = std::get_if<ws::Progress>(&event)) {
        onProgressEvent(*p);
    } else if (const auto *d = std::get_if<ws::Executed>(&event)) {
        m_executedFiles.append(outputFilesOf(d->node, d->output));
    } else if (std::holds_alternative<ws::ExecutionSuccess>(event)) {
        m_hint = Hint::Success;
    } else if (const auto *err = std::get_if<ws::ExecutionError>(&event)) {
        if (!err->blocked()) {
            m_hint = Hint::Error;
            m_hintData = err->data;
        }
    } else if (const auto *i = std::get_if<ws::ExecutionInterrupted>(&event)) {
        m_hint = Hint::Interrupted;
        m_hintData = i->data;
    }
}

void JobTracker::onExecuting(const ws::Executing &e)
{
    if (e.finished())
        return onPromptDone();
    m_progress.queuePosition = 0;
    const QJsonObject node = m_workflow.prompt.value(*e.node).toObject();
    m_progress.nodeId = *e.node;
    m_progress.nodeClass = node.value("class_type"_L1).toString();
    m_progress.nodeTitle = node.value("_meta"_L1).toObject().value("title"_L1).toString();
    m_progress.step = 0;
    m_progress.steps = 0;
    ++m_nodesStarted;
    enterPhase(std::max(m_progress.phase, phaseForNodeClass(m_progress.nodeClass)));
    if (m_progress.phase == Progress::Phase::Loading) {
        const qsizetype toRun
                = std::max<qsizetype>(1, m_workflow.prompt.size() - m_cachedNodes.size());
        publish(double(m_nodesStarted) / double(toRun));
    } else {
        publish(0.0);
    }
}

void JobTracker::onProgressEvent(const ws::Progress &p)
{
    if (p.max <= 0)
        return;
    m_progress.step = int(std::clamp(p.value, 0.0, 1e9));
    m_progress.steps = int(std::clamp(p.max, 0.0, 1e9));
    if (m_progress.phase == Progress::Phase::Sampling) {
        if (m_firstStep < 0) {
            m_firstStep = m_progress.step;
            m_samplingClock.start();
        }
        m_progress.eta = estimateRemaining(m_progress.phase,
                                           m_progress.step,
                                           m_progress.steps,
                                           std::chrono::milliseconds(m_samplingClock.elapsed()),
                                           m_firstStep);
    }
    publish(double(m_progress.step) / double(m_progress.steps));
}

void JobTracker::onBinary(const ws::BinaryEvent &event)
{
    const auto *preview = std::get_if<ws::PreviewImage>(&event);
    if (m_state != State::Tracking || !preview || preview->bytes.isEmpty())
        return;
    if (!preview->promptId.isEmpty() && preview->promptId != m_promptId)
        return;
    if (preview->promptId.isEmpty() && m_progress.queuePosition != 0)
        return; // a legacy preview of some other prompt
    m_progress.previewBytes = preview->bytes;
    m_progress.previewMimeType = preview->mimeType;
    publish(m_progress.steps > 0 ? double(m_progress.step) / m_progress.steps : 0.0);
}

void JobTracker::onConnectedChanged(bool connected)
{
    if (m_state != State::Tracking)
        return;
    if (connected)
        poll(); // messages are never replayed: recover what we missed
    updatePolling();
}

void JobTracker::updatePolling()
{
    const bool needed = (m_state == State::Tracking)
                        && (m_attached || m_cancelRequested || !m_client
                            || !m_client->events()->isConnected());
    if (needed && !m_pollTimer.isActive())
        m_pollTimer.start();
    else if (!needed)
        m_pollTimer.stop();
}

void JobTracker::enterPhase(Progress::Phase phase)
{
    if (phase == m_progress.phase)
        return;
    m_progress.phase = phase;
    if (phase != Progress::Phase::Sampling && phase != Progress::Phase::Downloading)
        m_progress.eta.reset();
}

void JobTracker::publish(double phaseFraction)
{
    m_progress.elapsed = std::chrono::milliseconds(m_clock.isValid() ? m_clock.elapsed() : 0);
    m_progress.overall
            = std::max(m_progress.overall, overallFraction(m_progress.phase, phaseFraction));
    emit progressChanged(m_progress);
}

} // namespace comfyvideo::comfy
