#include "fakes/scriptedbackend.h"

#include <QDir>
#include <QFile>
#include <QTimer>
#include <QUuid>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace comfyvideo::tests {

using backends::Assessment;
using backends::JobProgress;
using backends::RunOutcome;
using backends::RunStage;

RunScript &RunScript::stage(RunStage stage, std::chrono::milliseconds delay)
{
    ScriptStep step;
    step.type = ScriptStep::Type::Stage;
    step.stage = stage;
    step.delay = delay;
    steps << step;
    return *this;
}

RunScript &RunScript::progress(JobProgress progress, std::chrono::milliseconds delay)
{
    ScriptStep step;
    step.type = ScriptStep::Type::Progress;
    step.progress = std::move(progress);
    step.delay = delay;
    steps << step;
    return *this;
}

RunScript &RunScript::samplingSteps(int count, std::chrono::milliseconds perStep)
{
    for (int i = 1; i <= count; ++i) {
        JobProgress p;
        p.phase = JobProgress::Phase::Sampling;
        p.step = i;
        p.steps = count;
        p.nodeClass = u"KSampler"_s;
        p.overall = 0.05 + 0.8 * i / count;
        progress(p, perStep);
    }
    return *this;
}

RunScript &RunScript::remoteId(const QString &id, std::chrono::milliseconds delay)
{
    ScriptStep step;
    step.type = ScriptStep::Type::RemoteId;
    step.remoteId = id;
    step.delay = delay;
    steps << step;
    return *this;
}

RunScript &RunScript::finish(RunOutcome::Kind kind,
                             std::chrono::milliseconds delay,
                             std::optional<errors::Error> error)
{
    ScriptStep step;
    step.type = ScriptStep::Type::Finish;
    step.outcome = kind;
    step.delay = delay;
    step.error = std::move(error);
    steps << step;
    return *this;
}

RunScript RunScript::success(std::chrono::milliseconds perStep, int stepCount)
{
    RunScript script;
    script.stage(RunStage::Submitted, 1ms).stage(RunStage::Running, 1ms);
    script.samplingSteps(stepCount, perStep);
    JobProgress encoding;
    encoding.phase = JobProgress::Phase::Encoding;
    script.progress(encoding, perStep).stage(RunStage::Fetching, 1ms);
    return script.finish(RunOutcome::Kind::Succeeded, 1ms);
}

RunScript RunScript::failure(errors::Error error, std::chrono::milliseconds after)
{
    RunScript script;
    script.stage(RunStage::Submitted, 1ms).stage(RunStage::Running, 1ms);
    return script.finish(RunOutcome::Kind::Failed, after, std::move(error));
}

RunScript RunScript::hang()
{
    RunScript script;
    return script.stage(RunStage::Submitted, 1ms).stage(RunStage::Running, 1ms);
}

ScriptedRun::ScriptedRun(ScriptedBackend *backend,
                         backends::RunSpec spec,
                         RunScript script,
                         QObject *parent)
    : BackendRun(parent)
    , m_backend(backend)
    , m_spec(std::move(spec))
    , m_script(std::move(script))
    , m_remoteId(m_spec.remoteId)
{}

ScriptedRun::~ScriptedRun()
{
    if (m_started && !m_finished && m_backend)
        m_backend->runEnded();
}

void ScriptedRun::start()
{
    if (m_started)
        return;
    m_started = true;
    if (m_backend)
        m_backend->runStarted(m_remoteId);
    QTimer::singleShot(0, this, [this] { runStep(0); });
}

void ScriptedRun::cancel()
{
    if (m_cancelRequested || m_finished)
        return;
    m_cancelRequested = true;
    if (m_backend)
        ++m_backend->m_cancels;
    if (!m_script.honourCancel)
        return;
    QTimer::singleShot(m_script.cancelDelay, this, [this] {
        RunOutcome outcome;
        outcome.kind = RunOutcome::Kind::Canceled;
        outcome.remoteId = m_remoteId;
        finish(outcome);
    });
}

void ScriptedRun::runStep(qsizetype index)
{
    if (m_finished || index >= m_script.steps.size()
        || (m_cancelRequested && m_script.honourCancel))
        return;
    const ScriptStep &step = m_script.steps[index];
    QTimer::singleShot(step.delay, this, [this, index] {
        if (m_finished || (m_cancelRequested && m_script.honourCancel))
            return;
        const ScriptStep &step = m_script.steps[index];
        switch (step.type) {
        case ScriptStep::Type::Stage:
            if (step.stage == RunStage::Submitted && m_remoteId.isEmpty()) {
                m_remoteId = u"remote-%1-%2"_s.arg(m_spec.jobId).arg(index);
                if (m_backend)
                    m_backend->remember(m_remoteId);
                emit remoteIdChanged(m_remoteId);
            }
            emit stageChanged(step.stage);
            break;
        case ScriptStep::Type::Progress:
            emit progressChanged(step.progress);
            break;
        case ScriptStep::Type::RemoteId:
            m_remoteId = step.remoteId;
            if (m_backend)
                m_backend->remember(m_remoteId);
            emit remoteIdChanged(m_remoteId);
            break;
        case ScriptStep::Type::Finish: {
            RunOutcome outcome;
            outcome.kind = step.outcome;
            outcome.error = step.error;
            outcome.remoteId = m_remoteId;
            if (step.outcome == RunOutcome::Kind::Succeeded && !m_spec.outputDirectory.isEmpty()) {
                const QString path = QDir(m_spec.outputDirectory)
                                             .absoluteFilePath(m_spec.outputBaseName + u".mp4"_s);
                QFile file(path);
                if (file.open(QIODevice::WriteOnly))
                    file.write("scripted video for job " + m_spec.jobId.toUtf8());
                outcome.outputPath = path;
            }
            finish(outcome);
            return;
        }
        }
        runStep(index + 1);
    });
}

void ScriptedRun::finish(RunOutcome outcome)
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_backend)
        m_backend->runEnded();
    emit finished(outcome);
}

ScriptedBackend::ScriptedBackend(QString id, QObject *parent)
    : Backend(parent)
    , m_id(std::move(id))
{}

void ScriptedBackend::assess(const request::GenerationRequest &request,
                             std::function<void(Assessment)> done)
{
    ++m_assessCount;
    Assessment answer = m_assessor ? m_assessor(request) : m_assessment;
    QTimer::singleShot(m_assessDelay, this, [done = std::move(done), answer] { done(answer); });
}

QString ScriptedBackend::newRemoteId() const
{
    if (!m_clientChosenIds)
        return {};
    return m_id + u'-' + QString::number(m_nextId++) + u'-'
           + QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
}

backends::BackendRun *ScriptedBackend::createRun(backends::RunSpec spec, QObject *parent)
{
    RunScript script;
    if (spec.attach) {
        if (m_known.contains(spec.remoteId))
            script = m_attachScript;
        else
            script.finish(RunOutcome::Kind::Lost, 1ms);
    } else if (!m_scripts.isEmpty()) {
        script = m_scripts.takeFirst();
    } else {
        script = m_defaultScript;
    }
    m_specs << spec;
    auto *run = new ScriptedRun(this, std::move(spec), std::move(script), parent);
    m_runs << run;
    emit runCreated(run);
    return run;
}

void ScriptedBackend::setAssessment(Assessment assessment)
{
    m_assessment = std::move(assessment);
    m_assessor = {};
}

void ScriptedBackend::setAssessor(std::function<Assessment(const request::GenerationRequest &)> f)
{
    m_assessor = std::move(f);
}

int ScriptedBackend::attachCount() const
{
    return int(std::count_if(
            m_specs.cbegin(), m_specs.cend(), [](const auto &s) { return s.attach; }));
}

void ScriptedBackend::runStarted(const QString &remoteId)
{
    remember(remoteId);
    m_maxLive = std::max(m_maxLive, ++m_live);
}

void ScriptedBackend::remember(const QString &remoteId)
{
    if (!remoteId.isEmpty())
        m_known.insert(remoteId);
}

Assessment ScriptedBackend::ready(int queueDepth)
{
    Assessment a;
    a.level = Assessment::Level::Ready;
    a.queueDepth = queueDepth;
    a.checkpoint = u"sd15.safetensors"_s;
    a.motionModule = u"mm_sd_v15_v2.ckpt"_s;
    return a;
}

Assessment ScriptedBackend::blocked(errors::Error error)
{
    Assessment a;
    a.level = Assessment::Level::Blocked;
    a.reasons << error.userMessage;
    a.error = std::move(error);
    return a;
}

Assessment ScriptedBackend::unreachable()
{
    Assessment a;
    a.level = Assessment::Level::Unreachable;
    errors::Error error = errors::Error::make(errors::ErrorKind::WorkerUnavailable,
                                              u"Nothing answers (scripted)."_s);
    a.reasons << error.userMessage;
    a.error = error;
    return a;
}

} // namespace comfyvideo::tests
