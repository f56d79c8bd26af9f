// JobTracker against comfyui-sim processes: full runs on both personas, SVD with upload, socket
// faults, cancel, lost prompts, cached re-runs, rejections and runtime errors.
#include "clienttestutil.h"
#include "comfy/jobtracker.h"
#include "media/videoprobe.h"

#include <QDir>
#include <QTemporaryDir>

using namespace comfyvideo;
using namespace comfyvideo::comfy;
using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;
using Phase = Progress::Phase;
using Kind = JobOutcome::Kind;

namespace {

struct Run
{
    std::optional<JobOutcome> outcome;
    QList<Progress> progress;
};

// Starts `tracker`, records its progress, waits for the outcome.
void runToEnd(JobTracker &tracker, Run &run, int timeoutMs = 30000)
{
    QObject::connect(&tracker, &JobTracker::progressChanged, &tracker, [&run](const Progress &p) {
        run.progress.append(p);
    });
    QObject::connect(&tracker, &JobTracker::finished, &tracker, [&run](const JobOutcome &o) {
        run.outcome = o;
    });
    tracker.start();
    (void)QTest::qWaitFor([&] { return run.outcome.has_value(); }, timeoutMs);
}

JobTracker::Options fastOptions(const QString &dir = {})
{
    JobTracker::Options o;
    o.pollInterval = std::chrono::milliseconds(150);
    o.historyRetryDelay = std::chrono::milliseconds(50);
    o.downloadDirectory = dir;
    return o;
}

QList<Phase> phasesOf(const QList<Progress> &progress)
{
    QList<Phase> phases;
    for (const Progress &p : progress) {
        if (phases.isEmpty() || phases.last() != p.phase)
            phases.append(p.phase);
    }
    return phases;
}

} // namespace

class TestJobTracker : public QObject
{
    Q_OBJECT

private slots:
    void animateDiffToCompletion_data();
    void animateDiffToCompletion();
    void svdWithUpload();
    void webSocketDropMidRun();
    void webSocketRefusedPollsOnly();
    void promptRejectedByHttpErrors();
    void executionErrorReported();
    void cancelWhilePending();
    void cancelWhileRunning();
    void serverRestartLosesPrompt();
    void serverKilledIsNetworkFailure();
    void cachedRerunKeepsEarlierFile();
    void hostileNamesStayInFolder();
    void destroyedWhileRequestsAreOut();
};

void TestJobTracker::animateDiffToCompletion_data()
{
    QTest::addColumn<QString>("persona");
    QTest::newRow("0.3.64") << u"0.3.64"_s;
    QTest::newRow("2024") << u"2024"_s;
}

void TestJobTracker::animateDiffToCompletion()
{
    QFETCH(QString, persona);
    SimProcess sim({u"--step-ms"_s, u"10"_s, u"--persona"_s, persona});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    QTemporaryDir out;
    JobTracker::Options options = fastOptions(out.path());
    options.localName = u"fox.mp4"_s;
    const BuiltWorkflow workflow = buildFor(client, tinyAnimateDiff());
    QVERIFY(!workflow.prompt.isEmpty());
    JobTracker tracker(&client, workflow, options);
    Run run;
    runToEnd(tracker, run);
    QVERIFY(run.outcome);
    QCOMPARE(run.outcome->kind, Kind::Succeeded);
    if (persona == u"0.3.64") // servers before 0.3.45 ignore the client's prompt_id
        QVERIFY(!run.outcome->promptId.isEmpty());
    const QList<Phase> expected{Phase::Submitting,
                                Phase::Queued,
                                Phase::Loading,
                                Phase::Sampling,
                                Phase::Decoding,
                                Phase::Encoding,
                                Phase::Downloading,
                                Phase::Done};
    QCOMPARE(phasesOf(run.progress), expected);
    double last = 0;
    bool sawStep = false, sawPreview = false, sawTitle = false, sawEta = false;
    for (const Progress &p : std::as_const(run.progress)) {
        QVERIFY(p.overall >= last);
        last = p.overall;
        QCOMPARE(p.targetFrames, 8);
        sawStep |= p.phase == Phase::Sampling && p.step == 4 && p.steps == 4;
        sawPreview |= !p.previewBytes.isEmpty() && p.previewMimeType.startsWith(u"image/");
        sawTitle |= p.nodeClass == u"KSampler" && !p.nodeTitle.isEmpty();
        sawEta |= p.phase == Phase::Sampling && p.eta.has_value();
    }
    QCOMPARE(last, 1.0);
    QVERIFY(sawStep);
    QVERIFY(sawPreview);
    QVERIFY(sawTitle);
    QVERIFY(sawEta);
    QVERIFY(run.outcome->video);
    QCOMPARE(run.outcome->video->key, u"gifs"_s);
    QVERIFY(run.outcome->download);
    QCOMPARE(run.outcome->download->path, QDir(out.path()).filePath(u"fox.mp4"_s));
    const auto info = media::probeVideo(run.outcome->download->path);
    QVERIFY2(info, info ? "" : qPrintable(info.error()));
    QCOMPARE(info->frameCount, 8);
    QCOMPARE(info->width, 64);
    QCOMPARE(QDir(out.path()).entryList(QDir::Files | QDir::Hidden), QStringList{u"fox.mp4"_s});
}

void TestJobTracker::svdWithUpload()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    const QString image = QStringLiteral(CV_CAPTURES_DIR "/svd_input.png");
    std::optional<Result<UploadedImage>> uploaded;
    client.uploadImage(image, [&](Result<UploadedImage> r) { uploaded = r; });
    QTRY_VERIFY_WITH_TIMEOUT(uploaded.has_value(), 10000);
    QVERIFY(uploaded->has_value());
    QCOMPARE((*uploaded)->name, u"svd_input.png"_s);
    const BuiltWorkflow workflow = buildFor(client, tinySvd(image), (*uploaded)->loadImageName());
    QTemporaryDir out;
    JobTracker tracker(&client, workflow, fastOptions(out.path()));
    Run run;
    runToEnd(tracker, run);
    QVERIFY(run.outcome);
    QCOMPARE(run.outcome->kind, Kind::Succeeded);
    QVERIFY(run.outcome->download);
    const auto info = media::probeVideo(run.outcome->download->path);
    QVERIFY2(info, info ? "" : qPrintable(info.error()));
    QCOMPARE(info->frameCount, 8);
}

void TestJobTracker::webSocketDropMidRun()
{
    SimProcess sim({u"--step-ms"_s, u"10"_s, u"--fault"_s, u"ws-drop:after=12"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    QTemporaryDir out;
    JobTracker tracker(&client, buildFor(client, tinyAnimateDiff()), fastOptions(out.path()));
    QSignalSpy connection(client.events(), &EventStream::connectedChanged);
    Run run;
    runToEnd(tracker, run);
    QVERIFY(run.outcome);
    QCOMPARE(run.outcome->kind, Kind::Succeeded);
    QVERIFY(connection.contains(QVariantList{false})); // the socket dropped during the run
    QVERIFY(run.outcome->download);
    QVERIFY(media::probeVideo(run.outcome->download->path).has_value());
}

void TestJobTracker::webSocketRefusedPollsOnly()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s, u"--fault"_s, u"ws-refuse"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QTemporaryDir out;
    JobTracker tracker(&client, buildFor(client, tinyAnimateDiff()), fastOptions(out.path()));
    Run run;
    runToEnd(tracker, run);
    QVERIFY(run.outcome);
    QCOMPARE(run.outcome->kind, Kind::Succeeded);
    QCOMPARE(client.events()->connectCount(), 0);
    QVERIFY(!run.outcome->historyEntry.isEmpty());
    QVERIFY(run.outcome->download);
}

void TestJobTracker::promptRejectedByHttpErrors()
{
    SimProcess sim({u"--step-ms"_s,
                    u"5"_s,
                    u"--fault"_s,
                    u"http-error:route=/prompt,status=503,count=3"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    const BuiltWorkflow workflow = buildFor(client, tinyAnimateDiff());
    for (int i = 0; i < 3; ++i) {
        JobTracker tracker(&client, workflow, fastOptions());
        Run run;
        runToEnd(tracker, run);
        QVERIFY(run.outcome);
        QCOMPARE(run.outcome->kind, Kind::Failed);
        QCOMPARE(run.outcome->failure->httpStatus, 503);
        QCOMPARE(run.outcome->failure->stage, Failure::Stage::Rejected);
    }
    JobTracker tracker(&client, workflow, fastOptions()); // the burst is over
    Run run;
    runToEnd(tracker, run);
    QVERIFY(run.outcome);
    QCOMPARE(run.outcome->kind, Kind::Succeeded);
}

void TestJobTracker::executionErrorReported()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s, u"--fault"_s, u"oom:limit=1000"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    JobTracker tracker(&client, buildFor(client, tinyAnimateDiff()), fastOptions());
    Run run;
    runToEnd(tracker, run);
    QVERIFY(run.outcome);
    QCOMPARE(run.outcome->kind, Kind::Failed);
    QCOMPARE(run.outcome->failure->stage, Failure::Stage::Execution);
    QVERIFY(run.outcome->failure->executionError.value("exception_type"_L1)
                    .toString()
                    .endsWith(u"OutOfMemoryError"));
}

void TestJobTracker::cancelWhilePending()
{
    SimProcess sim({u"--step-ms"_s, u"100"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    JobTracker first(&client, buildFor(client, tinyAnimateDiff(1)), fastOptions());
    JobTracker second(&client, buildFor(client, tinyAnimateDiff(2)), fastOptions());
    Run run1, run2;
    QSignalSpy submitted(&second, &JobTracker::submitted);
    connect(&second, &JobTracker::finished, this, [&](const JobOutcome &o) { run2.outcome = o; });
    connect(&first, &JobTracker::finished, this, [&](const JobOutcome &o) { run1.outcome = o; });
    first.start();
    second.start();
    QVERIFY(submitted.wait(10000));
    QTRY_COMPARE_WITH_TIMEOUT(second.progress().queuePosition, 1, 10000);
    second.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(run2.outcome.has_value(), 10000);
    QCOMPARE(run2.outcome->kind, Kind::Canceled);
    QVERIFY(!run1.outcome); // the running prompt is untouched
    std::optional<QueueState> queue;
    client.queue([&](Result<QueueState> q) { queue = q.value_or(QueueState{}); });
    QTRY_VERIFY_WITH_TIMEOUT(queue.has_value(), 5000);
    QCOMPARE(queue->positionOf(second.promptId()), -1);
    first.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(run1.outcome.has_value(), 10000);
}

void TestJobTracker::cancelWhileRunning()
{
    SimProcess sim({u"--step-ms"_s, u"100"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    JobTracker tracker(&client, buildFor(client, tinyAnimateDiff()), fastOptions());
    std::optional<JobOutcome> outcome;
    connect(&tracker, &JobTracker::finished, this, [&](const JobOutcome &o) { outcome = o; });
    tracker.start();
    QTRY_VERIFY_WITH_TIMEOUT(tracker.progress().phase == Phase::Sampling, 10000);
    tracker.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 10000);
    QCOMPARE(outcome->kind, Kind::Canceled);
    // Verified on the server: the history records the interrupt.
    std::optional<QJsonObject> entry;
    client.history(tracker.promptId(), [&](Result<std::optional<QJsonObject>> e) {
        entry = e && *e ? **e : QJsonObject{};
    });
    QTRY_VERIFY_WITH_TIMEOUT(entry.has_value(), 5000);
    const QJsonArray messages = entry->value("status"_L1)["messages"_L1].toArray();
    QVERIFY(!messages.isEmpty());
    QCOMPARE(messages.last().toArray().first().toString(), u"execution_interrupted"_s);
}

void TestJobTracker::serverRestartLosesPrompt()
{
    SimProcess sim({u"--step-ms"_s, u"100"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    JobTracker tracker(&client, buildFor(client, tinyAnimateDiff()), fastOptions());
    std::optional<JobOutcome> outcome;
    connect(&tracker, &JobTracker::finished, this, [&](const JobOutcome &o) { outcome = o; });
    tracker.start();
    QTRY_VERIFY_WITH_TIMEOUT(tracker.progress().phase == Phase::Sampling, 10000);
    QVERIFY(simControl(sim, u"/sim/restart"_s));
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 15000);
    QCOMPARE(outcome->kind, Kind::Lost);
    QCOMPARE(outcome->failure->stage, Failure::Stage::Lost);
}

void TestJobTracker::serverKilledIsNetworkFailure()
{
    SimProcess sim({u"--step-ms"_s, u"100"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    JobTracker::Options options = fastOptions();
    options.unreachableTimeout = std::chrono::milliseconds(1000);
    JobTracker tracker(&client, buildFor(client, tinyAnimateDiff()), options);
    std::optional<JobOutcome> outcome;
    connect(&tracker, &JobTracker::finished, this, [&](const JobOutcome &o) { outcome = o; });
    tracker.start();
    QTRY_VERIFY_WITH_TIMEOUT(tracker.progress().phase == Phase::Sampling, 10000);
    sim.kill();
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 15000);
    QCOMPARE(outcome->kind, Kind::Failed);
    QCOMPARE(outcome->failure->stage, Failure::Stage::Network);
    QCOMPARE(outcome->failure->networkError, QNetworkReply::ConnectionRefusedError);
}

void TestJobTracker::cachedRerunKeepsEarlierFile()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    const BuiltWorkflow workflow = buildFor(client, tinyAnimateDiff());
    JobTracker first(&client, workflow, fastOptions());
    Run run1;
    runToEnd(first, run1);
    QVERIFY(run1.outcome && run1.outcome->video);
    QVERIFY(!run1.outcome->noNewOutput);
    const QStringList before = QDir(sim.dataDir() + u"/output"_s)
                                       .entryList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
    QTemporaryDir out;
    JobTracker::Options options = fastOptions(out.path());
    options.previousOutput = run1.outcome->video;
    JobTracker second(&client, workflow, options);
    Run run2;
    runToEnd(second, run2);
    QVERIFY(run2.outcome);
    QCOMPARE(run2.outcome->kind, Kind::Succeeded);
    QVERIFY(run2.outcome->noNewOutput);
    QCOMPARE(run2.outcome->video->filename, run1.outcome->video->filename);
    QVERIFY(run2.outcome->download); // the earlier file, fetched again
    QCOMPARE(QDir(sim.dataDir() + u"/output"_s)
                     .entryList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name),
             before);
}

void TestJobTracker::hostileNamesStayInFolder()
{
    for (const QString &mode : {u"traversal"_s, u"absolute"_s, u"long"_s, u"unicode"_s}) {
        SimProcess sim({u"--step-ms"_s, u"5"_s, u"--fault"_s, u"hostile-names:mode="_s + mode});
        QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
        ComfyClient client(configFor(sim), nullptr);
        QVERIFY(waitConnected(client));
        QTemporaryDir root;
        const QString outDir = root.path() + u"/a/b"_s;
        QVERIFY(QDir().mkpath(outDir));
        JobTracker::Options options = fastOptions(outDir);
        options.localName = u"clip.mp4"_s;
        JobTracker tracker(&client, buildFor(client, tinyAnimateDiff()), options);
        Run run;
        runToEnd(tracker, run);
        QVERIFY(run.outcome);
        QVERIFY2(run.outcome->video, qPrintable(mode));
        // Whatever the server answers for that name, nothing lands outside the folder, and
        // inside it only the caller's name.
        QCOMPARE(QDir(root.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
                 QStringList{u"a"_s});
        QCOMPARE(QDir(root.path() + u"/a"_s).entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
                 QStringList{u"b"_s});
        const QStringList inside
                = QDir(outDir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
        QVERIFY2(inside.isEmpty() || inside == QStringList{u"clip.mp4"_s},
                 qPrintable(inside.join(u',')));
        if (run.outcome->kind == Kind::Succeeded)
            QCOMPARE(inside, QStringList{u"clip.mp4"_s});
        else
            QCOMPARE(run.outcome->failure->stage, Failure::Stage::Download);
    }
}

// The client's requests outlive a tracker deleted mid-run: their answers must not reach it.
void TestJobTracker::destroyedWhileRequestsAreOut()
{
    SimProcess sim({u"--step-ms"_s, u"20"_s, u"--fault"_s, u"ws-refuse"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    auto tracker = std::make_unique<JobTracker>(
            &client, buildFor(client, tinyAnimateDiff()), fastOptions());
    QSignalSpy submitted(tracker.get(), &JobTracker::submitted);
    tracker->start(); // POST /prompt is out
    QVERIFY(submitted.wait(10000));
    tracker.reset(); // the first /history poll is out now
    bool answered = false;
    client.queue([&](Result<QueueState>) { answered = true; }); // queued behind it
    QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
    answered = false;
    client.queue([&](Result<QueueState>) { answered = true; });
    QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
}

QTEST_GUILESS_MAIN(TestJobTracker)
#include "tst_jobtracker.moc"
