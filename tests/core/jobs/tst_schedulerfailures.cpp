#include "errors/classification.h"
#include "schedulerfixture.h"

#include <QElapsedTimer>

using namespace comfyvideo;
using namespace comfyvideo::tests;
using backends::RunOutcome;
using backends::RunStage;
using errors::ErrorKind;

Q_DECLARE_METATYPE(comfyvideo::storage::JobState)
Q_DECLARE_METATYPE(QList<comfyvideo::backends::RunStage>)

// Retry, fallback, timeouts and cancel in every state (issue #5), over ScriptedBackends.
class tst_SchedulerFailures : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void retryWithBackoffThenSucceed();
    void retriesExhaustedThenFallback();
    void fallbackAtOnceForModelNotFound();
    void invalidParamsNeitherRetriesNorFallsBack();
    void failsWhenNothingRemains();
    void allBlockedFailsWithTheBlockedError();
    void unreachableOnlyRetriesThenFails();
    void unreachableComesBack();
    void overallTimeout();
    void stallTimeout();
    void steadyProgressIsNoStall();
    void cancelQueued();
    void cancelDispatching();
    void cancelActive_data();
    void cancelActive();
    void cancelDuringBackoff();
    void cancelWithoutConfirmationAfterGrace();
    void cancelRequestFromAnotherProcess();
    void changeByAnotherProcessIsFollowed();
    void manualRetry();

private:
    std::unique_ptr<StoreFixture> m_fx;
    std::unique_ptr<ScriptedBackend> m_a;
    std::unique_ptr<ScriptedBackend> m_b;
    std::unique_ptr<jobs::Scheduler> m_scheduler;
    std::unique_ptr<Recorder> m_rec;

    void makeScheduler(jobs::Scheduler::Options options)
    {
        m_scheduler = std::make_unique<jobs::Scheduler>(m_fx->store(), options);
        m_rec = std::make_unique<Recorder>(m_scheduler.get());
    }
    jobs::Scheduler::Options options() const { return fastOptions(m_fx->outputDirectory()); }
    qint64 startOne(JobRecord job = makeJob(QStringLiteral("x")))
    {
        m_scheduler->start();
        return enqueue(*m_scheduler, {job}).value(0);
    }
    static errors::Error error(ErrorKind kind)
    {
        return errors::Error::make(kind, QStringLiteral("scripted %1").arg(errors::kindName(kind)));
    }
    void expectCanceled(qint64 id)
    {
        QVERIFY(m_rec->waitState(id, JobState::Canceled));
        const JobRecord stored = m_fx->job(id);
        QCOMPARE(stored.state, JobState::Canceled);
        QVERIFY(stored.error && stored.error->kind == ErrorKind::Canceled);
        QCOMPARE(m_fx->eventCount(id, QStringLiteral("canceled")), 1);
        QTRY_VERIFY(m_scheduler->isIdle());
    }
};

void tst_SchedulerFailures::init()
{
    m_fx = std::make_unique<StoreFixture>();
    QVERIFY(m_fx->open());
    m_a = std::make_unique<ScriptedBackend>(QStringLiteral("a"));
    m_b = std::make_unique<ScriptedBackend>(QStringLiteral("b"));
    makeScheduler(options());
}

void tst_SchedulerFailures::cleanup()
{
    m_rec.reset();
    m_scheduler.reset();
    m_a.reset();
    m_b.reset();
    m_fx.reset();
}

void tst_SchedulerFailures::retryWithBackoffThenSucceed()
{
    auto o = options();
    o.retryBaseDelay = 200ms;
    o.retryMaxDelay = 1s;
    makeScheduler(o);
    m_a->queueScript(RunScript::failure(error(ErrorKind::NetworkError)));
    m_scheduler->addBackend(m_a.get());
    m_scheduler->addBackend(m_b.get());
    QElapsedTimer retryWait;
    connect(m_scheduler.get(), &jobs::Scheduler::jobChanged, this, [&](const JobRecord &r) {
        if (r.state == JobState::Queued && r.error)
            retryWait.start();
    });
    const qint64 id = startOne();
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    QVERIFY(retryWait.isValid());
    QVERIFY2(retryWait.elapsed() >= 150, "the backoff (200 ms - 20 %) was respected");
    const JobRecord stored = m_fx->job(id);
    QCOMPARE(stored.attempts, 2);
    QCOMPARE(stored.backendAttempts, 2);
    QCOMPARE(stored.backend, QStringLiteral("a")); // retried on the same backend
    QCOMPARE(m_b->runCount(), 0);
    QCOMPARE(m_fx->eventCount(id, QStringLiteral("retry")), 1);
    QVERIFY(!stored.error); // cleared by the success
}

void tst_SchedulerFailures::retriesExhaustedThenFallback()
{
    m_a->setDefaultScript(RunScript::failure(error(ErrorKind::WorkerUnavailable)));
    m_scheduler->addBackend(m_a.get());
    m_scheduler->addBackend(m_b.get());
    const qint64 id = startOne();
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    const JobRecord stored = m_fx->job(id);
    QCOMPARE(m_a->runCount(), 2); // maxAttempts 2 on a
    QCOMPARE(m_b->runCount(), 1);
    QCOMPARE(stored.backend, QStringLiteral("b"));
    QCOMPARE(stored.attempts, 3);
    QCOMPARE(stored.backendAttempts, 1);
    QCOMPARE(stored.excludedBackends, QStringList{QStringLiteral("a")});
    QCOMPARE(m_fx->eventCount(id, QStringLiteral("fallback")), 1);
}

void tst_SchedulerFailures::fallbackAtOnceForModelNotFound()
{
    m_a->setDefaultScript(RunScript::failure(error(ErrorKind::ModelNotFound)));
    m_scheduler->addBackend(m_a.get());
    m_scheduler->addBackend(m_b.get());
    JobRecord job = makeJob(QStringLiteral("x"));
    job.chain = {QStringLiteral("a"), QStringLiteral("b")};
    const qint64 id = startOne(job);
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    QCOMPARE(m_a->runCount(), 1);
    QCOMPARE(m_b->runCount(), 1);
    QCOMPARE(m_fx->eventCount(id, QStringLiteral("retry")), 0);
}

void tst_SchedulerFailures::invalidParamsNeitherRetriesNorFallsBack()
{
    m_a->setDefaultScript(RunScript::failure(errors::makeInvalidParams({QStringLiteral("steps")})));
    m_scheduler->addBackend(m_a.get());
    m_scheduler->addBackend(m_b.get());
    const qint64 id = startOne();
    QVERIFY(m_rec->waitState(id, JobState::Failed));
    QCOMPARE(m_a->runCount(), 1);
    QCOMPARE(m_b->runCount(), 0);
    QCOMPARE(m_fx->job(id).error->kind, ErrorKind::InvalidParams);
    QTRY_VERIFY(m_scheduler->isIdle());
}

void tst_SchedulerFailures::failsWhenNothingRemains()
{
    m_a->setDefaultScript(RunScript::failure(error(ErrorKind::InsufficientVram)));
    m_scheduler->addBackend(m_a.get());
    const qint64 id = startOne();
    QVERIFY(m_rec->waitState(id, JobState::Failed));
    const JobRecord stored = m_fx->job(id);
    QCOMPARE(stored.error->kind, ErrorKind::InsufficientVram);
    QCOMPARE(stored.attempts, 1);
    QVERIFY(stored.finishedAt.isValid());
}

void tst_SchedulerFailures::allBlockedFailsWithTheBlockedError()
{
    m_a->setAssessment(ScriptedBackend::unreachable());
    m_b->setAssessment(ScriptedBackend::blocked(error(ErrorKind::MissingCustomNode)));
    auto o = options();
    makeScheduler(o);
    m_scheduler->addBackend(m_a.get());
    m_scheduler->addBackend(m_b.get());
    JobRecord job = makeJob(QStringLiteral("x"));
    job.maxAttempts = 1;
    const qint64 id = startOne(job);
    QVERIFY(m_rec->waitState(id, JobState::Failed));
    const JobRecord stored = m_fx->job(id);
    QCOMPARE(stored.error->kind, ErrorKind::MissingCustomNode); // blocked before unreachable
    QCOMPARE(stored.attempts, 0);
    QCOMPARE(m_a->runCount() + m_b->runCount(), 0);
}

void tst_SchedulerFailures::unreachableOnlyRetriesThenFails()
{
    m_a->setAssessment(ScriptedBackend::unreachable());
    m_scheduler->addBackend(m_a.get());
    const qint64 id = startOne();
    QVERIFY(m_rec->waitState(id, JobState::Failed));
    QCOMPARE(m_a->assessCount(), 2); // maxAttempts placements, not cached
    QCOMPARE(m_fx->job(id).error->kind, ErrorKind::WorkerUnavailable);
    QCOMPARE(m_fx->eventCount(id, QStringLiteral("retry")), 1);
    QCOMPARE(m_a->runCount(), 0);
}

void tst_SchedulerFailures::unreachableComesBack()
{
    int asked = 0;
    m_a->setAssessor([&asked](const request::GenerationRequest &) {
        return ++asked == 1 ? ScriptedBackend::unreachable() : ScriptedBackend::ready();
    });
    m_scheduler->addBackend(m_a.get());
    const qint64 id = startOne();
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    QCOMPARE(m_fx->job(id).attempts, 1);
}

void tst_SchedulerFailures::overallTimeout()
{
    auto o = options();
    o.overallTimeout = 150ms;
    makeScheduler(o);
    m_a->setDefaultScript(RunScript::hang());
    m_scheduler->addBackend(m_a.get());
    JobRecord job = makeJob(QStringLiteral("x"));
    job.maxAttempts = 1;
    const qint64 id = startOne(job);
    QVERIFY(m_rec->waitState(id, JobState::Failed));
    const JobRecord stored = m_fx->job(id);
    QCOMPARE(stored.error->kind, ErrorKind::Timeout);
    QVERIFY(stored.error->technicalDetail.startsWith(QStringLiteral("overall")));
    QCOMPARE(m_a->cancelCount(), 1); // the run was asked to stop
}

void tst_SchedulerFailures::stallTimeout()
{
    auto o = options();
    o.stallTimeout = 100ms;
    makeScheduler(o);
    m_a->setDefaultScript(RunScript::hang());
    m_scheduler->addBackend(m_a.get());
    const qint64 id = startOne();
    QVERIFY(m_rec->waitState(id, JobState::Failed));
    const JobRecord stored = m_fx->job(id);
    QCOMPARE(stored.error->kind, ErrorKind::Timeout);
    QVERIFY(stored.error->technicalDetail.startsWith(QStringLiteral("stall")));
    QCOMPARE(m_a->runCount(), 2); // a timeout is retryable: the second attempt stalled too
    QCOMPARE(m_a->cancelCount(), 2);
}

void tst_SchedulerFailures::steadyProgressIsNoStall()
{
    auto o = options();
    o.stallTimeout = 300ms;
    makeScheduler(o);
    m_a->setDefaultScript(RunScript::success(40ms, 20)); // 800 ms, a report every 40 ms
    m_scheduler->addBackend(m_a.get());
    const qint64 id = startOne();
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    QCOMPARE(m_a->runCount(), 1);
}

void tst_SchedulerFailures::cancelQueued()
{
    m_scheduler->addBackend(m_a.get());
    m_scheduler->pause();
    const qint64 id = startOne();
    m_scheduler->cancel(id);
    expectCanceled(id);
    m_scheduler->resume();
    QTest::qWait(50);
    QCOMPARE(m_a->runCount(), 0);
}

void tst_SchedulerFailures::cancelDispatching()
{
    m_a->setAssessDelay(300ms);
    m_scheduler->addBackend(m_a.get());
    const qint64 id = startOne();
    QVERIFY(m_rec->waitState(id, JobState::Dispatching));
    m_scheduler->cancel(id);
    expectCanceled(id);
    QTest::qWait(350); // the late assessment changes nothing
    QCOMPARE(m_a->runCount(), 0);
    QCOMPARE(m_fx->job(id).state, JobState::Canceled);
}

void tst_SchedulerFailures::cancelActive_data()
{
    QTest::addColumn<JobState>("state");
    QTest::addColumn<bool>("chosenIds");
    QTest::addColumn<QList<RunStage>>("stages"); // then the run waits
    QTest::newRow("uploading") << JobState::Uploading << false
                               << QList<RunStage>{RunStage::Uploading};
    QTest::newRow("submitted") << JobState::Submitted << true
                               << QList<RunStage>{RunStage::Submitted};
    QTest::newRow("running") << JobState::Running << true
                             << QList<RunStage>{RunStage::Submitted, RunStage::Running};
    QTest::newRow("fetching (cached)") << JobState::Fetching << true
                                       << QList<RunStage>{RunStage::Submitted, RunStage::Fetching};
}

void tst_SchedulerFailures::cancelActive()
{
    QFETCH(JobState, state);
    QFETCH(bool, chosenIds);
    QFETCH(QList<RunStage>, stages);
    RunScript script;
    for (RunStage stage : stages)
        script.stage(stage, 1ms);
    m_a->setDefaultScript(script);
    m_a->setClientChosenIds(chosenIds);
    m_scheduler->addBackend(m_a.get());
    const qint64 id = startOne();
    QVERIFY(m_rec->waitState(id, state));
    QTRY_COMPARE(m_a->liveRuns(), 1);
    m_scheduler->cancel(id);
    expectCanceled(id);
    QCOMPARE(m_rec->states(id).last(2), (QList<JobState>{state, JobState::Canceled}));
    QCOMPARE(m_a->cancelCount(), 1);
    QCOMPARE(m_a->liveRuns(), 0);
}

void tst_SchedulerFailures::cancelDuringBackoff()
{
    auto o = options();
    o.retryBaseDelay = 5s;
    makeScheduler(o);
    m_a->setDefaultScript(RunScript::failure(error(ErrorKind::ServerError)));
    m_scheduler->addBackend(m_a.get());
    const qint64 id = startOne();
    QTRY_VERIFY(m_rec->state(id) == JobState::Queued && m_rec->latest(id).error);
    QVERIFY(m_rec->latest(id).notBefore > QDateTime::currentDateTimeUtc());
    m_scheduler->cancel(id);
    expectCanceled(id);
    QCOMPARE(m_a->runCount(), 1);
}

void tst_SchedulerFailures::cancelWithoutConfirmationAfterGrace()
{
    RunScript script = RunScript::hang();
    script.honourCancel = false;
    m_a->setDefaultScript(script);
    m_scheduler->addBackend(m_a.get());
    const qint64 id = startOne();
    QVERIFY(m_rec->waitState(id, JobState::Running));
    QElapsedTimer timer;
    timer.start();
    m_scheduler->cancel(id);
    expectCanceled(id);
    QVERIFY(timer.elapsed() >= 250); // cancelGrace 300 ms
}

void tst_SchedulerFailures::cancelRequestFromAnotherProcess()
{
    m_a->setDefaultScript(RunScript::hang());
    m_scheduler->addBackend(m_a.get());
    const qint64 id = startOne();
    QVERIFY(m_rec->waitState(id, JobState::Running));
    storage::JobStore other(m_fx->path()); // `comfyvideo jobs cancel` in another process
    QVERIFY(await<int>([&](auto d) { other.open(d); }));
    storage::JobUpdate request;
    request.cancelRequested = true;
    request.eventType = QStringLiteral("note");
    QVERIFY(await<JobRecord>([&](auto d) { other.update(id, request, d); }));
    QVERIFY(m_rec->waitState(id, JobState::Canceled, 5000));
    expectCanceled(id);
    QVERIFY(!m_fx->job(id).cancelRequested);
}

void tst_SchedulerFailures::changeByAnotherProcessIsFollowed()
{
    m_scheduler->addBackend(m_a.get());
    m_scheduler->pause();
    const qint64 id = startOne();
    storage::JobStore other(m_fx->path());
    QVERIFY(await<int>([&](auto d) { other.open(d); }));
    storage::JobUpdate cancel;
    cancel.state = JobState::Canceled;
    cancel.expectedStates = {JobState::Queued};
    cancel.eventType = QStringLiteral("canceled");
    QVERIFY(await<JobRecord>([&](auto d) { other.update(id, cancel, d); }));
    m_scheduler->resume(); // Queued -> Dispatching conflicts: the job is reloaded and let go
    QVERIFY(m_rec->waitState(id, JobState::Canceled));
    QTRY_VERIFY(m_scheduler->isIdle());
    QCOMPARE(m_a->runCount(), 0);
}

void tst_SchedulerFailures::manualRetry()
{
    m_a->queueScript(RunScript::failure(errors::makeInvalidParams({QStringLiteral("x")})));
    m_scheduler->addBackend(m_a.get());
    const qint64 id = startOne();
    QVERIFY(m_rec->waitState(id, JobState::Failed));
    m_scheduler->retry(id);
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    const JobRecord stored = m_fx->job(id);
    QCOMPARE(stored.attempts, 1); // reset by the retry
    QVERIFY(!stored.error);
    QCOMPARE(m_a->runCount(), 2);
}

QTEST_GUILESS_MAIN(tst_SchedulerFailures)
#include "tst_schedulerfailures.moc"
