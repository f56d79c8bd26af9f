#include "../backends/backendtestutil.h"
#include "schedulerfixture.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

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
    void outOfMemoryFallsBackToAnotherServer();
    void overallTimeoutCancelsOnTheServer();

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

namespace {

QByteArray getBody(const SimProcess &sim, const QString &path)
{
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(sim.url(path)));
    const bool done = QTest::qWaitFor([&] { return reply->isFinished(); }, 10000);
    const QByteArray body = done ? reply->readAll() : QByteArray();
    delete reply;
    return body;
}

// GET /queue of a simulator: running + pending entries, or -1 when it does not answer.
int queueLength(const SimProcess &sim)
{
    const QJsonObject queue
            = QJsonDocument::fromJson(getBody(sim, QStringLiteral("/queue"))).object();
    if (queue.isEmpty())
        return -1;
    return int(queue.value(QStringLiteral("queue_running")).toArray().size()
               + queue.value(QStringLiteral("queue_pending")).toArray().size());
}

} // namespace

void tst_SchedulerComfy::outOfMemoryFallsBackToAnotherServer()
{
    // The first server (preferred: added first) runs out of memory on every clip; the job
    // moves to the second without retrying on the first (insufficient_vram is not retryable).
    auto *small = server({QStringLiteral("--fault"), QStringLiteral("oom:limit=1")});
    auto *big = server();
    QVERIFY(small && big);
    m_scheduler->addBackend(small);
    m_scheduler->addBackend(big);
    m_scheduler->start();
    const QList<qint64> ids = enqueue(*m_scheduler, tinyJobs(1));
    QVERIFY(m_rec->waitIdles(1, 120000));
    expectCompletedOnce(ids);
    const JobRecord job = m_fx->job(ids[0]);
    QCOMPARE(job.backend, big->id());
    QCOMPARE(job.excludedBackends, QStringList{small->id()});
    QCOMPARE(job.attempts, 2);
    QCOMPARE(m_fx->eventCount(ids[0], QStringLiteral("fallback")), 1);
}

void tst_SchedulerComfy::overallTimeoutCancelsOnTheServer()
{
    // Each step takes 1.5 s: the 1 s limit passes while sampling. The job fails as a timeout
    // (one attempt allowed) and the prompt does not keep the server busy.
    auto *slow = server({QStringLiteral("--step-ms"), QStringLiteral("1500")});
    QVERIFY(slow);
    jobs::Scheduler::Options options = fastOptions(m_fx->outputDirectory());
    options.overallTimeout = 1s;
    m_rec.reset();
    m_scheduler = std::make_unique<jobs::Scheduler>(m_fx->store(), options);
    m_rec = std::make_unique<Recorder>(m_scheduler.get());
    m_scheduler->addBackend(slow);
    m_scheduler->start();
    QList<JobRecord> jobs = tinyJobs(1);
    jobs[0].maxAttempts = 1;
    const QList<qint64> ids = enqueue(*m_scheduler, jobs);
    QVERIFY(m_rec->waitIdles(1, 60000));
    const JobRecord job = m_fx->job(ids[0]);
    QCOMPARE(job.state, JobState::Failed);
    QVERIFY(job.error);
    QCOMPARE(job.error->kind, errors::ErrorKind::Timeout);
    QVERIFY(job.outputPath.isEmpty() || !QFileInfo::exists(job.outputPath));
    QTRY_COMPARE_WITH_TIMEOUT(queueLength(*m_sims.back()), 0, 10000);
    // Interrupted on the server, not left to finish its 6 s of steps.
    QVERIFY(!job.remoteId.isEmpty());
    const QByteArray history = getBody(*m_sims.back(), QStringLiteral("/history/") + job.remoteId);
    QVERIFY2(history.contains("execution_interrupted"), history.constData());
}

QTEST_GUILESS_MAIN(tst_SchedulerComfy)
#include "tst_schedulercomfy.moc"
