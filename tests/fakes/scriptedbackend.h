#pragma once

#include "backends/backend.h"

#include <QList>
#include <QPointer>
#include <QSet>
#include <chrono>
#include <functional>

// A test double of the Backend port for the scheduler's decisions: its runs follow scripts
// (stages, progress, remote ids and the outcome, each after a delay), its assessments are what
// the test sets. It remembers the remote ids it was given, like a server, so attaching to a
// forgotten one is Lost.
namespace comfyvideo::tests {

struct ScriptStep
{
    enum class Type { Stage, Progress, RemoteId, Finish };
    Type type = Type::Finish;
    std::chrono::milliseconds delay{0}; // after the previous step
    backends::RunStage stage = backends::RunStage::Submitted;
    backends::JobProgress progress;
    QString remoteId;
    backends::RunOutcome::Kind outcome = backends::RunOutcome::Kind::Succeeded;
    std::optional<errors::Error> error;
};

struct RunScript
{
    QList<ScriptStep> steps;
    bool honourCancel = true;                 // false: cancel() is ignored
    std::chrono::milliseconds cancelDelay{5}; // until finished(Canceled)

    RunScript &stage(backends::RunStage stage, std::chrono::milliseconds delay = {});
    RunScript &progress(backends::JobProgress progress, std::chrono::milliseconds delay = {});
    RunScript &samplingSteps(int steps, std::chrono::milliseconds perStep);
    RunScript &remoteId(const QString &id, std::chrono::milliseconds delay = {});
    RunScript &finish(backends::RunOutcome::Kind kind,
                      std::chrono::milliseconds delay = {},
                      std::optional<errors::Error> error = {});

    // Submitted, Running, `steps` sampling steps `perStep` apart, Fetching, Succeeded.
    static RunScript success(std::chrono::milliseconds perStep = std::chrono::milliseconds(5),
                             int steps = 4);
    // Submitted, Running, then Failed with `error` after `after`.
    static RunScript failure(errors::Error error,
                             std::chrono::milliseconds after = std::chrono::milliseconds(5));
    // Submitted, Running, then nothing (until canceled).
    static RunScript hang();
};

class ScriptedBackend;

class ScriptedRun : public backends::BackendRun
{
    Q_OBJECT
public:
    ScriptedRun(ScriptedBackend *backend,
                backends::RunSpec spec,
                RunScript script,
                QObject *parent);
    ~ScriptedRun() override;

    void start() override;
    void cancel() override;
    QString remoteId() const override { return m_remoteId; }

    const backends::RunSpec &spec() const { return m_spec; }
    bool cancelRequested() const { return m_cancelRequested; }
    bool isFinished() const { return m_finished; }

private:
    void runStep(qsizetype index);
    void finish(backends::RunOutcome outcome);

    QPointer<ScriptedBackend> m_backend;
    backends::RunSpec m_spec;
    RunScript m_script;
    QString m_remoteId;
    bool m_started = false;
    bool m_cancelRequested = false;
    bool m_finished = false;
};

class ScriptedBackend : public backends::Backend
{
    Q_OBJECT
public:
    explicit ScriptedBackend(QString id, QObject *parent = nullptr);

    QString id() const override { return m_id; }
    QString displayName() const override { return m_id; }
    backends::BackendType type() const override { return backends::BackendType::ComfyUI; }
    void assess(const request::GenerationRequest &request,
                std::function<void(backends::Assessment)> done) override;
    QString newRemoteId() const override;
    backends::BackendRun *createRun(backends::RunSpec spec, QObject *parent) override;

    // Assessments: a fixed answer, or one computed per request; answered after `delay`.
    void setAssessment(backends::Assessment assessment);
    void setAssessor(std::function<backends::Assessment(const request::GenerationRequest &)> f);
    void setAssessDelay(std::chrono::milliseconds delay) { m_assessDelay = delay; }
    // Scripts for the next new runs, in order; then the default script.
    void queueScript(RunScript script) { m_scripts << std::move(script); }
    void setDefaultScript(RunScript script) { m_defaultScript = std::move(script); }
    // The script of a run attaching to a remote id the backend knows.
    void setAttachScript(RunScript script) { m_attachScript = std::move(script); }
    void setClientChosenIds(bool on) { m_clientChosenIds = on; }
    void forgetRemoteIds() { m_known.clear(); } // a server restart that lost its queue

    // What happened.
    int assessCount() const { return m_assessCount; }
    int runCount() const { return int(m_specs.size()); }
    QList<backends::RunSpec> specs() const { return m_specs; }
    int attachCount() const;
    int liveRuns() const { return m_live; }
    int maxLiveRuns() const { return m_maxLive; }
    int cancelCount() const { return m_cancels; }
    QList<QPointer<ScriptedRun>> runs() const { return m_runs; }

    static backends::Assessment ready(int queueDepth = 0);
    static backends::Assessment blocked(errors::Error error);
    static backends::Assessment unreachable();

signals:
    void runCreated(comfyvideo::tests::ScriptedRun *run);

private:
    friend class ScriptedRun;
    void runStarted(const QString &remoteId);
    void remember(const QString &remoteId);
    void runEnded() { --m_live; }

    QString m_id;
    backends::Assessment m_assessment = ready();
    std::function<backends::Assessment(const request::GenerationRequest &)> m_assessor;
    std::chrono::milliseconds m_assessDelay{1};
    QList<RunScript> m_scripts;
    RunScript m_defaultScript = RunScript::success();
    RunScript m_attachScript = RunScript::success();
    bool m_clientChosenIds = true;
    QSet<QString> m_known;
    mutable int m_nextId = 1;
    int m_assessCount = 0;
    QList<backends::RunSpec> m_specs;
    QList<QPointer<ScriptedRun>> m_runs;
    int m_live = 0;
    int m_maxLive = 0;
    int m_cancels = 0;
};

} // namespace comfyvideo::tests
