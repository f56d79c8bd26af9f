// JobTracker::cancel() in every phase of a run, on both personas: pending behind another
// prompt, loading models, sampling, encoding (the saver node running), downloading. Each ends
// Canceled, verified on the server: the interrupt is in the history at the node that was
// running (or the prompt never ran), and the server's queue is empty afterwards.
#include "robustnesstestutil.h"

#include <QDir>
#include <QJsonArray>
#include <QTemporaryDir>

using namespace comfyvideo;
using namespace comfyvideo::comfy;
using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using Kind = JobOutcome::Kind;
using Phase = Progress::Phase;

namespace {

QString nodeOfClass(const QJsonObject &prompt, const QString &classType)
{
    for (auto it = prompt.begin(); it != prompt.end(); ++it) {
        if (it.value().toObject().value("class_type"_L1).toString() == classType)
            return it.key();
    }
    return {};
}

// The last message of a history entry: ["execution_interrupted", {...}] and the like.
QJsonArray lastMessage(const QJsonObject &entry)
{
    return entry.value("status"_L1)["messages"_L1].toArray().last().toArray();
}

bool queueEmpty(ComfyClient &client)
{
    const auto queue = queueOf(client);
    return queue && queue->running.isEmpty() && queue->pending.isEmpty();
}

// A simulator paced so that `phase` lasts long enough to cancel in it.
QStringList simArguments(const QString &persona, const QString &phase)
{
    QStringList arguments{u"--persona"_s, persona, u"--step-ms"_s};
    arguments << (phase == u"pending" || phase == u"sampling" ? u"50"_s : u"5"_s);
    if (phase == u"loading")
        arguments << u"--model-load-ms"_s << u"1500"_s;
    if (phase == u"downloading")
        arguments << u"--fault"_s << u"view-slow:bps=2000"_s;
    return arguments;
}

request::GenerationRequest requestFor(const QString &phase)
{
    request::GenerationRequest request = tinyAnimateDiff(21);
    request.steps = 40;
    if (phase == u"encoding") { // a clip whose encoding takes a while (~1 s)
        request.frames = 32;
        request.width = 512;
        request.height = 512;
        request.steps = 2;
    }
    return request;
}

bool inPhase(const QString &phase, const Progress &p)
{
    if (phase == u"pending")
        return p.phase == Phase::Queued && p.queuePosition == 1;
    if (phase == u"loading")
        return p.phase == Phase::Loading && p.queuePosition == 0;
    if (phase == u"sampling")
        return p.phase == Phase::Sampling && p.step >= 1;
    if (phase == u"encoding")
        return p.phase == Phase::Encoding;
    return p.phase == Phase::Downloading;
}

} // namespace

class TestCancelPhases : public QObject
{
    Q_OBJECT

private slots:
    void cancelInPhase_data();
    void cancelInPhase();

private:
    // What the server says after the cancel: the interrupt at the running node, or nothing.
    void verifyServerSide(const QString &phase,
                          ComfyClient &client,
                          const JobTracker &tracker,
                          const TrackedRun &run,
                          const BuiltWorkflow &workflow,
                          const QString &blockerId);
};

void TestCancelPhases::cancelInPhase_data()
{
    QTest::addColumn<QString>("persona");
    QTest::addColumn<QString>("phase");
    for (const QString &persona : {u"0.3.64"_s, u"2024"_s}) {
        for (const QString &phase :
             {u"pending"_s, u"loading"_s, u"sampling"_s, u"encoding"_s, u"downloading"_s})
            QTest::addRow("%s %s", qPrintable(phase), qPrintable(persona)) << persona << phase;
    }
}

void TestCancelPhases::cancelInPhase()
{
    QFETCH(QString, persona);
    QFETCH(QString, phase);
    SimProcess sim(simArguments(persona, phase));
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    const BuiltWorkflow workflow = buildFor(client, requestFor(phase));
    QVERIFY(!workflow.prompt.isEmpty());
    QString blockerId;
    if (phase == u"pending") {
        request::GenerationRequest first = tinyAnimateDiff(22);
        first.steps = 60; // 3 s: it runs on while ours is canceled
        const auto blocker = awaitResult<SubmitResult>(
                [&](auto done) { client.submit(buildFor(client, first).prompt, done); });
        QVERIFY(blocker && blocker->has_value());
        blockerId = (*blocker)->promptId;
    }
    QTemporaryDir out;
    JobTracker tracker(&client, workflow, fastTrackerOptions(out.path()));
    TrackedRun run;
    startRecorded(tracker, run);
    QTRY_VERIFY_WITH_TIMEOUT(inPhase(phase, tracker.progress()) || run.outcome, 20000);
    QVERIFY2(!run.outcome, "finished before it could be canceled in that phase");
    tracker.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(run.outcome.has_value(), 10000);
    QCOMPARE(run.outcome->kind, Kind::Canceled);
    QCOMPARE(QDir(out.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{}); // no video, no partial file
    verifyServerSide(phase, client, tracker, run, workflow, blockerId);
    if (QTest::currentTestFailed())
        return;
    QTRY_VERIFY_WITH_TIMEOUT(queueEmpty(client), 10000);
}

void TestCancelPhases::verifyServerSide(const QString &phase,
                                        ComfyClient &client,
                                        const JobTracker &tracker,
                                        const TrackedRun &run,
                                        const BuiltWorkflow &workflow,
                                        const QString &blockerId)
{
    const auto history = awaitResult<std::optional<QJsonObject>>(
            [&](auto done) { client.history(tracker.promptId(), done); });
    QVERIFY(history && history->has_value());
    const std::optional<QJsonObject> &entry = **history;
    if (phase == u"pending") {
        QVERIFY(!entry.has_value()); // deleted from the queue, never ran
        const auto queue = queueOf(client);
        QVERIFY(queue);
        QCOMPARE(queue->positionOf(tracker.promptId()), -1);
        QCOMPARE(queue->positionOf(blockerId), 0); // the other prompt runs on, untouched
        const auto stopped
                = awaitResult<bool>([&](auto done) { client.interrupt(blockerId, done); });
        QVERIFY(stopped && stopped->has_value());
    } else if (phase == u"downloading") {
        QVERIFY(entry.has_value()); // the server's part was done: only the download stopped
        QCOMPARE(entry->value("status"_L1)["status_str"_L1].toString(), u"success"_s);
    } else {
        QVERIFY(entry.has_value());
        const QJsonArray last = lastMessage(*entry);
        QCOMPARE(last.at(0).toString(), u"execution_interrupted"_s);
        const QString node = last.at(1)["node_id"_L1].toString();
        if (phase == u"sampling")
            QCOMPARE(node, nodeOfClass(workflow.prompt, u"KSampler"_s));
        else if (phase == u"encoding")
            QCOMPARE(node, workflow.outputNodeId);
        else
            QVERIFY(!run.sawPhase(Phase::Sampling));
    }
}

QTEST_GUILESS_MAIN(TestCancelPhases)
#include "tst_cancelphases.moc"
