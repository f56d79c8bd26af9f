// JobTracker::attach against comfyui-sim processes (tracking a prompt another client
// submitted: running, finished, unknown) and the allow-listed suffix of downloaded files.
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

JobTracker::Options fastOptions(const QString &dir = {})
{
    JobTracker::Options o;
    o.pollInterval = std::chrono::milliseconds(150);
    o.historyRetryDelay = std::chrono::milliseconds(50);
    o.downloadDirectory = dir;
    return o;
}

std::optional<JobOutcome> attachToEnd(JobTracker &tracker, const QString &promptId)
{
    std::optional<JobOutcome> outcome;
    QObject::connect(
            &tracker, &JobTracker::finished, &tracker, [&](const JobOutcome &o) { outcome = o; });
    tracker.attach(promptId);
    (void)QTest::qWaitFor([&] { return outcome.has_value(); }, 30000);
    return outcome;
}

} // namespace

class TestJobTrackerAttach : public QObject
{
    Q_OBJECT

private slots:
    void attachFollowsRunningPrompt();
    void attachToFinishedPromptDownloads();
    void attachToUnknownPromptIsLost();
    void submitsWithGivenPromptId();
    void localSuffixIsAllowListed_data();
    void localSuffixIsAllowListed();
};

void TestJobTrackerAttach::attachFollowsRunningPrompt()
{
    SimProcess sim({u"--step-ms"_s, u"50"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient submitter(configFor(sim), nullptr);
    QVERIFY(waitConnected(submitter));
    request::GenerationRequest request = tinyAnimateDiff();
    request.steps = 20;
    JobTracker original(&submitter, buildFor(submitter, request), fastOptions());
    original.start();
    QTRY_VERIFY_WITH_TIMEOUT(original.progress().phase == Phase::Sampling, 10000);

    ComfyClient other(configFor(sim), nullptr); // another process, after a restart
    QTemporaryDir out;
    JobTracker::Options options = fastOptions(out.path());
    options.localBaseName = u"fox"_s;
    JobTracker attached(&other, BuiltWorkflow{}, options);
    QList<Progress> progress;
    connect(&attached, &JobTracker::progressChanged, this, [&](const Progress &p) {
        progress.append(p);
    });
    QSignalSpy submitted(&attached, &JobTracker::submitted);
    const auto outcome = attachToEnd(attached, original.promptId());
    QVERIFY(outcome);
    QCOMPARE(outcome->kind, Kind::Succeeded);
    QCOMPARE(outcome->promptId, original.promptId());
    QCOMPARE(submitted.count(), 0);
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.first().queuePosition, 0);
    QCOMPARE(progress.last().phase, Phase::Done);
    QVERIFY(outcome->download);
    QCOMPARE(outcome->download->path, QDir(out.path()).absoluteFilePath(u"fox.mp4"_s));
    const auto info = media::probeVideo(outcome->download->path);
    QVERIFY2(info.has_value(), qPrintable(info ? QString() : info.error()));
    QCOMPARE(info->frameCount, 8);
}

void TestJobTrackerAttach::attachToFinishedPromptDownloads()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    JobTracker original(&client, buildFor(client, tinyAnimateDiff()), fastOptions());
    std::optional<JobOutcome> first;
    connect(&original, &JobTracker::finished, this, [&](const JobOutcome &o) { first = o; });
    original.start();
    QTRY_VERIFY_WITH_TIMEOUT(first.has_value(), 30000);
    QCOMPARE(first->kind, Kind::Succeeded);

    QTemporaryDir out;
    JobTracker attached(&client, BuiltWorkflow{}, fastOptions(out.path()));
    const auto outcome = attachToEnd(attached, original.promptId());
    QVERIFY(outcome);
    QCOMPARE(outcome->kind, Kind::Succeeded);
    QCOMPARE(outcome->video, first->video);
    // No base name given: the prompt id, with the server file's suffix.
    QCOMPARE(QDir(out.path()).entryList(QDir::Files | QDir::Hidden),
             QStringList{original.promptId() + u".mp4"_s});
}

void TestJobTrackerAttach::attachToUnknownPromptIsLost()
{
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    JobTracker attached(&client, BuiltWorkflow{}, fastOptions());
    const auto outcome = attachToEnd(attached, ComfyClient::newPromptId());
    QVERIFY(outcome);
    QCOMPARE(outcome->kind, Kind::Lost);
    QCOMPARE(outcome->failure->stage, Failure::Stage::Lost);
}

void TestJobTrackerAttach::submitsWithGivenPromptId()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    JobTracker::Options options = fastOptions();
    options.promptId = ComfyClient::newPromptId();
    JobTracker tracker(&client, buildFor(client, tinyAnimateDiff()), options);
    QSignalSpy submitted(&tracker, &JobTracker::submitted);
    tracker.start();
    QVERIFY(submitted.wait(10000));
    QCOMPARE(submitted.first().first().toString(), options.promptId);
    tracker.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(tracker.isFinished(), 10000);
}

void TestJobTrackerAttach::localSuffixIsAllowListed_data()
{
    QTest::addColumn<QString>("filename");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("suffix");
    QTest::newRow("mp4") << u"AnimateDiff_00001.mp4"_s << u"video/h264-mp4"_s << u"mp4"_s;
    QTest::newRow("upper case") << u"clip.WEBM"_s << QString() << u"webm"_s;
    QTest::newRow("gif") << u"a.gif"_s << u"image/gif"_s << u"gif"_s;
    QTest::newRow("webp") << u"ComfyUI_00001_.webp"_s << QString() << u"webp"_s;
    QTest::newRow("png") << u"frame.png"_s << QString() << u"png"_s;
    QTest::newRow("traversal") << u"../../etc/passwd"_s << QString() << u"bin"_s;
    QTest::newRow("path suffix") << u"x.mp4/../../evil"_s << u"video/h264-mp4"_s << u"mp4"_s;
    QTest::newRow("script") << u"run.sh"_s << QString() << u"bin"_s;
    QTest::newRow("from format") << u"noext"_s << u"video/webm"_s << u"webm"_s;
    QTest::newRow("long suffix") << u"a.mp4mp4mp4"_s << QString() << u"bin"_s;
}

void TestJobTrackerAttach::localSuffixIsAllowListed()
{
    QFETCH(QString, filename);
    QFETCH(QString, format);
    QFETCH(QString, suffix);
    OutputFileRef file;
    file.filename = filename;
    file.format = format;
    QCOMPARE(JobTracker::localSuffixFor(file), suffix);
}

QTEST_GUILESS_MAIN(TestJobTrackerAttach)
#include "tst_jobtrackerattach.moc"
