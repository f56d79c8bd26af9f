#include "comfy/comfytypes.h"
#include "comfy/nodecatalog.h"
#include "comfy/readiness.h"
#include "core/comfy/catalogfixture.h"
#include "request/generationrequest.h"

#include <QTest>

#include <cmath>

using namespace comfyvideo;
using namespace Qt::StringLiterals;
using namespace comfyvideo::tests;
using comfy::Readiness;
using comfy::ReadinessLevel;
using comfy::ReadinessReason;
using comfy::SystemStats;
using request::GenerationRequest;
using request::Kind;

namespace {

constexpr qint64 GiB = 1024LL * 1024 * 1024;

GenerationRequest animateDiff(int width = 512, int height = 512, int frames = 16)
{
    GenerationRequest r = request::defaultRequest(Kind::AnimateDiff);
    r.prompt = u"a lighthouse in a storm"_s;
    r.checkpoint.clear();
    r.motionModule.clear();
    r.width = width;
    r.height = height;
    r.frames = frames;
    return r;
}

GenerationRequest svd(const QString &checkpoint, int frames, int width = 1024, int height = 576)
{
    GenerationRequest r = request::defaultRequest(Kind::Svd);
    r.checkpoint = checkpoint;
    r.frames = frames;
    r.width = width;
    r.height = height;
    return r;
}

SystemStats gpu(qint64 totalBytes, qint64 freeBytes = -1)
{
    SystemStats stats;
    stats.comfyuiVersion = u"0.3.64"_s;
    stats.os = u"posix"_s;
    stats.devices.append({u"cuda:0 NVIDIA GeForce RTX"_s,
                          u"cuda"_s,
                          totalBytes,
                          freeBytes < 0 ? totalBytes : freeBytes});
    return stats;
}

comfy::NodeCatalog catalogWithout(std::initializer_list<const char *> nodes)
{
    QJsonObject info = captureObjectInfo();
    for (const char *node : nodes)
        info.remove(QLatin1String(node));
    return comfy::NodeCatalog::fromObject(info);
}

comfy::NodeCatalog captureCatalog()
{
    return catalogWithout({});
}

Readiness assess(const GenerationRequest &request,
                 const std::optional<SystemStats> &stats,
                 const comfy::NodeCatalog &catalog = captureCatalog())
{
    return comfy::assessReadiness(request, catalog, stats);
}

QString describe(const Readiness &r)
{
    QStringList lines;
    for (const ReadinessReason &reason : r.reasons)
        lines << u"[%1%2] %3"_s.arg(reason.kind)
                         .arg(reason.blocking ? u"!"_s : u""_s, reason.message);
    return lines.join(u"; "_s);
}

} // namespace

class TestReadiness : public QObject
{
    Q_OBJECT

private slots:
    void readyOnLargeGpu();
    void captureStatsAreCpu();
    void videoHelperSuiteMissingWarns();
    void noSaverAtAllBlocks();
    void animateDiffEvolvedMissingBlocks();
    void svdNodesMissingBlocks();
    void motionModuleMissingBlocks();
    void checkpointMissingBlocks();
    void svdCheckpointForAnimateDiff();
    void animateDiffVram_data();
    void animateDiffVram();
    void blockedMessageNamesNeedAndHave();
    void svdXtOnTenGigabytes();
    void svdEstimateUsesResolvedCheckpoint();
    void referenceWorkloads();
    void estimateGrowsWithWorkload();
    void estimateEdgeCases();
    void unknownStatsWarn_data();
    void unknownStatsWarn();
    void lowFreeVramWarns();
};

void TestReadiness::readyOnLargeGpu()
{
    const Readiness r = assess(animateDiff(), gpu(24 * GiB));
    QVERIFY2(r.reasons.isEmpty(), qPrintable(describe(r)));
    QCOMPARE(r.level, ReadinessLevel::Ready);
    QVERIFY(!r.isBlocked());
    QCOMPARE(r.requiredVramGb, 6.0);
    QCOMPARE(r.recommendedVramGb, 8.0);
    QCOMPARE(r.serverVramGb, std::optional<double>(24.0));
}

void TestReadiness::captureStatsAreCpu()
{
    const std::optional<SystemStats> stats = SystemStats::fromJson(
            readJsonObject(QStringLiteral(CV_CAPTURES_DIR "/system_stats.json")));
    QVERIFY(stats);
    QCOMPARE(stats->devices.size(), 1);
    QCOMPARE(stats->devices.at(0).type, u"cpu"_s);
    QVERIFY(stats->devices.at(0).vramTotal > 23 * GiB);

    // ComfyUI --cpu does run: a warning, and RAM is not compared as if it were VRAM.
    const Readiness r = assess(animateDiff(), stats);
    QCOMPARE(r.level, ReadinessLevel::ReadyWithWarnings);
    QCOMPARE(r.reasons.size(), 1);
    QCOMPARE(r.reasons.at(0).kind, ReadinessReason::NoGpu);
    QVERIFY(!r.reasons.at(0).blocking);
    QVERIFY(r.reasons.at(0).message.contains(u"slow"));
    QCOMPARE(r.serverVramGb, std::nullopt);
    QCOMPARE(r.requiredVramGb, 6.0);
}

void TestReadiness::videoHelperSuiteMissingWarns()
{
    const Readiness r = assess(
            animateDiff(), gpu(24 * GiB), catalogWithout({"VHS_VideoCombine", "VHS_LoadVideo"}));
    QCOMPARE(r.level, ReadinessLevel::ReadyWithWarnings);
    QCOMPARE(r.reasons.size(), 1);
    const ReadinessReason &reason = r.reasons.at(0);
    QCOMPARE(reason.kind, ReadinessReason::MissingNodePack);
    QVERIFY(!reason.blocking);
    QCOMPARE(reason.field, u"format"_s);
    QCOMPARE(reason.missingName, u"VideoHelperSuite"_s);
    QVERIFY(reason.message.contains(u"VHS_VideoCombine"));
    QVERIFY(reason.message.contains(u"WEBP"));
}

void TestReadiness::noSaverAtAllBlocks()
{
    const Readiness r
            = assess(animateDiff(),
                     gpu(24 * GiB),
                     catalogWithout({"VHS_VideoCombine", "VHS_LoadVideo", "SaveAnimatedWEBP"}));
    QCOMPARE(r.level, ReadinessLevel::Blocked);
    QCOMPARE(r.reasons.size(), 1);
    QCOMPARE(r.reasons.at(0).kind, ReadinessReason::MissingNodePack);
    QVERIFY(r.reasons.at(0).blocking);
    QCOMPARE(r.reasons.at(0).missingName, u"VideoHelperSuite"_s);
}

void TestReadiness::animateDiffEvolvedMissingBlocks()
{
    const Readiness r = assess(animateDiff(),
                               gpu(24 * GiB),
                               catalogWithout({"ADE_StandardStaticContextOptions",
                                               "ADE_StandardUniformContextOptions",
                                               "ADE_LoopedUniformContextOptions",
                                               "ADE_UseEvolvedSampling",
                                               "ADE_ApplyAnimateDiffModelSimple",
                                               "ADE_LoadAnimateDiffModel",
                                               "ADE_AnimateDiffLoaderWithContext"}));
    QCOMPARE(r.level, ReadinessLevel::Blocked);
    QCOMPARE(r.reasons.size(), 1);
    const ReadinessReason &reason = r.reasons.at(0);
    QCOMPARE(reason.kind, ReadinessReason::MissingNodePack);
    QVERIFY(reason.blocking);
    QCOMPARE(reason.field, u"kind"_s);
    QCOMPARE(reason.missingName, u"AnimateDiff-Evolved"_s);
    QVERIFY(reason.message.contains(u"AnimateDiff-Evolved is not installed"));
    QVERIFY(reason.message.contains(u"ADE_UseEvolvedSampling"));
}

void TestReadiness::svdNodesMissingBlocks()
{
    const Readiness r = assess(svd(u"svd_xt.safetensors"_s, 25),
                               gpu(24 * GiB),
                               catalogWithout({"SVD_img2vid_Conditioning"}));
    QCOMPARE(r.level, ReadinessLevel::Blocked);
    QCOMPARE(r.reasons.size(), 1);
    QCOMPARE(r.reasons.at(0).kind, ReadinessReason::MissingNodePack);
    QCOMPARE(r.reasons.at(0).missingName, u"SVD_img2vid_Conditioning"_s);
    QVERIFY(r.reasons.at(0).message.contains(u"SVD_img2vid_Conditioning"));
}

void TestReadiness::motionModuleMissingBlocks()
{
    QJsonObject info = captureObjectInfo();
    const QStringList motionLoaders{u"ADE_LoadAnimateDiffModel"_s,
                                    u"ADE_AnimateDiffLoaderWithContext"_s};
    for (const QString &node : motionLoaders)
        setCombo(info, node, u"model_name"_s, {u"mm_sd_v14.ckpt"_s});
    GenerationRequest request = animateDiff();
    request.motionModule = u"mm_sd_v15_v2.ckpt"_s;
    const Readiness r = assess(request, gpu(24 * GiB), comfy::NodeCatalog::fromObject(info));
    QCOMPARE(r.level, ReadinessLevel::Blocked);
    QCOMPARE(r.reasons.size(), 1);
    const ReadinessReason &reason = r.reasons.at(0);
    QCOMPARE(reason.kind, ReadinessReason::MissingModel);
    QVERIFY(reason.blocking);
    QCOMPARE(reason.field, u"motionModule"_s);
    QCOMPARE(reason.missingName, u"mm_sd_v15_v2.ckpt"_s);
    QVERIFY(reason.message.contains(u"mm_sd_v15_v2.ckpt"));
    QVERIFY(reason.message.contains(u"not on this server"));

    // None installed and none asked for: the common default is what is missing.
    for (const QString &node : motionLoaders)
        setCombo(info, node, u"model_name"_s, {});
    const Readiness none
            = assess(animateDiff(), gpu(24 * GiB), comfy::NodeCatalog::fromObject(info));
    QCOMPARE(none.level, ReadinessLevel::Blocked);
    QCOMPARE(none.reasons.size(), 1);
    QCOMPARE(none.reasons.at(0).kind, ReadinessReason::MissingModel);
    QCOMPARE(none.reasons.at(0).missingName, u"mm_sd_v15_v2.ckpt"_s);
}

void TestReadiness::checkpointMissingBlocks()
{
    GenerationRequest request = animateDiff();
    request.checkpoint = u"dreamshaper_8.safetensors"_s;
    const Readiness r = assess(request, gpu(24 * GiB));
    QCOMPARE(r.level, ReadinessLevel::Blocked);
    QCOMPARE(r.reasons.size(), 1);
    QCOMPARE(r.reasons.at(0).kind, ReadinessReason::MissingModel);
    QCOMPARE(r.reasons.at(0).field, u"checkpoint"_s);
    QCOMPARE(r.reasons.at(0).missingName, u"dreamshaper_8.safetensors"_s);
    QVERIFY(r.reasons.at(0).message.contains(u"dreamshaper_8.safetensors"));

    const Readiness s = assess(svd(u"svd.safetensors"_s, 14), gpu(24 * GiB));
    QCOMPARE(s.level, ReadinessLevel::Blocked);
    QCOMPARE(s.reasons.size(), 1);
    QCOMPARE(s.reasons.at(0).kind, ReadinessReason::MissingModel);
    QCOMPARE(s.reasons.at(0).missingName, u"svd.safetensors"_s);
}

void TestReadiness::svdCheckpointForAnimateDiff()
{
    GenerationRequest request = animateDiff();
    request.checkpoint = u"svd_xt.safetensors"_s;
    const Readiness r = assess(request, gpu(24 * GiB));
    QCOMPARE(r.level, ReadinessLevel::Blocked);
    QCOMPARE(r.reasons.size(), 1);
    QCOMPARE(r.reasons.at(0).kind, ReadinessReason::IncompatibleModel);
    QVERIFY(r.reasons.at(0).missingName.isEmpty());
}

void TestReadiness::animateDiffVram_data()
{
    QTest::addColumn<qint64>("total");
    QTest::addColumn<ReadinessLevel>("level");
    QTest::addColumn<int>("kind"); // -1: no reason

    QTest::newRow("4 GB") << 4 * GiB << ReadinessLevel::Blocked
                          << int(ReadinessReason::VramBelowMinimum);
    QTest::newRow("5.5 GB") << 11 * GiB / 2 << ReadinessLevel::Blocked
                            << int(ReadinessReason::VramBelowMinimum);
    // What a 6 GB card reports to CUDA: just under 6 GiB, still meets the minimum.
    QTest::newRow("6 GB card") << 6441926656LL << ReadinessLevel::ReadyWithWarnings
                               << int(ReadinessReason::VramBelowRecommended);
    QTest::newRow("7 GB") << 7 * GiB << ReadinessLevel::ReadyWithWarnings
                          << int(ReadinessReason::VramBelowRecommended);
    QTest::newRow("8 GB card") << 8361017344LL << ReadinessLevel::Ready << -1;
    QTest::newRow("24 GB") << 24 * GiB << ReadinessLevel::Ready << -1;
}

void TestReadiness::animateDiffVram()
{
    QFETCH(qint64, total);
    QFETCH(ReadinessLevel, level);
    QFETCH(int, kind);
    const Readiness r = assess(animateDiff(), gpu(total));
    QCOMPARE(r.level, level);
    QVERIFY(r.serverVramGb);
    QCOMPARE(*r.serverVramGb, double(total) / double(GiB));
    if (kind < 0) {
        QVERIFY2(r.reasons.isEmpty(), qPrintable(describe(r)));
        return;
    }
    QCOMPARE(r.reasons.size(), 1);
    QCOMPARE(int(r.reasons.at(0).kind), kind);
    QCOMPARE(r.reasons.at(0).blocking, level == ReadinessLevel::Blocked);
}

void TestReadiness::blockedMessageNamesNeedAndHave()
{
    // 512x512x44 frames: 4 + 2 * 44/16 = 9.5 GB minimum.
    const Readiness r = assess(animateDiff(512, 512, 44), gpu(8 * GiB));
    QCOMPARE(r.requiredVramGb, 9.5);
    QCOMPARE(r.recommendedVramGb, 15.0);
    QCOMPARE(r.level, ReadinessLevel::Blocked);
    QCOMPARE(r.reasons.size(), 1);
    QCOMPARE(r.reasons.at(0).kind, ReadinessReason::VramBelowMinimum);
    const QString message = r.reasons.at(0).message;
    QVERIFY2(message.contains(u"needs about 9.5 GB of VRAM; the server has 8.0 GB"),
             qPrintable(message));
}

void TestReadiness::svdXtOnTenGigabytes()
{
    const Readiness r = assess(svd(u"svd_xt.safetensors"_s, 25), gpu(10 * GiB));
    QCOMPARE(r.requiredVramGb, 10.0);
    QCOMPARE(r.recommendedVramGb, 12.0);
    QCOMPARE(r.level, ReadinessLevel::ReadyWithWarnings);
    QCOMPARE(r.reasons.size(), 1);
    QCOMPARE(r.reasons.at(0).kind, ReadinessReason::VramBelowRecommended);
    QVERIFY(r.reasons.at(0).message.contains(u"12.0 GB"));

    QCOMPARE(assess(svd(u"svd_xt.safetensors"_s, 25), gpu(8 * GiB)).level, ReadinessLevel::Blocked);
    QCOMPARE(assess(svd(u"svd_xt.safetensors"_s, 25), gpu(12 * GiB)).level, ReadinessLevel::Ready);
}

void TestReadiness::svdEstimateUsesResolvedCheckpoint()
{
    // Only svd_xt is installed: an empty checkpoint with 14 frames resolves to svd_xt, whose
    // reference is 25 frames, so 14 frames need less than the svd reference's 10 GB.
    const Readiness r = assess(svd({}, 14), gpu(24 * GiB));
    QVERIFY2(r.reasons.isEmpty(), qPrintable(describe(r)));
    QCOMPARE(r.requiredVramGb, 7.0 + 3.0 * 14.0 / 25.0);
    // Without a catalog choice, 14 frames mean plain svd (reference 14 frames).
    QCOMPARE(comfy::estimateVram(svd({}, 14)).minimumGb, 10.0);
    QCOMPARE(comfy::estimateVram(svd({}, 25)).referenceFrames, 25);
}

void TestReadiness::referenceWorkloads()
{
    const comfy::VramEstimate ad = comfy::estimateVram(animateDiff());
    QCOMPARE(ad.minimumGb, 6.0);
    QCOMPARE(ad.recommendedGb, 8.0);
    QCOMPARE(ad.modelGb, 4.0);
    QCOMPARE(ad.ratio, 1.0);
    QCOMPARE(ad.referenceFrames, 16);

    const comfy::VramEstimate plain = comfy::estimateVram(svd(u"svd.safetensors"_s, 14));
    QCOMPARE(plain.minimumGb, 10.0);
    QCOMPARE(plain.recommendedGb, 12.0);
    QCOMPARE(plain.referenceFrames, 14);

    const comfy::VramEstimate xt = comfy::estimateVram(svd(u"svd_xt.safetensors"_s, 25));
    QCOMPARE(xt.minimumGb, 10.0);
    QCOMPARE(xt.recommendedGb, 12.0);
    QCOMPARE(xt.modelGb, 7.0);
    QCOMPARE(xt.referenceFrames, 25);

    // Half the pixels halve the activation part only.
    QCOMPARE(comfy::estimateVram(animateDiff(512, 256, 16)).minimumGb, 5.0);
}

void TestReadiness::estimateGrowsWithWorkload()
{
    for (const Kind kind : {Kind::AnimateDiff, Kind::Svd}) {
        double previousMin = 0;
        double previousRec = 0;
        for (int frames = 8; frames <= 128; frames += 8) {
            GenerationRequest r = kind == Kind::Svd ? svd(u"svd_xt.safetensors"_s, frames)
                                                    : animateDiff(512, 512, frames);
            const comfy::VramEstimate e = comfy::estimateVram(r);
            QVERIFY(e.minimumGb > previousMin);
            QVERIFY(e.recommendedGb > previousRec);
            QVERIFY(e.recommendedGb > e.minimumGb);
            previousMin = e.minimumGb;
            previousRec = e.recommendedGb;
        }
        previousMin = 0;
        for (int side = 256; side <= 2048; side += 64) {
            GenerationRequest r = kind == Kind::Svd ? svd(u"svd_xt.safetensors"_s, 25, side, side)
                                                    : animateDiff(side, side, 16);
            const double min = comfy::estimateVram(r).minimumGb;
            QVERIFY(min > previousMin);
            previousMin = min;
        }
    }
}

void TestReadiness::estimateEdgeCases()
{
    // The largest request validation allows: no int overflow, a finite, large estimate.
    const comfy::VramEstimate huge
            = comfy::estimateVram(svd(u"svd_xt.safetensors"_s, 4096, 2048, 2048));
    QVERIFY(std::isfinite(huge.minimumGb));
    QVERIFY(huge.minimumGb > 1000);
    // Nonsense sizes: just the model.
    const comfy::VramEstimate zero = comfy::estimateVram(animateDiff(0, 512, 16));
    QCOMPARE(zero.ratio, 0.0);
    QCOMPARE(zero.minimumGb, 4.0);
    QCOMPARE(zero.recommendedGb, 4.0);
}

void TestReadiness::unknownStatsWarn_data()
{
    QTest::addColumn<std::optional<SystemStats>>("stats");
    QTest::newRow("no stats") << std::optional<SystemStats>();
    QTest::newRow("no devices") << std::optional<SystemStats>(SystemStats{});
    QTest::newRow("zero vram") << std::optional<SystemStats>(gpu(0, 0));
}

void TestReadiness::unknownStatsWarn()
{
    QFETCH(std::optional<SystemStats>, stats);
    const Readiness r = assess(animateDiff(), stats);
    QCOMPARE(r.level, ReadinessLevel::ReadyWithWarnings);
    QCOMPARE(r.reasons.size(), 1);
    QCOMPARE(r.reasons.at(0).kind, ReadinessReason::UnknownVram);
    QVERIFY(!r.reasons.at(0).blocking);
    QVERIFY(r.reasons.at(0).message.contains(u"6.0 GB"));
    QCOMPARE(r.serverVramGb, std::nullopt);
    QCOMPARE(r.requiredVramGb, 6.0);
}

void TestReadiness::lowFreeVramWarns()
{
    const Readiness r = assess(animateDiff(), gpu(24 * GiB, 2 * GiB));
    QCOMPARE(r.level, ReadinessLevel::ReadyWithWarnings);
    QCOMPARE(r.reasons.size(), 1);
    QCOMPARE(r.reasons.at(0).kind, ReadinessReason::VramFreeLow);
    QVERIFY(r.reasons.at(0).message.contains(u"2.0 GB"));
    // Free is not compared when the total already blocks.
    const Readiness blocked = assess(animateDiff(), gpu(4 * GiB, 1 * GiB));
    QCOMPARE(blocked.reasons.size(), 1);
    QCOMPARE(blocked.reasons.at(0).kind, ReadinessReason::VramBelowMinimum);
}

QTEST_GUILESS_MAIN(TestReadiness)
#include "tst_readiness.moc"
