// ComfyRun against comfyui-sim processes: cancel in every phase (each verified on the server),
// and re-attachment by prompt id after the client restarts, to finished, unknown and forgotten
// prompts.
#include "backendtestutil.h"
#include "media/videoprobe.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>

using namespace comfyvideo;
using namespace comfyvideo::backends;
using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;
using Phase = comfy::Progress::Phase;

namespace {

std::optional<comfy::QueueState> queueOf(comfy::ComfyClient &client)
{
    std::optional<comfy::QueueState> queue;
    client.queue(
            [&](comfy::Result<comfy::QueueState> q) { queue = q.value_or(comfy::QueueState{}); });
    (void)QTest::qWaitFor([&] { return queue.has_value(); }, 10000);
    return queue;
}

// The /history entry of a prompt ({} when the server has none).
QJsonObject historyOf(comfy::ComfyClient &client, const QString &promptId)
{
    std::optional<QJsonObject> entry;
    client.history(promptId, [&](comfy::Result<std::optional<QJsonObject>> e) {
        entry = e && *e ? **e : QJsonObject{};
    });
    (void)QTest::qWaitFor([&] { return entry.has_value(); }, 10000);
    return entry.value_or(QJsonObject{});
}

// Every /history entry the server has.
QJsonObject allHistory(comfy::ComfyClient &client)
{
    std::optional<QJsonObject> all;
    client.send("GET", u"/history"_s, {}, {}, std::chrono::seconds(5), [&](const auto &r) {
        all = QJsonDocument::fromJson(r.body).object();
    });
    (void)QTest::qWaitFor([&] { return all.has_value(); }, 10000);
    return all.value_or(QJsonObject{{u"no answer"_s, true}});
}

QString lastMessageType(const QJsonObject &historyEntry)
{
    const QJsonArray messages
            = historyEntry.value("status"_L1).toObject().value("messages"_L1).toArray();
    return messages.isEmpty() ? QString() : messages.last().toArray().first().toString();
}

bool isIdle(comfy::ComfyClient &client)
{
    const auto queue = queueOf(client);
    return queue && queue->running.isEmpty() && queue->pending.isEmpty();
}

struct Started
{
    std::unique_ptr<BackendRun> run;
    RunRecord rec;
};

void startRun(Started &s, Backend &backend, RunSpec spec)
{
    s.run.reset(backend.createRun(std::move(spec), nullptr));
    record(s.run.get(), s.rec);
    s.run->start();
}

// 20 steps: long enough to be found running after a restart.
request::GenerationRequest slowFox()
{
    request::GenerationRequest r = tinyAnimateDiff();
    r.steps = 20;
    return r;
}

bool sampling(const RunRecord &rec)
{
    return !rec.progress.isEmpty() && rec.progress.last().phase == Phase::Sampling;
}

} // namespace

class TestComfyRun : public QObject
{
    Q_OBJECT

private slots:
    void cancelBeforeStart();
    void cancelBeforeSubmission();
    void cancelWhileUploading();
    void cancelWhileQueued();
    void cancelWhileSampling();
    void cancelWhileDownloading();
    void foreignInterruptFails();
    void reattachAfterClientRestart_data();
    void reattachAfterClientRestart();
    void attachToFinishedPrompt();
    void attachToUnknownIsLost();
    void attachAfterServerRestartIsLost();
    void cancelAttachedRun();
    void catalogProblemsFailBeforeSubmission();
};

void TestComfyRun::cancelBeforeStart()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    QTemporaryDir out;
    std::unique_ptr<BackendRun> run(
            backend->createRun(specFor(tinyAnimateDiff(), out.path()), nullptr));
    RunRecord rec;
    record(run.get(), rec);
    run->cancel();
    QVERIFY(!rec.outcome); // queued, not synchronous
    run->start();          // too late: nothing happens
    QTRY_VERIFY_WITH_TIMEOUT(rec.outcome.has_value(), 5000);
    QCOMPARE(rec.outcome->kind, RunOutcome::Kind::Canceled);
    QTest::qWait(200);
    QCOMPARE(rec.finishedCount, 1);
    QVERIFY(rec.stages.isEmpty());
    QVERIFY(allHistory(*backend->client()).isEmpty()); // nothing was ever submitted
}

void TestComfyRun::cancelBeforeSubmission()
{
    // The catalog never answers: the run is still resolving when it is canceled.
    SimProcess sim({u"--fault"_s, u"hang:route=/object_info"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    QTemporaryDir out;
    Started s;
    startRun(s, *backend, specFor(tinyAnimateDiff(), out.path()));
    QTest::qWait(300);
    QVERIFY(!s.rec.outcome);
    s.run->cancel();
    QVERIFY(!s.rec.outcome);
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.outcome.has_value(), 5000);
    QCOMPARE(s.rec.outcome->kind, RunOutcome::Kind::Canceled);
    QVERIFY(!s.rec.reached(RunStage::Submitted));
    QVERIFY(allHistory(*backend->client()).isEmpty());
    QVERIFY(isIdle(*backend->client()));
}

void TestComfyRun::cancelWhileUploading()
{
    SimProcess sim({u"--fault"_s, u"hang:route=/upload/image"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    QTemporaryDir out;
    Started s;
    startRun(s,
             *backend,
             specFor(tinySvd(QStringLiteral(CV_CAPTURES_DIR "/svd_input.png")), out.path()));
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.reached(RunStage::Uploading), 10000);
    s.run->cancel();
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.outcome.has_value(), 5000);
    QCOMPARE(s.rec.outcome->kind, RunOutcome::Kind::Canceled);
    QCOMPARE(s.rec.stages, QList<RunStage>{RunStage::Uploading});
    QVERIFY(allHistory(*backend->client()).isEmpty());
    QVERIFY(isIdle(*backend->client()));
    QVERIFY(filesIn(out.path()).isEmpty());
}

void TestComfyRun::cancelWhileQueued()
{
    SimProcess sim({u"--step-ms"_s, u"100"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    QTemporaryDir out;
    Started first, second;
    startRun(first, *backend, specFor(tinyAnimateDiff(1), out.path(), u"a"_s));
    QTRY_VERIFY_WITH_TIMEOUT(first.rec.reached(RunStage::Submitted), 10000);
    startRun(second, *backend, specFor(tinyAnimateDiff(2), out.path(), u"b"_s));
    QTRY_VERIFY_WITH_TIMEOUT(
            !second.rec.progress.isEmpty() && second.rec.progress.last().queuePosition == 1, 10000);
    QVERIFY(!second.rec.reached(RunStage::Running));
    second.run->cancel();
    QTRY_VERIFY_WITH_TIMEOUT(second.rec.outcome.has_value(), 10000);
    QCOMPARE(second.rec.outcome->kind, RunOutcome::Kind::Canceled);
    QVERIFY(!first.rec.outcome); // the running prompt is untouched
    const auto queue = queueOf(*backend->client());
    QVERIFY(queue);
    QCOMPARE(queue->positionOf(second.run->remoteId()), -1);
    QCOMPARE(queue->positionOf(first.run->remoteId()), 0);
    QVERIFY(historyOf(*backend->client(), second.run->remoteId()).isEmpty()); // never ran
    first.run->cancel();
    QTRY_VERIFY_WITH_TIMEOUT(first.rec.outcome.has_value(), 10000);
    QCOMPARE(first.rec.outcome->kind, RunOutcome::Kind::Canceled);
    QVERIFY(isIdle(*backend->client()));
}

void TestComfyRun::cancelWhileSampling()
{
    SimProcess sim({u"--step-ms"_s, u"100"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    QTemporaryDir out;
    Started s;
    startRun(s, *backend, specFor(tinyAnimateDiff(), out.path()));
    QTRY_VERIFY_WITH_TIMEOUT(sampling(s.rec), 10000);
    QVERIFY(s.rec.reached(RunStage::Running));
    s.run->cancel();
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.outcome.has_value(), 10000);
    QCOMPARE(s.rec.outcome->kind, RunOutcome::Kind::Canceled);
    QVERIFY(!s.rec.outcome->error);
    QCOMPARE(lastMessageType(historyOf(*backend->client(), s.run->remoteId())),
             u"execution_interrupted"_s);
    QVERIFY(isIdle(*backend->client()));
    QVERIFY(filesIn(out.path()).isEmpty());
}

void TestComfyRun::cancelWhileDownloading()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s, u"--fault"_s, u"view-slow:bps=500"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    QTemporaryDir out;
    Started s;
    startRun(s, *backend, specFor(tinyAnimateDiff(), out.path()));
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.reached(RunStage::Fetching), 15000);
    QTest::qWait(300); // some bytes are on disk
    QVERIFY(!s.rec.outcome);
    s.run->cancel();
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.outcome.has_value(), 5000);
    QCOMPARE(s.rec.outcome->kind, RunOutcome::Kind::Canceled);
    QVERIFY(s.rec.outcome->outputPath.isEmpty());
    QVERIFY(isIdle(*backend->client()));
    QTRY_VERIFY_WITH_TIMEOUT(filesIn(out.path()).isEmpty(), 3000); // no partial file left
}

// Someone else (ComfyUI's own page) interrupts the prompt: the job failed, it was not canceled.
void TestComfyRun::foreignInterruptFails()
{
    SimProcess sim({u"--step-ms"_s, u"100"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    QTemporaryDir out;
    Started s;
    startRun(s, *backend, specFor(tinyAnimateDiff(), out.path()));
    QTRY_VERIFY_WITH_TIMEOUT(sampling(s.rec), 10000);
    comfy::ComfyClient other(configFor(sim), nullptr);
    std::optional<bool> interrupted;
    other.interrupt({}, [&](comfy::Result<bool> r) { interrupted = r.has_value(); });
    QTRY_VERIFY_WITH_TIMEOUT(interrupted.has_value(), 5000);
    QVERIFY(*interrupted);
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.outcome.has_value(), 10000);
    QCOMPARE(s.rec.outcome->kind, RunOutcome::Kind::Failed);
    QVERIFY(s.rec.outcome->error);
    QCOMPARE(s.rec.outcome->error->kind, errors::ErrorKind::ServerError);
    QVERIFY(s.rec.outcome->error->retryable);
}

void TestComfyRun::reattachAfterClientRestart_data()
{
    QTest::addColumn<QString>("persona");
    QTest::newRow("0.3.64") << u"0.3.64"_s;
    QTest::newRow("2024") << u"2024"_s;
}

void TestComfyRun::reattachAfterClientRestart()
{
    QFETCH(QString, persona);
    SimProcess sim({u"--step-ms"_s, u"60"_s, u"--persona"_s, persona});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    QTemporaryDir out;
    QString remoteId;
    {
        auto backend = backendFor(sim);
        RunSpec spec = specFor(slowFox(), out.path(), u"fox"_s);
        spec.remoteId = backend->newRemoteId();
        remoteId = spec.remoteId;
        Started s;
        startRun(s, *backend, spec);
        QTRY_VERIFY_WITH_TIMEOUT(s.rec.reached(RunStage::Running), 10000);
        if (!s.rec.remoteIds.isEmpty())
            remoteId = s.rec.remoteIds.last(); // what the scheduler stores
        QVERIFY(!s.rec.outcome);
        s.run.reset(); // the app quits: run and backend go, nothing is canceled
    }
    auto backend = backendFor(sim);
    RunSpec spec = specFor(slowFox(), out.path(), u"fox"_s);
    spec.remoteId = remoteId;
    spec.attach = true;
    Started s;
    startRun(s, *backend, spec);
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.outcome.has_value(), 30000);
    QVERIFY2(
            s.rec.outcome->kind == RunOutcome::Kind::Succeeded,
            qPrintable(s.rec.outcome->error ? s.rec.outcome->error->copyableDetails() : QString()));
    QCOMPARE(s.rec.outcome->remoteId, remoteId);
    // It was found running, and followed to its end.
    QVERIFY(!s.rec.progress.isEmpty());
    QCOMPARE(s.rec.progress.first().queuePosition, 0);
    QVERIFY(s.rec.progress.first().phase < Phase::Downloading);
    QCOMPARE(s.rec.stages, (QList<RunStage>{RunStage::Running, RunStage::Fetching}));
    QVERIFY(s.rec.remoteIds.isEmpty());
    QVERIFY(!s.rec.reached(RunStage::Submitted)); // nothing was submitted again
    QVERIFY(s.rec.reached(RunStage::Fetching));
    QCOMPARE(s.rec.outcome->outputPath, QDir(out.path()).absoluteFilePath(u"fox.mp4"_s));
    const auto info = media::probeVideo(s.rec.outcome->outputPath);
    QVERIFY2(info.has_value(), qPrintable(info ? QString() : info.error()));
    QCOMPARE(info->frameCount, 8);
    // The server ran it once.
    QCOMPARE(allHistory(*backend->client()).size(), 1);
}

void TestComfyRun::attachToFinishedPrompt()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    QTemporaryDir first, second;
    auto backend = backendFor(sim);
    Started done;
    startRun(done, *backend, specFor(tinyAnimateDiff(), first.path(), u"one"_s));
    QTRY_VERIFY_WITH_TIMEOUT(done.rec.outcome.has_value(), 30000);
    QCOMPARE(done.rec.outcome->kind, RunOutcome::Kind::Succeeded);

    auto restarted = backendFor(sim);
    RunSpec spec = specFor(tinyAnimateDiff(), second.path(), u"two"_s);
    spec.remoteId = done.run->remoteId();
    spec.attach = true;
    Started s;
    startRun(s, *restarted, spec);
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.outcome.has_value(), 15000);
    QCOMPARE(s.rec.outcome->kind, RunOutcome::Kind::Succeeded);
    QCOMPARE(s.rec.outcome->outputPath, QDir(second.path()).absoluteFilePath(u"two.mp4"_s));
    QCOMPARE(QFileInfo(s.rec.outcome->outputPath).size(),
             QFileInfo(done.rec.outcome->outputPath).size());
    QCOMPARE(filesIn(second.path()), QStringList{u"two.mp4"_s});
}

void TestComfyRun::attachToUnknownIsLost()
{
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    QTemporaryDir out;
    RunSpec spec = specFor(tinyAnimateDiff(), out.path());
    spec.remoteId = backend->newRemoteId();
    spec.attach = true;
    Started s;
    startRun(s, *backend, spec);
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.outcome.has_value(), 10000);
    QCOMPARE(s.rec.outcome->kind, RunOutcome::Kind::Lost);
    QCOMPARE(s.rec.outcome->remoteId, spec.remoteId);
    QVERIFY(isIdle(*backend->client()));
    QVERIFY(filesIn(out.path()).isEmpty());
}

void TestComfyRun::attachAfterServerRestartIsLost()
{
    SimProcess sim({u"--step-ms"_s, u"100"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    QTemporaryDir out;
    QString remoteId;
    {
        auto backend = backendFor(sim);
        Started s;
        startRun(s, *backend, specFor(tinyAnimateDiff(), out.path()));
        QTRY_VERIFY_WITH_TIMEOUT(s.rec.reached(RunStage::Running), 10000);
        remoteId = s.run->remoteId();
    }
    QVERIFY(simControl(sim, u"/sim/restart"_s)); // forgets queue and history
    auto backend = backendFor(sim);
    RunSpec spec = specFor(tinyAnimateDiff(), out.path());
    spec.remoteId = remoteId;
    spec.attach = true;
    Started s;
    startRun(s, *backend, spec);
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.outcome.has_value(), 10000);
    QCOMPARE(s.rec.outcome->kind, RunOutcome::Kind::Lost);
    QVERIFY(s.rec.outcome->error);
    QVERIFY(s.rec.outcome->error->retryable);
}

void TestComfyRun::cancelAttachedRun()
{
    SimProcess sim({u"--step-ms"_s, u"100"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    QTemporaryDir out;
    auto first = backendFor(sim);
    Started original;
    startRun(original, *first, specFor(tinyAnimateDiff(), out.path()));
    QTRY_VERIFY_WITH_TIMEOUT(original.rec.reached(RunStage::Running), 10000);
    const QString remoteId = original.run->remoteId();
    original.run.reset();

    auto backend = backendFor(sim);
    RunSpec spec = specFor(tinyAnimateDiff(), out.path());
    spec.remoteId = remoteId;
    spec.attach = true;
    Started s;
    startRun(s, *backend, spec);
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.reached(RunStage::Running), 10000);
    s.run->cancel();
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.outcome.has_value(), 10000);
    QCOMPARE(s.rec.outcome->kind, RunOutcome::Kind::Canceled);
    QCOMPARE(lastMessageType(historyOf(*backend->client(), remoteId)), u"execution_interrupted"_s);
    QVERIFY(isIdle(*backend->client()));
}

void TestComfyRun::catalogProblemsFailBeforeSubmission()
{
    SimProcess sim({u"--without"_s, u"ade"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    QTemporaryDir out;
    Started s;
    startRun(s, *backend, specFor(tinyAnimateDiff(), out.path()));
    QTRY_VERIFY_WITH_TIMEOUT(s.rec.outcome.has_value(), 10000);
    QCOMPARE(s.rec.outcome->kind, RunOutcome::Kind::Failed);
    QCOMPARE(s.rec.outcome->error->kind, errors::ErrorKind::MissingCustomNode);
    QVERIFY(s.rec.outcome->error->userMessage.contains(u"AnimateDiff-Evolved"_s));

    request::GenerationRequest request = tinyAnimateDiff();
    request.kind = request::Kind::Svd; // SVD needs no ADE; a missing model still blocks
    request.referenceImage = QStringLiteral(CV_CAPTURES_DIR "/svd_input.png");
    request.checkpoint = u"svd_nope.safetensors"_s;
    Started m;
    startRun(m, *backend, specFor(request, out.path()));
    QTRY_VERIFY_WITH_TIMEOUT(m.rec.outcome.has_value(), 10000);
    QCOMPARE(m.rec.outcome->kind, RunOutcome::Kind::Failed);
    QCOMPARE(m.rec.outcome->error->kind, errors::ErrorKind::ModelNotFound);
    QVERIFY(allHistory(*backend->client()).isEmpty());
}

QTEST_GUILESS_MAIN(TestComfyRun)
#include "tst_comfyrun.moc"
