#include "../backends/backendtestutil.h"
#include "schedulerfixture.h"

#include <QFileInfo>

using namespace comfyvideo;
using namespace comfyvideo::tests;

// The scheduler over real comfyui-sim processes through ComfyBackend (issue #5).
class tst_SchedulerComfy : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void twoServersShareSixJobs();
    void serverWithoutAnimateDiffNeverGetsAnAnimateDiffJob();
    void restartRecoveryCompletesEveryJobOnce();
    void serverThatForgetsItsQueue();

private:
    std::unique_ptr<StoreFixture> m_fx;
    std::list<std::unique_ptr<SimProcess>> m_sims;
    std::list<std::unique_ptr<backends::ComfyBackend>> m_backends;
    std::unique_ptr<jobs::Scheduler> m_scheduler;
    std::unique_ptr<Recorder> m_rec;

    backends::ComfyBackend *server(QStringList arguments = {})
    {
        auto &sim = m_sims.emplace_back(std::make_unique<SimProcess>(arguments));
        if (!sim->start())
            return nullptr;
        return m_backends.emplace_back(backendFor(*sim)).get();
    }
    void makeScheduler()
    {
        m_rec.reset();
        m_scheduler = std::make_unique<jobs::Scheduler>(m_fx->store(),
                                                        fastOptions(m_fx->outputDirectory()));
        m_rec = std::make_unique<Recorder>(m_scheduler.get());
    }
    static QList<JobRecord> tinyJobs(int count)
    {
        QList<JobRecord> jobs;
        for (int i = 0; i < count; ++i) {
            JobRecord job;
            job.request = tinyAnimateDiff(quint64(100 + i));
            jobs << job;
        }
        return jobs;
    }
    void expectCompletedOnce(const QList<qint64> &ids)
    {
        for (qint64 id : ids) {
            const JobRecord stored = m_fx->job(id);
            QCOMPARE(stored.state, JobState::Completed);
            QVERIFY2(QFileInfo(stored.outputPath).size() > 0, qPrintable(stored.outputPath));
            QCOMPARE(m_fx->eventCount(id, QStringLiteral("state"), JobState::Completed), 1);
        }
    }
};

void tst_SchedulerComfy::init()
{
    m_fx = std::make_unique<StoreFixture>();
    QVERIFY(m_fx->open());
    makeScheduler();
}

void tst_SchedulerComfy::cleanup()
{
    m_rec.reset();
    m_scheduler.reset();
    m_backends.clear();
    m_sims.clear();
    m_fx.reset();
}

void tst_SchedulerComfy::twoServersShareSixJobs()
{
    auto *a = server();
    auto *b = server();
    QVERIFY(a && b);
    m_scheduler->addBackend(a);
    m_scheduler->addBackend(b);
    m_scheduler->start();
    const QList<qint64> ids = enqueue(*m_scheduler, tinyJobs(6));
    QCOMPARE(ids.size(), 6);
    QVERIFY(m_rec->waitIdles(1, 120000));
    expectCompletedOnce(ids);
    QSet<QString> used;
    for (qint64 id : ids)
        used.insert(m_fx->job(id).backend);
    QCOMPARE(used, (QSet<QString>{a->id(), b->id()}));
}

void tst_SchedulerComfy::serverWithoutAnimateDiffNeverGetsAnAnimateDiffJob()
{
    auto *plain = server({QStringLiteral("--without"), QStringLiteral("ade")});
    auto *full = server();
    QVERIFY(plain && full);
    m_scheduler->addBackend(plain);
    m_scheduler->addBackend(full);
    m_scheduler->start();
    const QList<qint64> ids = enqueue(*m_scheduler, tinyJobs(3));
    QVERIFY(m_rec->waitIdles(1, 120000));
    expectCompletedOnce(ids);
    for (qint64 id : ids) {
        QCOMPARE(m_fx->job(id).backend, full->id());
        QCOMPARE(m_fx->job(id).attempts, 1);
    }
}

void tst_SchedulerComfy::restartRecoveryCompletesEveryJobOnce()
{
    auto *a = server({QStringLiteral("--step-ms"), QStringLiteral("250")});
    auto *b = server({QStringLiteral("--step-ms"), QStringLiteral("250")});
    QVERIFY(a && b);
    m_scheduler->addBackend(a);
    m_scheduler->addBackend(b);
    m_scheduler->start();
    const QList<qint64> ids = enqueue(*m_scheduler, tinyJobs(4));
    QVERIFY(QTest::qWaitFor(
            [&] {
                return m_rec->state(ids[0]) == JobState::Running
                       || m_rec->state(ids[1]) == JobState::Running;
            },
            60000));

    m_scheduler.reset(); // no cancel: the servers go on with the prompts
    m_rec.reset();
    QVERIFY(m_fx->reopen());
    makeScheduler();
    m_scheduler->addBackend(a);
    m_scheduler->addBackend(b);
    m_scheduler->start();
    QVERIFY(m_rec->waitIdles(1, 120000));
    expectCompletedOnce(ids);
    int reattached = 0;
    for (qint64 id : ids) {
        for (const auto &event : m_fx->events(id))
            reattached += event.message.startsWith(QStringLiteral("Re-attaching")) ? 1 : 0;
    }
    QVERIFY(reattached >= 1);
}

void tst_SchedulerComfy::serverThatForgetsItsQueue()
{
    SimProcess *sim = nullptr;
    auto *a = server({QStringLiteral("--step-ms"), QStringLiteral("250")});
    QVERIFY(a);
    sim = m_sims.back().get();
    m_scheduler->addBackend(a, 2);
    m_scheduler->start();
    const QList<qint64> ids = enqueue(*m_scheduler, tinyJobs(2));
    QVERIFY(m_rec->waitState(ids[0], JobState::Running, 60000));
    QVERIFY(simControl(*sim, QStringLiteral("/sim/restart"))); // forgets queue and history
    QVERIFY(m_rec->waitIdles(1, 120000));
    expectCompletedOnce(ids);
    int resubmitted = 0;
    for (qint64 id : ids)
        resubmitted += m_fx->job(id).attempts >= 2 ? 1 : 0;
    QVERIFY(resubmitted >= 1);
    QCOMPARE(m_fx->job(ids[0]).attempts, 2); // the running one was lost and counted
}

QTEST_GUILESS_MAIN(tst_SchedulerComfy)
#include "tst_schedulercomfy.moc"
