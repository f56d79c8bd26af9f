// ComfyBackend against comfyui-sim processes: readiness (ready, missing pack, missing model,
// small GPU, unreachable), identity, and runs of both kinds on both personas to a real file.
#include "backendtestutil.h"
#include "media/videoprobe.h"

#include <QFileInfo>
#include <QTemporaryDir>

using namespace comfyvideo;
using namespace comfyvideo::backends;
using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;

class TestComfyBackend : public QObject
{
    Q_OBJECT

private slots:
    void identity();
    void assessReadyOnFullServer();
    void assessBlockedWithoutAnimateDiff();
    void assessBlockedMissingModel();
    void assessBlockedLowVram();
    void assessBlockedUnofferedOption();
    void assessUnreachable();
    void assessCountsQueue();
    void runToFile_data();
    void runToFile();
    void withoutVideoHelperSuiteMakesWebp();
    void executionErrorIsClassified();
    void hostileNamesStayInFolder_data();
    void hostileNamesStayInFolder();
};

void TestComfyBackend::identity()
{
    comfy::ServerConfig config;
    config.baseUrl = QUrl(u"http://10.0.0.5:8188/"_s);
    ComfyBackend backend(config, nullptr);
    QCOMPARE(backend.id(), u"comfyui:http://10.0.0.5:8188"_s);
    QCOMPARE(backend.displayName(), u"10.0.0.5:8188"_s);
    QCOMPARE(backend.type(), BackendType::ComfyUI);
    const QString a = backend.newRemoteId();
    QCOMPARE(a.size(), 36);
    QCOMPARE(a, a.toLower());
    QVERIFY(a != backend.newRemoteId());
    config.baseUrl = QUrl(u"https://gpu.example.org/comfy"_s);
    ComfyBackend named(config, nullptr, nullptr, u"Studio GPU"_s);
    QCOMPARE(named.id(), u"comfyui:https://gpu.example.org/comfy"_s);
    QCOMPARE(named.displayName(), u"Studio GPU"_s);
}

void TestComfyBackend::assessReadyOnFullServer()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    request::GenerationRequest request = tinyAnimateDiff();
    request.checkpoint.clear(); // resolved from the catalog
    const auto a = assessNow(*backend, request);
    QVERIFY(a);
    QCOMPARE(a->level, Assessment::Level::Ready);
    QVERIFY(a->canRun());
    QVERIFY2(a->reasons.isEmpty(), qPrintable(a->reasons.join(u'\n')));
    QVERIFY(!a->error);
    QCOMPARE(a->queueDepth, 0);
    QCOMPARE(a->checkpoint, u"v1-5-pruned-emaonly.safetensors"_s);
    QCOMPARE(a->motionModule, u"mm_sd_v15_v2.ckpt"_s);
}

void TestComfyBackend::assessBlockedWithoutAnimateDiff()
{
    SimProcess sim({u"--without"_s, u"ade"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    const auto a = assessNow(*backend, tinyAnimateDiff());
    QVERIFY(a);
    QCOMPARE(a->level, Assessment::Level::Blocked);
    QVERIFY(!a->canRun());
    QVERIFY(a->error);
    QCOMPARE(a->error->kind, errors::ErrorKind::MissingCustomNode);
    QVERIFY2(a->error->missingName.contains(u"AnimateDiff-Evolved"_s),
             qPrintable(a->error->missingName));
    QVERIFY(a->reasons.join(u' ').contains(u"AnimateDiff-Evolved"_s));
    // SVD needs no AnimateDiff: the same server can run it.
    const auto svd = assessNow(*backend, tinySvd(QStringLiteral(CV_CAPTURES_DIR "/svd_input.png")));
    QVERIFY(svd);
    QVERIFY2(svd->canRun(), qPrintable(svd->reasons.join(u'\n')));
}

void TestComfyBackend::assessBlockedMissingModel()
{
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    request::GenerationRequest request = tinyAnimateDiff();
    request.checkpoint = u"nope_v9.safetensors"_s;
    const auto a = assessNow(*backend, request);
    QVERIFY(a);
    QCOMPARE(a->level, Assessment::Level::Blocked);
    QCOMPARE(a->error->kind, errors::ErrorKind::ModelNotFound);
    QCOMPARE(a->error->missingName, u"nope_v9.safetensors"_s);
    QVERIFY(a->error->userMessage.contains(u"nope_v9.safetensors"_s));
}

void TestComfyBackend::assessBlockedLowVram()
{
    SimProcess sim({u"--vram-gb"_s, u"4"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    request::GenerationRequest request = tinyAnimateDiff();
    request.width = 512;
    request.height = 512;
    request.frames = 16;
    const auto a = assessNow(*backend, request);
    QVERIFY(a);
    QCOMPARE(a->level, Assessment::Level::Blocked);
    QCOMPARE(a->error->kind, errors::ErrorKind::InsufficientVram);
    QVERIFY(!a->reasons.isEmpty());
}

void TestComfyBackend::assessBlockedUnofferedOption()
{
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    request::GenerationRequest request = tinyAnimateDiff();
    request.sampler = u"sampler_from_the_future"_s;
    const auto a = assessNow(*backend, request);
    QVERIFY(a);
    QCOMPARE(a->level, Assessment::Level::Blocked);
    QCOMPARE(a->error->kind, errors::ErrorKind::InvalidParams);
    QVERIFY(a->reasons.join(u' ').contains(u"sampler_from_the_future"_s));
}

void TestComfyBackend::assessUnreachable()
{
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    const auto before = assessNow(*backend, tinyAnimateDiff());
    QVERIFY(before && before->canRun()); // the catalog is cached now
    sim.kill();
    const auto a = assessNow(*backend, tinyAnimateDiff());
    QVERIFY(a);
    QCOMPARE(a->level, Assessment::Level::Unreachable);
    QVERIFY(a->error);
    QVERIFY2(a->error->kind == errors::ErrorKind::WorkerUnavailable
                     || a->error->kind == errors::ErrorKind::NetworkError,
             qPrintable(errors::kindName(a->error->kind)));
    QVERIFY(!a->reasons.isEmpty());
}

void TestComfyBackend::assessCountsQueue()
{
    SimProcess sim({u"--step-ms"_s, u"200"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    QTemporaryDir out;
    RunRecord first, second;
    std::unique_ptr<BackendRun> a(
            backend->createRun(specFor(tinyAnimateDiff(1), out.path()), nullptr));
    std::unique_ptr<BackendRun> b(
            backend->createRun(specFor(tinyAnimateDiff(2), out.path()), nullptr));
    record(a.get(), first);
    record(b.get(), second);
    a->start();
    b->start();
    QTRY_VERIFY_WITH_TIMEOUT(
            first.reached(RunStage::Submitted) && second.reached(RunStage::Submitted), 15000);
    const auto assessment = assessNow(*backend, tinyAnimateDiff());
    QVERIFY(assessment);
    QCOMPARE(assessment->queueDepth, 2);
    a->cancel();
    b->cancel();
    QTRY_VERIFY_WITH_TIMEOUT(first.outcome && second.outcome, 15000);
}

void TestComfyBackend::runToFile_data()
{
    QTest::addColumn<QString>("persona");
    QTest::addColumn<bool>("svd");
    QTest::newRow("animatediff 0.3.64") << u"0.3.64"_s << false;
    QTest::newRow("animatediff 2024") << u"2024"_s << false;
    QTest::newRow("svd 0.3.64") << u"0.3.64"_s << true;
    QTest::newRow("svd 2024") << u"2024"_s << true;
}

void TestComfyBackend::runToFile()
{
    QFETCH(QString, persona);
    QFETCH(bool, svd);
    SimProcess sim({u"--step-ms"_s, u"5"_s, u"--persona"_s, persona});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    QTemporaryDir out;
    const request::GenerationRequest request
            = svd ? tinySvd(QStringLiteral(CV_CAPTURES_DIR "/svd_input.png")) : tinyAnimateDiff();
    RunSpec spec = specFor(request, out.path(), u"2026-11-24_fox_42"_s);
    spec.remoteId = backend->newRemoteId();
    std::unique_ptr<BackendRun> run(backend->createRun(spec, nullptr));
    RunRecord rec;
    record(run.get(), rec);
    run->start();
    QVERIFY(rec.stages.isEmpty() && rec.progress.isEmpty()); // never synchronous
    QTRY_VERIFY_WITH_TIMEOUT(rec.outcome.has_value(), 30000);
    QCOMPARE(rec.finishedCount, 1);
    QVERIFY2(rec.outcome->kind == RunOutcome::Kind::Succeeded,
             qPrintable(rec.outcome->error ? rec.outcome->error->copyableDetails() : QString()));
    QVERIFY(!rec.outcome->error);
    QList<RunStage> expected{RunStage::Submitted, RunStage::Running, RunStage::Fetching};
    if (svd)
        expected.prepend(RunStage::Uploading);
    QCOMPARE(rec.stages, expected);
    if (persona == u"2024") { // ignores the client's prompt_id
        QCOMPARE(rec.remoteIds.size(), 1);
        QVERIFY(rec.remoteIds.first() != spec.remoteId);
        QCOMPARE(run->remoteId(), rec.remoteIds.first());
    } else {
        QVERIFY(rec.remoteIds.isEmpty());
        QCOMPARE(run->remoteId(), spec.remoteId);
    }
    QCOMPARE(rec.outcome->remoteId, run->remoteId());
    const QString expectedPath = QDir(out.path()).absoluteFilePath(u"2026-11-24_fox_42.mp4"_s);
    QCOMPARE(rec.outcome->outputPath, expectedPath);
    QCOMPARE(filesIn(out.path()), QStringList{u"2026-11-24_fox_42.mp4"_s});
    const auto info = media::probeVideo(expectedPath);
    QVERIFY2(info.has_value(), qPrintable(info ? QString() : info.error()));
    QCOMPARE(info->codec, u"h264"_s);
    QCOMPARE(info->frameCount, 8);
    QVERIFY(!rec.progress.isEmpty());
    QCOMPARE(rec.progress.last().phase, comfy::Progress::Phase::Done);
    if (svd)
        QVERIFY(QFileInfo::exists(sim.dataDir() + u"/input/svd_input.png"_s));
}

void TestComfyBackend::withoutVideoHelperSuiteMakesWebp()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s, u"--without"_s, u"vhs"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    const auto a = assessNow(*backend, tinyAnimateDiff());
    QVERIFY(a);
    QCOMPARE(a->level, Assessment::Level::ReadyWithWarnings);
    QVERIFY(a->canRun());
    QVERIFY(!a->reasons.isEmpty());
    QTemporaryDir out;
    std::unique_ptr<BackendRun> run(
            backend->createRun(specFor(tinyAnimateDiff(), out.path(), u"fox"_s), nullptr));
    RunRecord rec;
    record(run.get(), rec);
    run->start();
    QTRY_VERIFY_WITH_TIMEOUT(rec.outcome.has_value(), 30000);
    QCOMPARE(rec.outcome->kind, RunOutcome::Kind::Succeeded);
    // No exact name asked for: the base name with the suffix of what the server made.
    QCOMPARE(rec.outcome->outputPath, QDir(out.path()).absoluteFilePath(u"fox.webp"_s));
    const auto info = media::probeVideo(rec.outcome->outputPath);
    QVERIFY2(info.has_value(), qPrintable(info ? QString() : info.error()));
    QCOMPARE(info->codec, u"webp"_s);
    QCOMPARE(info->frameCount, 8);
}

void TestComfyBackend::executionErrorIsClassified()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s, u"--fault"_s, u"oom:limit=1"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    QTemporaryDir out;
    std::unique_ptr<BackendRun> run(
            backend->createRun(specFor(tinyAnimateDiff(), out.path()), nullptr));
    RunRecord rec;
    record(run.get(), rec);
    run->start();
    QTRY_VERIFY_WITH_TIMEOUT(rec.outcome.has_value(), 30000);
    QCOMPARE(rec.outcome->kind, RunOutcome::Kind::Failed);
    QVERIFY(rec.outcome->error);
    QCOMPARE(rec.outcome->error->kind, errors::ErrorKind::InsufficientVram);
    QVERIFY(rec.outcome->outputPath.isEmpty());
    QVERIFY(filesIn(out.path()).isEmpty());
}

void TestComfyBackend::hostileNamesStayInFolder_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("traversal") << u"traversal"_s;
    QTest::newRow("absolute") << u"absolute"_s;
}

void TestComfyBackend::hostileNamesStayInFolder()
{
    QFETCH(QString, mode);
    SimProcess sim({u"--step-ms"_s, u"5"_s, u"--fault"_s, u"hostile-names:mode="_s + mode});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    auto backend = backendFor(sim);
    QTemporaryDir root;
    const QString outDir = root.path() + u"/a/b"_s;
    QVERIFY(QDir().mkpath(outDir));
    std::unique_ptr<BackendRun> run(
            backend->createRun(specFor(tinyAnimateDiff(), outDir, u"clip"_s), nullptr));
    RunRecord rec;
    record(run.get(), rec);
    run->start();
    QTRY_VERIFY_WITH_TIMEOUT(rec.outcome.has_value(), 30000);
    // Nothing outside the folder; inside it only our name (with a suffix from the allow-list).
    QCOMPARE(filesIn(root.path()), QStringList{u"a"_s});
    QCOMPARE(filesIn(root.path() + u"/a"_s), QStringList{u"b"_s});
    const QStringList inside = filesIn(outDir);
    if (rec.outcome->kind == RunOutcome::Kind::Succeeded) {
        QCOMPARE(inside.size(), 1);
        QVERIFY2(inside.first().startsWith(u"clip."_s), qPrintable(inside.first()));
        QCOMPARE(QFileInfo(rec.outcome->outputPath).absolutePath(), QDir(outDir).absolutePath());
    } else {
        QVERIFY2(inside.isEmpty(), qPrintable(inside.join(u',')));
        QCOMPARE(rec.outcome->kind, RunOutcome::Kind::Failed);
    }
}

QTEST_GUILESS_MAIN(TestComfyBackend)
#include "tst_comfybackend.moc"
