#include "comfy/catalogdefaults.h"
#include "comfy/nodecatalog.h"
#include "core/comfy/catalogfixture.h"
#include "request/generationrequest.h"

#include <QTest>

using namespace comfyvideo;
using namespace Qt::StringLiterals;
using namespace comfyvideo::tests;
using comfy::ResolvedRequest;
using request::GenerationRequest;
using request::Kind;

namespace {

void setMotionModules(QJsonObject &info, const QStringList &names)
{
    setCombo(info, u"ADE_LoadAnimateDiffModel"_s, u"model_name"_s, names);
    setCombo(info, u"ADE_AnimateDiffLoaderWithContext"_s, u"model_name"_s, names);
}

ResolvedRequest resolve(const GenerationRequest &request, const QJsonObject &info)
{
    return comfy::resolveAgainstCatalog(request, comfy::NodeCatalog::fromObject(info));
}

GenerationRequest animateDiff()
{
    GenerationRequest r = request::defaultRequest(Kind::AnimateDiff);
    r.prompt = u"a lighthouse in a storm"_s;
    r.checkpoint.clear();
    r.motionModule.clear();
    return r;
}

GenerationRequest svd(int frames)
{
    GenerationRequest r = request::defaultRequest(Kind::Svd);
    r.checkpoint.clear();
    r.frames = frames;
    return r;
}

QStringList fieldsOf(const ResolvedRequest &resolved)
{
    QStringList fields;
    for (const auto &problem : resolved.problems)
        fields << problem.field;
    return fields;
}

QString messageFor(const ResolvedRequest &resolved, const QString &field)
{
    for (const auto &problem : resolved.problems) {
        if (problem.field == field)
            return problem.message;
    }
    return {};
}

} // namespace

class TestCatalogDefaults : public QObject
{
    Q_OBJECT

private slots:
    void animateDiffDefaultsFromCapture();
    void animateDiffCheckpointPreference_data();
    void animateDiffCheckpointPreference();
    void animateDiffWithOnlySvdCheckpoints();
    void motionModulePreference();
    void missingMotionModule();
    void missingAnimateDiffEvolved();
    void svdDefaults_data();
    void svdDefaults();
    void svdWithoutSvdModels();
    void svdNodesMissing();
    void explicitModelsNotOnServer();
    void explicitSvdCheckpointForAnimateDiff();
    void explicitModelsPresentNeedNoChoice();
    void samplerAndSchedulerNotOffered();
    void noSaverAtAll();
    void manyFramesWithoutContextNodes();
    void nameHeuristics();
};

void TestCatalogDefaults::animateDiffDefaultsFromCapture()
{
    // The capture lists svd_xt.safetensors first: it must not be picked.
    const ResolvedRequest r = resolve(animateDiff(), captureObjectInfo());
    QVERIFY2(r.problems.isEmpty(), qPrintable(fieldsOf(r).join(u',')));
    QCOMPARE(r.request.checkpoint, u"v1-5-pruned-emaonly.safetensors"_s);
    QCOMPARE(r.request.motionModule, u"mm_sd_v15_v2.ckpt"_s);
    QCOMPARE(r.choices.size(), 2);
    QVERIFY(r.choices.at(0).contains(u"v1-5-pruned-emaonly.safetensors"));
    QVERIFY(r.choices.at(1).contains(u"mm_sd_v15_v2.ckpt"));
    // Nothing else changes.
    GenerationRequest expected = animateDiff();
    expected.checkpoint = r.request.checkpoint;
    expected.motionModule = r.request.motionModule;
    QCOMPARE(r.request, expected);
}

void TestCatalogDefaults::animateDiffCheckpointPreference_data()
{
    QTest::addColumn<QStringList>("installed");
    QTest::addColumn<QString>("expected");
    QTest::newRow("sd15 hint wins") << QStringList{u"dreamshaper_8.safetensors"_s,
                                                   u"realisticVisionV51_sd15.safetensors"_s,
                                                   u"svd.safetensors"_s}
                                    << u"realisticVisionV51_sd15.safetensors"_s;
    QTest::newRow("neutral before sdxl")
            << QStringList{u"sd_xl_base_1.0.safetensors"_s, u"dreamshaper_8.safetensors"_s}
            << u"dreamshaper_8.safetensors"_s;
    QTest::newRow("first of equals")
            << QStringList{u"a.safetensors"_s, u"b.safetensors"_s} << u"a.safetensors"_s;
    QTest::newRow("subfolder v1-5")
            << QStringList{u"SVD/svd_xt.safetensors"_s, u"other.ckpt"_s, u"sd/v1-5-pruned.ckpt"_s}
            << u"sd/v1-5-pruned.ckpt"_s;
    QTest::newRow("only sdxl") << QStringList{u"svd_xt.safetensors"_s,
                                              u"sd_xl_base_1.0.safetensors"_s}
                               << u"sd_xl_base_1.0.safetensors"_s;
}

void TestCatalogDefaults::animateDiffCheckpointPreference()
{
    QFETCH(QStringList, installed);
    QFETCH(QString, expected);
    QJsonObject info = captureObjectInfo();
    setCheckpoints(info, installed);
    const ResolvedRequest r = resolve(animateDiff(), info);
    QCOMPARE(r.request.checkpoint, expected);
    QVERIFY(!fieldsOf(r).contains(u"checkpoint"_s));
}

void TestCatalogDefaults::animateDiffWithOnlySvdCheckpoints()
{
    QJsonObject info = captureObjectInfo();
    setCheckpoints(info, {u"svd.safetensors"_s, u"svd_xt.safetensors"_s});
    ResolvedRequest r = resolve(animateDiff(), info);
    QVERIFY(r.request.checkpoint.isEmpty());
    QCOMPARE(fieldsOf(r), QStringList{u"checkpoint"_s});
    QVERIFY(!messageFor(r, u"checkpoint"_s).isEmpty());

    setCheckpoints(info, {});
    r = resolve(animateDiff(), info);
    QCOMPARE(fieldsOf(r), QStringList{u"checkpoint"_s});
}

void TestCatalogDefaults::motionModulePreference()
{
    QJsonObject info = captureObjectInfo();
    setMotionModules(info,
                     {u"hotshotxl_mm_v1.pth"_s,
                      u"mm_sd_v15.ckpt"_s,
                      u"mm_sd_v15_v2.ckpt"_s,
                      u"mm_sdxl_v10_beta.ckpt"_s});
    ResolvedRequest r = resolve(animateDiff(), info);
    QCOMPARE(r.request.motionModule, u"mm_sd_v15_v2.ckpt"_s);

    setMotionModules(info, {u"mm_sdxl_v10_beta.ckpt"_s, u"v3_sd15_mm.ckpt"_s});
    r = resolve(animateDiff(), info);
    QCOMPARE(r.request.motionModule, u"v3_sd15_mm.ckpt"_s);
    QVERIFY(r.problems.isEmpty());
}

void TestCatalogDefaults::missingMotionModule()
{
    QJsonObject info = captureObjectInfo();
    setMotionModules(info, {});
    const ResolvedRequest r = resolve(animateDiff(), info);
    QCOMPARE(fieldsOf(r), QStringList{u"motionModule"_s});
    QVERIFY(messageFor(r, u"motionModule"_s).contains(u"animatediff_models"));
    QCOMPARE(r.request.checkpoint, u"v1-5-pruned-emaonly.safetensors"_s);
}

void TestCatalogDefaults::missingAnimateDiffEvolved()
{
    QJsonObject info = captureObjectInfo();
    for (const QString &key : info.keys()) {
        if (key.startsWith(u"ADE_"))
            info.remove(key);
    }
    const ResolvedRequest r = resolve(animateDiff(), info);
    QCOMPARE(fieldsOf(r), QStringList{u"kind"_s});
    QVERIFY(messageFor(r, u"kind"_s).contains(u"AnimateDiff-Evolved"));
}

void TestCatalogDefaults::svdDefaults_data()
{
    QTest::addColumn<QStringList>("installed");
    QTest::addColumn<int>("frames");
    QTest::addColumn<QString>("expected");
    const QStringList both{u"svd.safetensors"_s, u"svd_xt.safetensors"_s, u"v1-5.safetensors"_s};
    QTest::newRow("25 frames, both") << both << 25 << u"svd_xt.safetensors"_s;
    QTest::newRow("14 frames, both") << both << 14 << u"svd.safetensors"_s;
    QTest::newRow("15 frames, both") << both << 15 << u"svd_xt.safetensors"_s;
    QTest::newRow("14 frames, only xt")
            << QStringList{u"v1-5.safetensors"_s, u"svd_xt_1_1.safetensors"_s} << 14
            << u"svd_xt_1_1.safetensors"_s;
    QTest::newRow("25 frames, only svd") << QStringList{u"svd.safetensors"_s, u"v1-5.safetensors"_s}
                                         << 25 << u"svd.safetensors"_s;
    QTest::newRow("decoder is not a model")
            << QStringList{u"svd_image_decoder.safetensors"_s, u"svd.safetensors"_s} << 25
            << u"svd.safetensors"_s;
}

void TestCatalogDefaults::svdDefaults()
{
    QFETCH(QStringList, installed);
    QFETCH(int, frames);
    QFETCH(QString, expected);
    QJsonObject info = captureObjectInfo();
    setCheckpoints(info, installed);
    const ResolvedRequest r = resolve(svd(frames), info);
    QVERIFY2(r.problems.isEmpty(), qPrintable(fieldsOf(r).join(u',')));
    QCOMPARE(r.request.checkpoint, expected);
    QCOMPARE(r.choices.size(), 1);
    QVERIFY(r.choices.constFirst().contains(expected));
    QCOMPARE(r.request.frames, frames); // frames are the request's, not the model's
}

void TestCatalogDefaults::svdWithoutSvdModels()
{
    QJsonObject info = captureObjectInfo();
    setCheckpoints(info, {u"v1-5-pruned-emaonly.safetensors"_s});
    const ResolvedRequest r = resolve(svd(25), info);
    QCOMPARE(fieldsOf(r), QStringList{u"checkpoint"_s});
    QVERIFY(messageFor(r, u"checkpoint"_s).contains(u"svd_xt.safetensors"));
    QVERIFY(r.choices.isEmpty());
}

void TestCatalogDefaults::svdNodesMissing()
{
    QJsonObject info = captureObjectInfo();
    info.remove(u"SVD_img2vid_Conditioning");
    const ResolvedRequest r = resolve(svd(25), info);
    QVERIFY(fieldsOf(r).contains(u"kind"_s));
    QVERIFY(messageFor(r, u"kind"_s).contains(u"SVD_img2vid_Conditioning"));
    QVERIFY(!messageFor(r, u"kind"_s).contains(u"VideoLinearCFGGuidance"));
}

void TestCatalogDefaults::explicitModelsNotOnServer()
{
    GenerationRequest request = animateDiff();
    request.checkpoint = u"x.safetensors"_s;
    request.motionModule = u"mm_missing.ckpt"_s;
    const ResolvedRequest r = resolve(request, captureObjectInfo());
    QCOMPARE(fieldsOf(r), (QStringList{u"checkpoint"_s, u"motionModule"_s}));
    QCOMPARE(messageFor(r, u"checkpoint"_s),
             u"Checkpoint 'x.safetensors' is not on this server. Installed: svd_xt.safetensors, "
             "v1-5-pruned-emaonly.safetensors"_s);
    QCOMPARE(messageFor(r, u"motionModule"_s),
             u"Motion module 'mm_missing.ckpt' is not on this server. Installed: "
             "mm_sd_v15_v2.ckpt"_s);
    // Explicit names are kept as given.
    QCOMPARE(r.request.checkpoint, u"x.safetensors"_s);
    QVERIFY(r.choices.isEmpty());

    GenerationRequest svdRequest = svd(14);
    svdRequest.checkpoint = u"svd.safetensors"_s;
    const ResolvedRequest s = resolve(svdRequest, captureObjectInfo());
    QCOMPARE(messageFor(s, u"checkpoint"_s),
             u"Checkpoint 'svd.safetensors' is not on this server. Installed: svd_xt.safetensors, "
             "v1-5-pruned-emaonly.safetensors"_s);
}

void TestCatalogDefaults::explicitSvdCheckpointForAnimateDiff()
{
    GenerationRequest request = animateDiff();
    request.checkpoint = u"svd_xt.safetensors"_s;
    const ResolvedRequest r = resolve(request, captureObjectInfo());
    QCOMPARE(fieldsOf(r), QStringList{u"checkpoint"_s});
    QVERIFY(messageFor(r, u"checkpoint"_s).contains(u"SVD"));
}

void TestCatalogDefaults::explicitModelsPresentNeedNoChoice()
{
    GenerationRequest request = animateDiff();
    request.checkpoint = u"v1-5-pruned-emaonly.safetensors"_s;
    request.motionModule = u"mm_sd_v15_v2.ckpt"_s;
    const ResolvedRequest r = resolve(request, captureObjectInfo());
    QVERIFY(r.problems.isEmpty());
    QVERIFY(r.choices.isEmpty());
    QCOMPARE(r.request, request);
}

void TestCatalogDefaults::samplerAndSchedulerNotOffered()
{
    GenerationRequest request = animateDiff();
    request.sampler = u"euler_magic"_s;
    request.scheduler = u"Karras"_s; // combos are case-sensitive
    const ResolvedRequest r = resolve(request, captureObjectInfo());
    QCOMPARE(fieldsOf(r), (QStringList{u"sampler"_s, u"scheduler"_s}));
    QVERIFY(messageFor(r, u"sampler"_s).startsWith(u"Sampler 'euler_magic' is not offered"));
    QVERIFY(messageFor(r, u"sampler"_s).contains(u"dpmpp_2m"));
    QVERIFY(messageFor(r, u"scheduler"_s).contains(u"'Karras'"));
    QVERIFY(messageFor(r, u"scheduler"_s).contains(u"karras"));

    // An old ADE without "autoselect" gets the schedule autoselect picks for SD1.5.
    QJsonObject oldAde = captureObjectInfo();
    QStringList schedules{u"sqrt_linear (AnimateDiff)"_s, u"linear (HotshotXL/default)"_s};
    setCombo(oldAde, u"ADE_UseEvolvedSampling"_s, u"beta_schedule"_s, schedules);
    request.sampler = u"euler"_s;
    request.scheduler = u"normal"_s;
    const ResolvedRequest old = resolve(request, oldAde);
    QVERIFY(old.problems.isEmpty());
    QCOMPARE(old.request.betaSchedule, u"sqrt_linear (AnimateDiff)"_s);
    QVERIFY(old.choices.last().contains(u"sqrt_linear (AnimateDiff)"));

    request.betaSchedule = u"nonsense"_s;
    request.sampler = u"euler"_s;
    request.scheduler = u"normal"_s;
    QCOMPARE(fieldsOf(resolve(request, captureObjectInfo())), QStringList{u"betaSchedule"_s});
}

void TestCatalogDefaults::noSaverAtAll()
{
    QJsonObject info = captureObjectInfo();
    info.remove(u"VHS_VideoCombine");
    QVERIFY(resolve(animateDiff(), info).problems.isEmpty()); // SaveAnimatedWEBP will do
    info.remove(u"SaveAnimatedWEBP");
    QCOMPARE(fieldsOf(resolve(animateDiff(), info)), QStringList{u"format"_s});
}

void TestCatalogDefaults::manyFramesWithoutContextNodes()
{
    QJsonObject info = captureObjectInfo();
    info.remove(u"ADE_StandardStaticContextOptions");
    info.remove(u"ADE_LoopedUniformContextOptions");
    GenerationRequest request = animateDiff();
    request.frames = 16;
    QVERIFY(resolve(request, info).problems.isEmpty());
    request.frames = 48;
    const ResolvedRequest r = resolve(request, info);
    QCOMPARE(fieldsOf(r), QStringList{u"frames"_s});
    QVERIFY(messageFor(r, u"frames"_s).contains(u"48"));
}

void TestCatalogDefaults::nameHeuristics()
{
    QVERIFY(comfy::isSvdModelName(u"svd.safetensors"_s));
    QVERIFY(comfy::isSvdModelName(u"SVD/SVD_XT.safetensors"_s));
    QVERIFY(comfy::isSvdModelName(u"stable-video-diffusion-img2vid-xt.safetensors"_s));
    QVERIFY(!comfy::isSvdModelName(u"v1-5-pruned-emaonly.safetensors"_s));
    QVERIFY(!comfy::isSvdModelName(u"svd/v1-5.safetensors"_s)); // the folder does not count
    QVERIFY(comfy::isSvdXtName(u"svd_xt_1_1.safetensors"_s));
    QVERIFY(!comfy::isSvdXtName(u"svd.safetensors"_s));

    GenerationRequest request = svd(14);
    QCOMPARE(comfy::commonDefaultCheckpoint(request), u"svd.safetensors"_s);
    request.frames = 25;
    QCOMPARE(comfy::commonDefaultCheckpoint(request), u"svd_xt.safetensors"_s);
    QCOMPARE(comfy::commonDefaultCheckpoint(animateDiff()), u"v1-5-pruned-emaonly.safetensors"_s);
    QCOMPARE(comfy::commonDefaultMotionModule(), u"mm_sd_v15_v2.ckpt"_s);
}

QTEST_GUILESS_MAIN(TestCatalogDefaults)
#include "tst_catalogdefaults.moc"
