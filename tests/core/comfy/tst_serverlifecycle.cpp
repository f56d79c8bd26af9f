// A server that vanishes and comes back: comfyui-sim killed -9 mid-sampling and started again
// on the same port (the prompt is gone: Lost, never a hang or a success); killed before
// submission (calls fail classified while it is down, the event stream reconnects with its
// backoff by itself, work runs again afterwards); and a /history that never answers.
#include "robustnesstestutil.h"

#include "comfy/eventstream.h"

#include <QTemporaryDir>

using namespace comfyvideo;
using namespace comfyvideo::comfy;
using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using Kind = JobOutcome::Kind;
using Phase = Progress::Phase;

class TestServerLifecycle : public QObject
{
    Q_OBJECT

private slots:
    void killedMidSamplingAndBackOnSamePort();
    void vanishesBeforeSubmissionAndComesBack();
    void historyHangsWhileSocketReportsTheEnd();
    void historyHangsAndNoSocket();

private:
    void verifyCallsFailWhileDown(ComfyClient &client, const BuiltWorkflow &workflow);
};

void TestServerLifecycle::killedMidSamplingAndBackOnSamePort()
{
    SimProcess sim({u"--step-ms"_s, u"50"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    const quint16 port = sim.port();
    ComfyClient client(configFor(sim), nullptr);
    EventStream::Timing timing;
    timing.initialBackoff = 100ms;
    timing.maxBackoff = 400ms;
    client.events()->setTiming(timing);
    QVERIFY(waitConnected(client));
    request::GenerationRequest request = tinyAnimateDiff();
    request.steps = 60; // 3 s of sampling
    JobTracker tracker(&client, buildFor(client, request), fastTrackerOptions());
    TrackedRun run;
    startRecorded(tracker, run);
    QTRY_VERIFY_WITH_TIMEOUT(
            tracker.progress().phase == Phase::Sampling && tracker.progress().step >= 2, 10000);
    const QString promptId = tracker.promptId();
    QVERIFY(!promptId.isEmpty());

    sim.kill(); // SIGKILL: no close frame, no answer to anything in flight
    QTRY_VERIFY_WITH_TIMEOUT(!client.events()->isConnected(), 5000);
    QTest::qWait(1000);    // the server stays away for a while; the tracker polls in vain
    QVERIFY(!run.outcome); // failing polls are not the end while within unreachableTimeout

    QVERIFY2(sim.startOnSamePort(), qPrintable(sim.errorOutput()));
    QCOMPARE(sim.port(), port);
    QTRY_VERIFY_WITH_TIMEOUT(run.outcome.has_value(), 15000);
    QCOMPARE(run.outcome->kind, Kind::Lost);
    QCOMPARE(run.outcome->promptId, promptId);
    QVERIFY(run.outcome->failure);
    QCOMPARE(run.outcome->failure->stage, Failure::Stage::Lost);
    const errors::Error error = errorOf(*run.outcome);
    QCOMPARE(error.kind, errors::ErrorKind::ServerError);
    QVERIFY(error.retryable); // resubmitting helps
    QVERIFY(!run.sawPhase(Phase::Done));
    // The socket found the new process by itself, and that process knows nothing of the prompt.
    QTRY_VERIFY_WITH_TIMEOUT(client.events()->isConnected(), 5000);
    QCOMPARE(client.events()->connectCount(), 2);
    const auto queue = queueOf(client);
    QVERIFY(queue);
    QVERIFY(queue->running.isEmpty() && queue->pending.isEmpty());
    const auto entry = awaitResult<std::optional<QJsonObject>>(
            [&](auto done) { client.history(promptId, done); });
    QVERIFY(entry && entry->has_value());
    QVERIFY(!entry->value().has_value());
}

// While the server is down every call fails, classified "not running" (retryable).
void TestServerLifecycle::verifyCallsFailWhileDown(ComfyClient &client,
                                                   const BuiltWorkflow &workflow)
{
    const auto stats = awaitResult<SystemStats>([&](auto done) { client.systemStats(done); });
    QVERIFY(stats && !stats->has_value());
    QCOMPARE(stats->error().networkError, QNetworkReply::ConnectionRefusedError);
    const errors::Error down = toError(stats->error());
    QCOMPARE(down.kind, errors::ErrorKind::WorkerUnavailable);
    QVERIFY(down.retryable);
    const auto queue = awaitResult<QueueState>([&](auto done) { client.queue(done); });
    QVERIFY(queue && !queue->has_value());
    QCOMPARE(toError(queue->error()).kind, errors::ErrorKind::WorkerUnavailable);
    JobTracker refused(&client, workflow, fastTrackerOptions());
    TrackedRun run;
    runToEnd(refused, run, 15000);
    QVERIFY(run.outcome);
    QCOMPARE(run.outcome->kind, Kind::Failed);
    QCOMPARE(errorOf(*run.outcome).kind, errors::ErrorKind::WorkerUnavailable);
    QVERIFY(errorOf(*run.outcome).retryable);
}

void TestServerLifecycle::vanishesBeforeSubmissionAndComesBack()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ServerConfig config = configFor(sim);
    config.requestTimeout = 5s;
    ComfyClient client(config, nullptr);
    EventStream::Timing timing;
    timing.initialBackoff = 100ms;
    timing.maxBackoff = 400ms;
    timing.jitter = 0.25;
    client.events()->setTiming(timing);
    client.events()->setRandomSource([] { return 0.5; }); // no jitter: the exact schedule
    QVERIFY(waitConnected(client));
    const BuiltWorkflow workflow = buildFor(client, tinyAnimateDiff());
    QVERIFY(!workflow.prompt.isEmpty());
    QSignalSpy scheduled(client.events(), &EventStream::reconnectScheduled);
    QSignalSpy catalogChanged(&client, &ComfyClient::catalogChanged);

    sim.kill();
    QTRY_VERIFY_WITH_TIMEOUT(!client.events()->isConnected(), 5000);
    verifyCallsFailWhileDown(client, workflow);
    if (QTest::currentTestFailed())
        return;

    // The stream keeps trying on its schedule: 100, 200, 400, 400, ... ms.
    QTRY_VERIFY_WITH_TIMEOUT(scheduled.size() >= 4, 10000);
    const QList<std::chrono::milliseconds> expected{100ms, 200ms, 400ms, 400ms};
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QCOMPARE(scheduled.at(i).at(0).toInt(), int(i + 1));
        QCOMPARE(scheduled.at(i).at(1).value<std::chrono::milliseconds>(), expected.at(i));
    }

    QVERIFY2(sim.startOnSamePort(), qPrintable(sim.errorOutput()));
    QElapsedTimer back;
    back.start();
    // Back within one capped backoff period (plus the time to open), without any help.
    QTRY_VERIFY_WITH_TIMEOUT(client.events()->isConnected(), 5000);
    QVERIFY2(back.elapsed() < 400 + 2000, qPrintable(QString::number(back.elapsed())));
    QCOMPARE(client.events()->connectCount(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(client.events()->isRouted(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(catalogChanged.size(), 1, 10000); // refetched after a reconnect

    const auto again = awaitResult<SystemStats>([&](auto done) { client.systemStats(done); });
    QVERIFY(again && again->has_value());
    QTemporaryDir out;
    JobTracker tracker(&client, workflow, fastTrackerOptions(out.path()));
    TrackedRun run;
    runToEnd(tracker, run);
    QVERIFY(run.outcome);
    QCOMPARE(run.outcome->kind, Kind::Succeeded);
    QVERIFY(run.outcome->download);
    QVERIFY(looksLikeMp4(run.outcome->download->path));
}

// The socket announces the end; /history never answers: the tracker gives up on the history
// after its retries (each bounded by requestTimeout) and finishes from the events.
void TestServerLifecycle::historyHangsWhileSocketReportsTheEnd()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s, u"--fault"_s, u"hang:route=/history"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ServerConfig config = configFor(sim);
    config.requestTimeout = 500ms;
    config.objectInfoTimeout = 10s;
    ComfyClient client(config, nullptr);
    QVERIFY(waitConnected(client));
    QTemporaryDir out;
    JobTracker::Options options = fastTrackerOptions(out.path());
    options.historyRetries = 3;
    JobTracker tracker(&client, buildFor(client, tinyAnimateDiff()), options);
    TrackedRun run;
    runToEnd(tracker, run, 20000);
    QVERIFY2(run.outcome, "the tracker hangs with /history");
    QCOMPARE(run.outcome->kind, Kind::Succeeded);
    QVERIFY(run.outcome->historyEntry.isEmpty()); // it never came
    QVERIFY(run.outcome->download);
    QVERIFY(looksLikeMp4(run.outcome->download->path));
}

// No socket and no /history: every poll times out; after unreachableTimeout the job fails as
// a timeout instead of waiting forever.
void TestServerLifecycle::historyHangsAndNoSocket()
{
    SimProcess sim({u"--step-ms"_s,
                    u"5"_s,
                    u"--fault"_s,
                    u"hang:route=/history"_s,
                    u"--fault"_s,
                    u"ws-refuse"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ServerConfig config = configFor(sim);
    config.requestTimeout = 500ms;
    config.objectInfoTimeout = 10s;
    ComfyClient client(config, nullptr);
    JobTracker::Options options = fastTrackerOptions();
    options.unreachableTimeout = 1500ms;
    JobTracker tracker(&client, buildFor(client, tinyAnimateDiff()), options);
    TrackedRun run;
    runToEnd(tracker, run, 20000);
    QVERIFY2(run.outcome, "the tracker hangs with /history");
    QCOMPARE(run.outcome->kind, Kind::Failed);
    QVERIFY(run.outcome->failure);
    QCOMPARE(run.outcome->failure->networkError, QNetworkReply::TimeoutError);
    QCOMPARE(errorOf(*run.outcome).kind, errors::ErrorKind::Timeout);
    QVERIFY(run.finishedAfterMs >= 1500);
    QCOMPARE(client.events()->connectCount(), 0);
}

QTEST_GUILESS_MAIN(TestServerLifecycle)
#include "tst_serverlifecycle.moc"
