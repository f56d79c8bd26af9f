#include "jobs/statemachine.h"
#include "schedulerfixture.h"

using namespace comfyvideo;
using namespace comfyvideo::tests;

// Crash safety (issue #5): a scheduler destroyed mid-run (no cancel, as in a crash) and a new
// one on the same store file re-attach; nothing that completed runs again; a job its server
// forgot is resubmitted as a counted attempt.
class tst_SchedulerRecovery : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void reattachesAfterRestart();
    void completedJobsNeverRunAgain();
    void forgottenJobIsResubmittedAsAnAttempt();
    void interruptedBeforeSubmissionIsQueuedAgain();
    void unconfiguredBackendQueuesAgain();
    void adoptsJobsQueuedElsewhere();
    void adoptsJobsRetriedElsewhere();
    void refreshAdoptsAtOnce();

private:
    std::unique_ptr<StoreFixture> m_fx;
    std::unique_ptr<ScriptedBackend> m_a;
    std::unique_ptr<ScriptedBackend> m_b;
    std::unique_ptr<jobs::Scheduler> m_scheduler;
    std::unique_ptr<Recorder> m_rec;

    void makeScheduler()
    {
        m_rec.reset();
        m_scheduler = std::make_unique<jobs::Scheduler>(m_fx->store(),
                                                        fastOptions(m_fx->outputDirectory()));
        m_rec = std::make_unique<Recorder>(m_scheduler.get());
    }
    // Puts a job into the store as a crashed scheduler would have left it.
    qint64 leftBehind(JobState state, const QString &backend, const QString &remoteId, int attempts)
    {
        const qint64 id = await<QList<JobRecord>>([&](auto d) {
                              m_fx->store()->addJobs({makeJob(QStringLiteral("left"))}, d);
                          })
                                  .value()
                                  .first()
                                  .id;
        storage::JobUpdate u;
        u.state = state;
        u.backend = backend;
        u.remoteId = remoteId;
        u.attempts = attempts;
        u.backendAttempts = attempts;
        u.submittedAt = QDateTime::currentDateTimeUtc();
        [&] {
            QVERIFY(await<JobRecord>([&](auto d) { m_fx->store()->update(id, u, d); }));
        }();
        return id;
    }
};

void tst_SchedulerRecovery::init()
{
    m_fx = std::make_unique<StoreFixture>();
    QVERIFY(m_fx->open());
    m_a = std::make_unique<ScriptedBackend>(QStringLiteral("a"));
    m_b = std::make_unique<ScriptedBackend>(QStringLiteral("b"));
    makeScheduler();
}

void tst_SchedulerRecovery::cleanup()
{
    m_rec.reset();
    m_scheduler.reset();
    m_a.reset();
    m_b.reset();
    m_fx.reset();
}

void tst_SchedulerRecovery::reattachesAfterRestart()
{
    m_a->setDefaultScript(RunScript::success(200ms, 20)); // long: we restart in the middle
    m_scheduler->addBackend(m_a.get(), 2);
    m_scheduler->start();
    const QList<qint64> ids = enqueue(*m_scheduler,
                                      {makeJob(QStringLiteral("1")),
                                       makeJob(QStringLiteral("2")),
                                       makeJob(QStringLiteral("3"))});
    QVERIFY(m_rec->waitState(ids[0], JobState::Running));
    QVERIFY(m_rec->waitState(ids[1], JobState::Running));
    QCOMPARE(m_a->runCount(), 2);

    m_scheduler.reset(); // a crash: no cancel
    QCOMPARE(m_a->cancelCount(), 0);
    m_a->setAttachScript(RunScript::success(1ms, 2));
    m_a->setDefaultScript(RunScript::success(1ms, 2));
    makeScheduler();
    m_scheduler->addBackend(m_a.get(), 2);
    m_scheduler->start();
    QVERIFY(m_rec->waitIdles(1));
    QCOMPARE(m_a->attachCount(), 2);
    QCOMPARE(m_a->runCount(), 5); // 2 runs, 2 attachments, the third job's run
    for (qint64 id : ids) {
        const JobRecord stored = m_fx->job(id);
        QCOMPARE(stored.state, JobState::Completed);
        QCOMPARE(stored.attempts, 1);
        QCOMPARE(m_fx->eventCount(id, QStringLiteral("state"), JobState::Completed), 1);
    }
    const auto specs = m_a->specs();
    for (int i : {2, 3}) { // the attachments: by the remote ids of the first runs
        QVERIFY(specs[i].attach);
        QCOMPARE(specs[i].remoteId, specs[i - 2].remoteId);
        QCOMPARE(specs[i].remoteId, m_fx->job(specs[i].jobId.toLongLong()).remoteId);
    }
}

void tst_SchedulerRecovery::completedJobsNeverRunAgain()
{
    m_scheduler->addBackend(m_a.get());
    m_scheduler->start();
    const qint64 id = enqueue(*m_scheduler, {makeJob(QStringLiteral("1"))}).value(0);
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    makeScheduler();
    m_scheduler->addBackend(m_a.get());
    m_scheduler->start();
    QVERIFY(m_rec->waitIdles(1));
    QCOMPARE(m_a->runCount(), 1);
    QCOMPARE(m_fx->eventCount(id, QStringLiteral("state"), JobState::Completed), 1);
}

void tst_SchedulerRecovery::forgottenJobIsResubmittedAsAnAttempt()
{
    m_a->setDefaultScript(RunScript::success(200ms, 20));
    m_scheduler->addBackend(m_a.get());
    m_scheduler->start();
    const qint64 id = enqueue(*m_scheduler, {makeJob(QStringLiteral("1"))}).value(0);
    QVERIFY(m_rec->waitState(id, JobState::Running));
    const QString firstRemoteId = m_fx->job(id).remoteId;
    m_scheduler.reset();
    m_a->forgetRemoteIds(); // the server restarted and lost its queue
    m_a->setDefaultScript(RunScript::success(1ms, 2));
    makeScheduler();
    m_scheduler->addBackend(m_a.get());
    m_scheduler->start();
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    const JobRecord stored = m_fx->job(id);
    QCOMPARE(stored.attempts, 2);
    QCOMPARE(stored.backendAttempts, 2);
    QCOMPARE(stored.backend, QStringLiteral("a"));
    QVERIFY(stored.remoteId != firstRemoteId);
    QCOMPARE(m_a->attachCount(), 1);
    QCOMPARE(m_a->runCount(), 3);
    QCOMPARE(m_fx->eventCount(id, QStringLiteral("state"), JobState::Completed), 1);
}

void tst_SchedulerRecovery::interruptedBeforeSubmissionIsQueuedAgain()
{
    const qint64 uploading = leftBehind(JobState::Uploading, QStringLiteral("a"), {}, 1);
    const qint64 dispatching = leftBehind(JobState::Dispatching, {}, {}, 0);
    m_scheduler->addBackend(m_a.get());
    m_scheduler->start();
    QVERIFY(m_rec->waitIdles(1));
    for (qint64 id : {uploading, dispatching}) {
        const JobRecord stored = m_fx->job(id);
        QCOMPARE(stored.state, JobState::Completed);
        QCOMPARE(stored.attempts, 1); // the interrupted upload did not count
        QVERIFY(m_rec->states(id).contains(JobState::Queued));
    }
    QCOMPARE(m_a->attachCount(), 0);
}

void tst_SchedulerRecovery::unconfiguredBackendQueuesAgain()
{
    const qint64 id
            = leftBehind(JobState::Running, QStringLiteral("gone"), QStringLiteral("r1"), 1);
    m_scheduler->addBackend(m_b.get());
    m_scheduler->start();
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    const JobRecord stored = m_fx->job(id);
    QCOMPARE(stored.backend, QStringLiteral("b"));
    QCOMPARE(stored.attempts, 2);
    QCOMPARE(m_b->attachCount(), 0);
    QCOMPARE(m_fx->eventCount(id, QStringLiteral("note"), JobState::Queued), 1);
}

QTEST_GUILESS_MAIN(tst_SchedulerRecovery)
#include "tst_schedulerrecovery.moc"

// Another process (`comfyvideo queue add` while the window runs the queue) adds a job on its own
// connection: the running scheduler notices the commit by itself and runs the job.
void tst_SchedulerRecovery::adoptsJobsQueuedElsewhere()
{
    m_scheduler->addBackend(m_a.get());
    m_scheduler->start();
    const qint64 first = enqueue(*m_scheduler, {makeJob(QStringLiteral("own"))}).value(0);
    QVERIFY(m_rec->waitState(first, JobState::Completed));

    storage::JobStore other(m_fx->path());
    QVERIFY(await<int>([&](auto d) { other.open(d); }).has_value());
    const auto added = await<QList<JobRecord>>(
            [&](auto d) { other.addJobs({makeJob(QStringLiteral("elsewhere"))}, d); });
    QVERIFY(added.has_value());
    const qint64 id = added->first().id;
    QVERIFY(m_rec->waitState(id, JobState::Completed)); // within the ~1 s poll (+ the run)
    QCOMPARE(m_a->runCount(), 2);
    QCOMPARE(m_fx->job(id).attempts, 1);
}

void tst_SchedulerRecovery::adoptsJobsRetriedElsewhere()
{
    m_a->setDefaultScript(RunScript::failure(
            errors::Error::make(errors::ErrorKind::InvalidParams, QStringLiteral("bad"))));
    m_scheduler->addBackend(m_a.get());
    m_scheduler->start();
    const qint64 id = enqueue(*m_scheduler, {makeJob(QStringLiteral("1"))}).value(0);
    QVERIFY(m_rec->waitState(id, JobState::Failed));

    m_a->setDefaultScript(RunScript::success(1ms, 2));
    storage::JobStore other(m_fx->path());
    QVERIFY(await<int>([&](auto d) { other.open(d); }).has_value());
    QVERIFY(await<JobRecord>([&](auto d) {
                other.update(id, jobs::manualRetryUpdate(QStringLiteral("retry elsewhere")), d);
            }).has_value());
    QVERIFY(m_rec->waitState(id, JobState::Completed));
    QCOMPARE(m_a->runCount(), 2);
}

void tst_SchedulerRecovery::refreshAdoptsAtOnce()
{
    m_scheduler->addBackend(m_a.get());
    m_scheduler->pause(); // adopted, not run: the count is what refresh() reports
    m_scheduler->start();
    QVERIFY(m_rec->waitIdles(1));
    storage::JobStore other(m_fx->path());
    QVERIFY(await<int>([&](auto d) { other.open(d); }).has_value());
    QVERIFY(await<QList<JobRecord>>([&](auto d) {
                other.addJobs({makeJob(QStringLiteral("a")), makeJob(QStringLiteral("b"))}, d);
            }).has_value());
    int adopted = -1;
    m_scheduler->refresh([&](int n) { adopted = n; });
    QTRY_COMPARE_WITH_TIMEOUT(adopted, 2, 5000);
    QCOMPARE(m_scheduler->waitingCount(), 2);
    // Adopting again finds nothing new.
    adopted = -1;
    m_scheduler->refresh([&](int n) { adopted = n; });
    QTRY_COMPARE_WITH_TIMEOUT(adopted, 0, 5000);
    QCOMPARE(m_scheduler->waitingCount(), 2);
    QCOMPARE(m_a->runCount(), 0);
}
