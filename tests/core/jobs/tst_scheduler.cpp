#include "schedulerfixture.h"

#include <QFileInfo>
#include <QRegularExpression>

using namespace comfyvideo;
using namespace comfyvideo::tests;
using backends::Assessment;

class tst_Scheduler : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void runsAJobCommittingEveryTransition();
    void idleOnAnEmptyQueue();
    void enqueueBeforeStart();
    void concurrencyPerBackend();
    void twoBackendsShareTheQueue();
    void readinessBeforeLoad();
    void loadDecides();
    void sameModelsBreakATie();
    void blockedBackendNeverGetsTheJob();
    void waitsForABusyBackendThatCanRunIt();
    void priorities();
    void moveBefore();
    void pauseAndResume();
    void progressEtaFromPastRuns();
    void backendAssignedRemoteId();
    void counts();
    void retiredBackendTakesNoNewJobs();

private:
    std::unique_ptr<StoreFixture> m_fx;
    std::unique_ptr<ScriptedBackend> m_a;
    std::unique_ptr<ScriptedBackend> m_b;
    std::unique_ptr<jobs::Scheduler> m_scheduler;
    std::unique_ptr<Recorder> m_rec;

    void makeScheduler(std::optional<jobs::Scheduler::Options> options = {})
    {
        m_scheduler = std::make_unique<jobs::Scheduler>(
                m_fx->store(), options.value_or(fastOptions(m_fx->outputDirectory())));
        m_rec = std::make_unique<Recorder>(m_scheduler.get());
    }
    QList<qint64> runOrder(const ScriptedBackend &backend) const
    {
        QList<qint64> order;
        for (const auto &spec : backend.specs())
            order << spec.jobId.toLongLong();
        return order;
    }
};

void tst_Scheduler::init()
{
    m_fx = std::make_unique<StoreFixture>();
    QVERIFY(m_fx->open());
    m_a = std::make_unique<ScriptedBackend>(QStringLiteral("a"));
    m_b = std::make_unique<ScriptedBackend>(QStringLiteral("b"));
    makeScheduler();
}

void tst_Scheduler::cleanup()
{
    m_rec.reset();
    m_scheduler.reset();
    m_a.reset();
    m_b.reset();
    m_fx.reset();
}

void tst_Scheduler::runsAJobCommittingEveryTransition()
{
    m_scheduler->addBackend(m_a.get());
    m_scheduler->start();
    QVERIFY(m_rec->waitIdles(1));
    const QList<qint64> ids = enqueue(*m_scheduler, {makeJob(QStringLiteral("A cat on a boat"))});
    QCOMPARE(ids.size(), 1);
    const qint64 id = ids.first();
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    QVERIFY(m_rec->waitIdles(2));

    const QList<JobState> expected = {JobState::Queued,
                                      JobState::Dispatching,
                                      JobState::Submitted,
                                      JobState::Running,
                                      JobState::Fetching,
                                      JobState::Completed};
    QCOMPARE(m_rec->states(id), expected);
    QCOMPARE(m_fx->eventStates(id), expected); // what was announced is what was committed
    const JobRecord stored = m_fx->job(id);
    QCOMPARE(stored, m_rec->latest(id));
    QCOMPARE(stored.attempts, 1);
    QCOMPARE(stored.backendAttempts, 1);
    QCOMPARE(stored.backend, QStringLiteral("a"));
    QVERIFY(!stored.remoteId.isEmpty());
    QCOMPARE(m_a->specs().first().remoteId, stored.remoteId); // stored before submission
    QVERIFY(stored.submittedAt.isValid() && stored.finishedAt.isValid());
    QVERIFY(!stored.error);
    QVERIFY(QFileInfo::exists(stored.outputPath));
    QCOMPARE(QFileInfo(stored.outputPath).absolutePath(),
             QFileInfo(m_fx->outputDirectory()).absoluteFilePath());
    static const QRegularExpression name(
            QStringLiteral(R"(^\d{8}-\d{6}_animatediff_a-cat-on-a-boat_%1\.mp4$)").arg(id));
    QVERIFY2(name.match(QFileInfo(stored.outputPath).fileName()).hasMatch(),
             qPrintable(stored.outputPath));
    QCOMPARE(m_fx->eventCount(id, QStringLiteral("attempt")), 1);
    // The run taught the ETA model.
    const auto samples = await<QList<storage::RunSample>>([&](auto d) {
        m_fx->store()->runSamples(QStringLiteral("a"), QStringLiteral("animatediff"), 10, d);
    });
    QVERIFY(samples);
    QCOMPARE(samples->size(), 1);
    QVERIFY(samples->first().secondsPerStep > 0);
    QVERIFY(m_scheduler->isIdle());
}

void tst_Scheduler::idleOnAnEmptyQueue()
{
    m_scheduler->addBackend(m_a.get());
    QSignalSpy idle(m_scheduler.get(), &jobs::Scheduler::idle);
    m_scheduler->start();
    QVERIFY(idle.wait(5000));
    QCOMPARE(idle.count(), 1);
    QVERIFY(m_scheduler->isIdle());
}

void tst_Scheduler::enqueueBeforeStart()
{
    m_scheduler->addBackend(m_a.get());
    const QList<qint64> ids = enqueue(
            *m_scheduler, {makeJob(QStringLiteral("one")), makeJob(QStringLiteral("two"))});
    QCOMPARE(m_a->runCount(), 0); // nothing before start()
    m_scheduler->start();
    QVERIFY(m_rec->waitIdles(1));
    QCOMPARE(m_rec->idleCount(), 1); // not before the queue drained
    for (qint64 id : ids)
        QCOMPARE(m_fx->job(id).state, JobState::Completed);
    QCOMPARE(m_a->runCount(), 2);
}

void tst_Scheduler::concurrencyPerBackend()
{
    m_a->setDefaultScript(RunScript::success(10ms, 5));
    m_scheduler->addBackend(m_a.get(), 2);
    m_scheduler->start();
    QList<JobRecord> jobs;
    for (int i = 0; i < 5; ++i)
        jobs << makeJob(QStringLiteral("job %1").arg(i));
    const QList<qint64> ids = enqueue(*m_scheduler, jobs);
    QVERIFY(m_rec->waitIdles(1));
    QCOMPARE(m_a->maxLiveRuns(), 2);
    for (qint64 id : ids)
        QCOMPARE(m_fx->job(id).state, JobState::Completed);
}

void tst_Scheduler::twoBackendsShareTheQueue()
{
    m_a->setDefaultScript(RunScript::success(10ms, 5));
    m_b->setDefaultScript(RunScript::success(10ms, 5));
    m_scheduler->addBackend(m_a.get());
    m_scheduler->addBackend(m_b.get());
    m_scheduler->start();
    QList<JobRecord> jobs;
    for (int i = 0; i < 6; ++i)
        jobs << makeJob(QStringLiteral("job %1").arg(i));
    const QList<qint64> ids = enqueue(*m_scheduler, jobs);
    QVERIFY(m_rec->waitIdles(1));
    QVERIFY(m_a->runCount() > 0);
    QVERIFY(m_b->runCount() > 0);
    QCOMPARE(m_a->runCount() + m_b->runCount(), 6);
    QCOMPARE(m_a->maxLiveRuns(), 1);
    QCOMPARE(m_b->maxLiveRuns(), 1);
    for (qint64 id : ids)
        QCOMPARE(m_fx->eventCount(id, QStringLiteral("state"), JobState::Completed), 1);
}

// A server removed in the settings: its running job finishes there, new jobs go elsewhere, and
// a job queued for it alone fails instead of waiting for ever.
void tst_Scheduler::retiredBackendTakesNoNewJobs()
{
    m_a->setDefaultScript(RunScript::success(50ms, 6));
    m_scheduler->addBackend(m_a.get());
    m_scheduler->addBackend(m_b.get());
    m_scheduler->start();
    JobRecord onA = makeJob(QStringLiteral("on a"));
    onA.chain = {m_a->id()};
    const qint64 running = enqueue(*m_scheduler, {onA}).value(0);
    QVERIFY(m_rec->waitState(running, JobState::Running));

    m_scheduler->retireBackend(m_a.get());
    QCOMPARE(m_scheduler->backends(), (QList<backends::Backend *>{m_b.get()}));
    JobRecord anywhere = makeJob(QStringLiteral("anywhere"));
    const QList<qint64> ids = enqueue(*m_scheduler, {anywhere, onA});
    QVERIFY(m_rec->waitState(ids[0], JobState::Completed));
    QVERIFY(m_rec->waitState(ids[1], JobState::Failed));
    QVERIFY(m_rec->waitState(running, JobState::Completed)); // it went on where it was
    QCOMPARE(m_fx->job(ids[0]).backend, m_b->id());
    QCOMPARE(m_a->runCount(), 1);
    QVERIFY(m_fx->job(ids[1]).error.has_value());

    m_scheduler->addBackend(m_a.get()); // added again: in use again
    QCOMPARE(m_scheduler->backends(), (QList<backends::Backend *>{m_a.get(), m_b.get()}));
    const qint64 again = enqueue(*m_scheduler, {onA}).value(0);
    QVERIFY(m_rec->waitState(again, JobState::Completed));
    QCOMPARE(m_a->runCount(), 2);
}

void tst_Scheduler::readinessBeforeLoad()
{
    Assessment warned = ScriptedBackend::ready(0);
    warned.level = Assessment::Level::ReadyWithWarnings;
    m_a->setAssessment(warned);
    m_b->setAssessment(ScriptedBackend::ready(5));
    m_scheduler->addBackend(m_a.get());
    m_scheduler->addBackend(m_b.get());
    m_scheduler->start();
    const qint64 id = enqueue(*m_scheduler, {makeJob(QStringLiteral("x"))}).value(0);
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    QCOMPARE(m_fx->job(id).backend, QStringLiteral("b"));
}

void tst_Scheduler::loadDecides()
{
    m_a->setAssessment(ScriptedBackend::ready(3));
    m_b->setAssessment(ScriptedBackend::ready(1));
    m_scheduler->addBackend(m_a.get());
    m_scheduler->addBackend(m_b.get());
    m_scheduler->start();
    const qint64 id = enqueue(*m_scheduler, {makeJob(QStringLiteral("x"))}).value(0);
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    QCOMPARE(m_fx->job(id).backend, QStringLiteral("b"));
}

void tst_Scheduler::sameModelsBreakATie()
{
    auto options = fastOptions(m_fx->outputDirectory());
    options.assessmentTtl = 0ms; // every placement asks afresh
    makeScheduler(options);
    m_scheduler->addBackend(m_a.get());
    m_scheduler->addBackend(m_b.get());
    m_scheduler->start();
    JobRecord first = makeJob(QStringLiteral("first"));
    first.chain = {QStringLiteral("b")};
    const qint64 id1 = enqueue(*m_scheduler, {first}).value(0);
    QVERIFY(m_rec->waitState(id1, JobState::Completed));
    QCOMPARE(m_fx->job(id1).backend, QStringLiteral("b"));
    // Equal readiness and load: b ran the same checkpoint and motion module last.
    const qint64 id2 = enqueue(*m_scheduler, {makeJob(QStringLiteral("second"))}).value(0);
    QVERIFY(m_rec->waitState(id2, JobState::Completed));
    QCOMPARE(m_fx->job(id2).backend, QStringLiteral("b"));
    // Other models there: the order the backends were added decides.
    Assessment other = ScriptedBackend::ready(0);
    other.checkpoint = QStringLiteral("other.safetensors");
    m_a->setAssessment(other);
    m_b->setAssessment(other);
    const qint64 id3 = enqueue(*m_scheduler, {makeJob(QStringLiteral("third"))}).value(0);
    QVERIFY(m_rec->waitState(id3, JobState::Completed));
    QCOMPARE(m_fx->job(id3).backend, QStringLiteral("a"));
}

void tst_Scheduler::blockedBackendNeverGetsTheJob()
{
    // `a` lacks AnimateDiff-Evolved: blocked for AnimateDiff, fine for SVD.
    m_a->setAssessor([](const request::GenerationRequest &r) {
        if (r.kind == request::Kind::AnimateDiff) {
            errors::Error e = errors::Error::make(errors::ErrorKind::MissingCustomNode,
                                                  QStringLiteral("ADE missing"));
            return ScriptedBackend::blocked(e);
        }
        return ScriptedBackend::ready();
    });
    m_b->setDefaultScript(RunScript::success(10ms, 3));
    m_scheduler->addBackend(m_a.get());
    m_scheduler->addBackend(m_b.get());
    m_scheduler->start();
    QList<JobRecord> jobs;
    for (int i = 0; i < 4; ++i)
        jobs << makeJob(QStringLiteral("anim %1").arg(i));
    const QList<qint64> ids = enqueue(*m_scheduler, jobs);
    QVERIFY(m_rec->waitIdles(1));
    QCOMPARE(m_a->runCount(), 0);
    QCOMPARE(m_b->runCount(), 4);
    for (qint64 id : ids)
        QCOMPARE(m_fx->job(id).state, JobState::Completed);
}

void tst_Scheduler::waitsForABusyBackendThatCanRunIt()
{
    m_a->setAssessment(ScriptedBackend::blocked(
            errors::Error::make(errors::ErrorKind::ModelNotFound, QStringLiteral("no model"))));
    m_b->setDefaultScript(RunScript::success(20ms, 5));
    m_scheduler->addBackend(m_a.get());
    m_scheduler->addBackend(m_b.get());
    m_scheduler->start();
    const QList<qint64> ids
            = enqueue(*m_scheduler, {makeJob(QStringLiteral("1")), makeJob(QStringLiteral("2"))});
    QVERIFY(m_rec->waitIdles(1));
    QCOMPARE(m_fx->job(ids[0]).state, JobState::Completed);
    QCOMPARE(m_fx->job(ids[1]).state, JobState::Completed); // waited, did not fail
    QCOMPARE(m_b->runCount(), 2);
}

void tst_Scheduler::priorities()
{
    m_scheduler->addBackend(m_a.get());
    m_scheduler->pause();
    m_scheduler->start();
    const QList<qint64> ids = enqueue(*m_scheduler,
                                      {makeJob(QStringLiteral("low"), 0),
                                       makeJob(QStringLiteral("high"), 5),
                                       makeJob(QStringLiteral("mid"), 2)});
    m_scheduler->setPriority(ids[0], 3); // low becomes above mid
    QTRY_COMPARE(m_rec->latest(ids[0]).priority, 3);
    m_scheduler->resume();
    QVERIFY(m_rec->waitIdles(1));
    QCOMPARE(runOrder(*m_a), (QList<qint64>{ids[1], ids[0], ids[2]}));
    QCOMPARE(m_fx->job(ids[0]).priority, 3);
}

void tst_Scheduler::moveBefore()
{
    m_scheduler->addBackend(m_a.get());
    m_scheduler->pause();
    m_scheduler->start();
    const QList<qint64> ids = enqueue(*m_scheduler,
                                      {makeJob(QStringLiteral("1")),
                                       makeJob(QStringLiteral("2")),
                                       makeJob(QStringLiteral("3"))});
    m_scheduler->moveBefore(ids[2], ids[0]);
    QTRY_VERIFY(m_rec->latest(ids[2]).position < m_rec->latest(ids[0]).position);
    m_scheduler->resume();
    QVERIFY(m_rec->waitIdles(1));
    QCOMPARE(runOrder(*m_a), (QList<qint64>{ids[2], ids[0], ids[1]}));
}

void tst_Scheduler::pauseAndResume()
{
    m_scheduler->addBackend(m_a.get());
    m_scheduler->start();
    m_scheduler->pause();
    QVERIFY(m_scheduler->isPaused());
    const qint64 id = enqueue(*m_scheduler, {makeJob(QStringLiteral("x"))}).value(0);
    QTest::qWait(100); // a paused queue starts nothing, however long we look
    QCOMPARE(m_a->runCount(), 0);
    QCOMPARE(m_scheduler->waitingCount(), 1);
    QVERIFY(!m_scheduler->isIdle());
    m_scheduler->resume();
    QVERIFY(m_rec->waitState(id, JobState::Completed));
}

void tst_Scheduler::progressEtaFromPastRuns()
{
    storage::RunSample past;
    past.backend = QStringLiteral("a");
    past.kind = QStringLiteral("animatediff");
    past.width = 512;
    past.height = 512;
    past.frames = 16;
    past.steps = 20;
    past.secondsPerStep = 2.0;
    past.postSecondsPerFrame = 0.5;
    past.at = QDateTime::currentDateTimeUtc();
    QVERIFY(await<storage::JobStore::Nothing>(
            [&](auto d) { m_fx->store()->addRunSample(past, d); }));
    RunScript script;
    backends::JobProgress loading;
    loading.phase = backends::JobProgress::Phase::Loading;
    script.stage(backends::RunStage::Submitted, 1ms)
            .stage(backends::RunStage::Running, 1ms)
            .progress(loading, 30ms)
            .stage(backends::RunStage::Fetching, 30ms)
            .finish(backends::RunOutcome::Kind::Succeeded, 1ms);
    m_a->queueScript(script);
    m_scheduler->addBackend(m_a.get());
    m_scheduler->start();
    JobRecord job = makeJob(QStringLiteral("eta"));
    job.request.width = 512;
    job.request.height = 512;
    job.request.frames = 16;
    job.request.steps = 20;
    const qint64 id = enqueue(*m_scheduler, {job}).value(0);
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    QCOMPARE(m_rec->progress(id).size(), 1);
    // 20 steps x 2 s + 16 frames x 0.5 s.
    QCOMPARE(m_rec->progress(id).first().eta, std::optional(std::chrono::milliseconds(48000)));
}

void tst_Scheduler::backendAssignedRemoteId()
{
    m_a->setClientChosenIds(false);
    m_scheduler->addBackend(m_a.get());
    m_scheduler->start();
    const qint64 id = enqueue(*m_scheduler, {makeJob(QStringLiteral("x"))}).value(0);
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    QCOMPARE(m_rec->states(id).mid(0, 3),
             (QList<JobState>{JobState::Queued, JobState::Dispatching, JobState::Uploading}));
    const JobRecord stored = m_fx->job(id);
    QVERIFY(stored.remoteId.startsWith(QStringLiteral("remote-")));
    QCOMPARE(m_fx->eventCount(id, QStringLiteral("remote_id")), 1);
}

void tst_Scheduler::counts()
{
    m_a->setDefaultScript(RunScript::hang());
    m_scheduler->addBackend(m_a.get());
    m_scheduler->start();
    const QList<qint64> ids
            = enqueue(*m_scheduler, {makeJob(QStringLiteral("1")), makeJob(QStringLiteral("2"))});
    QVERIFY(m_rec->waitState(ids[0], JobState::Running));
    QCOMPARE(m_scheduler->activeCount(), 1);
    QCOMPARE(m_scheduler->waitingCount(), 1);
    QVERIFY(!m_scheduler->isIdle());
    QVERIFY(m_scheduler->progress(ids[1]) == std::nullopt);
}

QTEST_GUILESS_MAIN(tst_Scheduler)
#include "tst_scheduler.moc"
