#include "comfy/nodecatalog.h"
#include "comfy/workflowbuilder.h"
#include "comfy/workflowvalidator.h"
#include "core/comfy/catalogfixture.h"
#include "request/generationrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace comfyvideo;
using namespace Qt::StringLiterals;
using namespace comfyvideo::tests;
using comfy::BuildOptions;
using request::ContextSchedule;
using request::GenerationRequest;
using request::Kind;
using request::OutputFormat;

namespace {

// A Standard Uniform context node, shaped like the real one (the capture lacks it).
void addStandardUniform(QJsonObject &info)
{
    QJsonObject spec = info.value(u"ADE_LoopedUniformContextOptions").toObject();
    QJsonObject inputs = spec.value(u"input").toObject();
    QJsonObject required = inputs.value(u"required").toObject();
    required.remove(u"closed_loop");
    inputs.insert(u"required", required);
    spec.insert(u"input", inputs);
    spec.insert(u"name", QStringLiteral("ADE_StandardUniformContextOptions"));
    info.insert(u"ADE_StandardUniformContextOptions", spec);
}

comfy::NodeCatalog catalogOf(const QJsonObject &info)
{
    return comfy::NodeCatalog::fromObject(info);
}

GenerationRequest animateDiff(int frames)
{
    GenerationRequest r = request::defaultRequest(Kind::AnimateDiff);
    r.prompt = QStringLiteral("a red fox running through fresh snow, cinematic lighting");
    r.negativePrompt = QStringLiteral("blurry, low quality, watermark, text");
    r.checkpoint = QStringLiteral("v1-5-pruned-emaonly.safetensors");
    r.motionModule = QStringLiteral("mm_sd_v15_v2.ckpt");
    r.frames = frames;
    r.seed = 123456789;
    return r;
}

GenerationRequest svd(const QString &checkpoint, int frames)
{
    GenerationRequest r = request::defaultRequest(Kind::Svd);
    r.checkpoint = checkpoint;
    r.frames = frames;
    r.width = 1024;
    r.height = 576;
    r.cfg = 2.5;
    r.sampler = QStringLiteral("euler");
    r.scheduler = QStringLiteral("karras");
    r.seed = 42;
    return r;
}

QJsonObject inputsOf(const QJsonObject &prompt, const QString &id)
{
    return prompt.value(id).toObject().value(u"inputs").toObject();
}

QString classOf(const QJsonObject &prompt, const QString &id)
{
    return prompt.value(id).toObject().value(u"class_type").toString();
}

QJsonArray link(const char *id, int index)
{
    return QJsonArray{QLatin1String(id), index};
}

QJsonObject referenceWorkflow(const char *name)
{
    return readJsonObject(QStringLiteral(CV_TEST_DATA_DIR "/cli/") + QLatin1String(name));
}

QJsonObject withoutMeta(QJsonObject prompt)
{
    for (auto it = prompt.begin(); it != prompt.end(); ++it) {
        QJsonObject node = it->toObject();
        node.remove(u"_meta");
        *it = node;
    }
    return prompt;
}

void expectValid(const QJsonObject &prompt, const comfy::NodeCatalog &catalog)
{
    comfy::ValidationOptions options;
    options.inputFileExists = [](const QString &, const QString &, const QString &) {
        return true;
    };
    const comfy::WorkflowValidation v = comfy::validateWorkflow(prompt, catalog, options);
    if (!v.ok() || !v.nodeErrors.isEmpty()) {
        qWarning().noquote() << v.describe().join(u'\n') << '\n' << QJsonDocument(prompt).toJson();
    }
    QVERIFY(v.ok());
    QVERIFY(v.nodeErrors.isEmpty());
}

} // namespace

class TestWorkflowBuilder : public QObject
{
    Q_OBJECT

private slots:
    void animateDiffGen2MatchesReference();
    void animateDiffPassesValidation_data();
    void animateDiffPassesValidation();
    void legacyLoaderMatchesReference();
    void forCatalogPicksLegacyWithoutGen2();
    void legacyInstall_data();
    void legacyInstall();
    void contextNodeFollowsSchedule();
    void svdMatchesReference();
    void svdModelsPassValidation_data();
    void svdModelsPassValidation();
    void formatsWriteTheirWidgets();
    void missingFormatFallsBack();
    void animatedWebpWithoutVideoHelperSuite();
    void hugeSeedIsAString();
    void seedsBelowInt64MaxStayExactIntegers();
    void everyNodeHasATitle();
    void webpQualityMapping();
};

void TestWorkflowBuilder::animateDiffGen2MatchesReference()
{
    BuildOptions options;
    options.filenamePrefix = u"AnimateDiff"_s;
    comfy::BuiltWorkflow built = comfy::buildWorkflow(animateDiff(16), options);
    QCOMPARE(built.outputNodeId, u"10"_s);
    QCOMPARE(withoutMeta(built.prompt), referenceWorkflow("workflow_animatediff_16f.json"));

    built = comfy::buildWorkflow(animateDiff(48), options);
    QCOMPARE(withoutMeta(built.prompt), referenceWorkflow("workflow_animatediff_48f.json"));
    QCOMPARE(built.notes.size(), 1); // the windows are explained

    // Without a prefix the files go to a folder of their own.
    built = comfy::buildWorkflow(animateDiff(16), {});
    QCOMPARE(inputsOf(built.prompt, u"10"_s).value(u"filename_prefix").toString(),
             u"ComfyVideo/animatediff"_s);
}

void TestWorkflowBuilder::animateDiffPassesValidation_data()
{
    QTest::addColumn<int>("frames");
    QTest::addColumn<bool>("legacy");
    for (const int frames : {16, 48, 128}) {
        QTest::addRow("gen2-%d", frames) << frames << false;
        QTest::addRow("legacy-%d", frames) << frames << true;
    }
    QTest::addRow("gen2-17") << 17 << false;
}

void TestWorkflowBuilder::animateDiffPassesValidation()
{
    QFETCH(int, frames);
    QFETCH(bool, legacy);
    const comfy::NodeCatalog catalog = catalogOf(captureObjectInfo());
    const GenerationRequest request = animateDiff(frames);
    BuildOptions options = BuildOptions::forCatalog(catalog, request);
    QCOMPARE(options.animateDiffForm, BuildOptions::AnimateDiffForm::Gen2);
    QCOMPARE(options.saver, BuildOptions::Saver::VideoCombine);
    if (legacy)
        options.animateDiffForm = BuildOptions::AnimateDiffForm::Legacy;
    const QJsonObject p = comfy::buildWorkflow(request, options).prompt;

    const bool windows = frames > request.contextLength;
    QCOMPARE(p.contains(u"11"), windows);
    QCOMPARE(inputsOf(p, QStringLiteral("4")).contains(u"context_options"), windows);
    if (windows) {
        QCOMPARE(inputsOf(p, QStringLiteral("4")).value(u"context_options").toArray(),
                 link("11", 0));
        // The capture has only Static and Looped: Looped stands in for Standard Uniform, open.
        QCOMPARE(classOf(p, QStringLiteral("11")),
                 QStringLiteral("ADE_LoopedUniformContextOptions"));
        QCOMPARE(inputsOf(p, QStringLiteral("11")).value(u"closed_loop"), QJsonValue(false));
    }
    QCOMPARE(inputsOf(p, QStringLiteral("7")).value(u"batch_size").toInt(), frames);
    QCOMPARE(p.contains(u"2"), !legacy);
    QCOMPARE(p.contains(u"3"), !legacy);
    expectValid(p, catalog);
}

void TestWorkflowBuilder::legacyLoaderMatchesReference()
{
    BuildOptions options;
    options.animateDiffForm = BuildOptions::AnimateDiffForm::Legacy;
    const QJsonObject p = comfy::buildWorkflow(animateDiff(48), options).prompt;
    QCOMPARE(p.keys().size(), 9); // 1, 4..11
    QCOMPARE(classOf(p, QStringLiteral("4")), QStringLiteral("ADE_AnimateDiffLoaderWithContext"));
    QCOMPARE(inputsOf(p, QStringLiteral("4")),
             QJsonObject({{u"model"_s, link("1", 0)},
                          {u"model_name"_s, u"mm_sd_v15_v2.ckpt"_s},
                          {u"beta_schedule"_s, u"autoselect"_s},
                          {u"context_options"_s, link("11", 0)},
                          {u"motion_scale"_s, 1.0},
                          {u"apply_v2_models_properly"_s, true}}));
    // §6.3: nodes 2-4 collapse into the loader; everything else is as in §6.2.
    const QJsonObject reference = referenceWorkflow("workflow_animatediff_48f.json");
    for (const QString &id : {u"1"_s, u"5"_s, u"6"_s, u"7"_s, u"8"_s, u"9"_s, u"11"_s})
        QCOMPARE(withoutMeta(p).value(id), reference.value(id));
}

void TestWorkflowBuilder::forCatalogPicksLegacyWithoutGen2()
{
    QJsonObject info = captureObjectInfo();
    info.remove(u"ADE_UseEvolvedSampling");
    const comfy::NodeCatalog catalog = catalogOf(info);
    QStringList notes;
    const BuildOptions options = BuildOptions::forCatalog(catalog, animateDiff(48), &notes);
    QCOMPARE(options.animateDiffForm, BuildOptions::AnimateDiffForm::Legacy);
    QVERIFY(notes.join(u' ').contains(u"legacy"));
    expectValid(comfy::buildWorkflow(animateDiff(48), options).prompt, catalog);
}

void TestWorkflowBuilder::legacyInstall_data()
{
    QTest::addColumn<int>("frames");
    QTest::newRow("16") << 16;
    QTest::newRow("48") << 48;
}

// A 2024 server: legacy ADE loader, the legacy uniform context node, old VHS (frame_rate INT,
// widget specs inside the format list).
void TestWorkflowBuilder::legacyInstall()
{
    QFETCH(int, frames);
    const comfy::NodeCatalog catalog = catalogOf(readJsonObject(
            QStringLiteral(CV_TEST_DATA_DIR "/catalogs/object_info_legacy_2024.json")));
    const GenerationRequest request = animateDiff(frames);
    const BuildOptions options = BuildOptions::forCatalog(catalog, request);
    QCOMPARE(options.animateDiffForm, BuildOptions::AnimateDiffForm::Legacy);
    QCOMPARE(options.contextNodeClass, u"ADE_AnimateDiffUniformContextOptions"_s);
    QVERIFY(!options.outputFormat);
    const QJsonObject p = comfy::buildWorkflow(request, options).prompt;
    QCOMPARE(p.contains(u"11"), frames > 16);
    if (frames > 16) {
        QCOMPARE(inputsOf(p, QStringLiteral("11")),
                 QJsonObject({{u"context_length"_s, 16},
                              {u"context_stride"_s, 1},
                              {u"context_overlap"_s, 4},
                              {u"context_schedule"_s, u"uniform"_s},
                              {u"closed_loop"_s, false}}));
    }
    expectValid(p, catalog);
}

void TestWorkflowBuilder::contextNodeFollowsSchedule()
{
    QJsonObject info = captureObjectInfo();
    addStandardUniform(info);
    GenerationRequest request = animateDiff(48);
    QStringList notes;
    QCOMPARE(BuildOptions::forCatalog(catalogOf(info), request, &notes).contextNodeClass,
             QStringLiteral("ADE_StandardUniformContextOptions"));
    QVERIFY(notes.isEmpty());

    request.contextSchedule = ContextSchedule::StandardStatic;
    BuildOptions options = BuildOptions::forCatalog(catalogOf(info), request);
    QCOMPARE(options.contextNodeClass, QStringLiteral("ADE_StandardStaticContextOptions"));
    QJsonObject p = comfy::buildWorkflow(request, options).prompt;
    QVERIFY(!inputsOf(p, QStringLiteral("11")).contains(u"context_stride"));
    expectValid(p, catalogOf(info));

    request.contextSchedule = ContextSchedule::LoopedUniform;
    request.closedLoop = true;
    options = BuildOptions::forCatalog(catalogOf(info), request);
    p = comfy::buildWorkflow(request, options).prompt;
    QCOMPARE(classOf(p, QStringLiteral("11")), QStringLiteral("ADE_LoopedUniformContextOptions"));
    QCOMPARE(inputsOf(p, QStringLiteral("11")).value(u"closed_loop"), QJsonValue(true));
    QCOMPARE(inputsOf(p, QStringLiteral("10")).value(u"pingpong"), QJsonValue(false));

    // Standard Uniform requested, only Static installed.
    info = captureObjectInfo();
    info.remove(u"ADE_LoopedUniformContextOptions");
    request = animateDiff(48);
    notes.clear();
    options = BuildOptions::forCatalog(catalogOf(info), request, &notes);
    QCOMPARE(options.contextNodeClass, QStringLiteral("ADE_StandardStaticContextOptions"));
    QCOMPARE(notes.size(), 1);
    expectValid(comfy::buildWorkflow(request, options).prompt, catalogOf(info));

    // No context node at all: none is added.
    options.contextNodeClass.clear();
    QVERIFY(!comfy::buildWorkflow(request, options).prompt.contains(u"11"));
}

void TestWorkflowBuilder::svdMatchesReference()
{
    BuildOptions options;
    options.filenamePrefix = u"svd"_s;
    const comfy::BuiltWorkflow built
            = comfy::buildWorkflow(svd(u"svd_xt.safetensors"_s, 25), options);
    QCOMPARE(built.outputNodeId, u"7"_s);
    QCOMPARE(withoutMeta(built.prompt), referenceWorkflow("workflow_svd_xt_25f.json"));
    QCOMPARE(inputsOf(comfy::buildWorkflow(svd(u"svd.safetensors"_s, 14), {}).prompt, u"7"_s)
                     .value(u"filename_prefix")
                     .toString(),
             u"ComfyVideo/svd"_s);
}

void TestWorkflowBuilder::svdModelsPassValidation_data()
{
    QTest::addColumn<QString>("checkpoint");
    QTest::addColumn<int>("frames");
    QTest::newRow("svd") << QStringLiteral("svd.safetensors") << 14;
    QTest::newRow("svd_xt") << QStringLiteral("svd_xt.safetensors") << 25;
}

void TestWorkflowBuilder::svdModelsPassValidation()
{
    QFETCH(QString, checkpoint);
    QFETCH(int, frames);
    QJsonObject info = captureObjectInfo();
    // The capture lists only svd_xt; this server also has svd.
    const QStringList ckpts{QStringLiteral("svd.safetensors"),
                            QStringLiteral("svd_xt.safetensors"),
                            QStringLiteral("v1-5-pruned-emaonly.safetensors")};
    setCheckpoints(info, ckpts);
    const comfy::NodeCatalog catalog = catalogOf(info);
    const GenerationRequest request = svd(checkpoint, frames);
    BuildOptions options = BuildOptions::forCatalog(catalog, request);
    options.uploadedImageName = QStringLiteral("uploads/svd_input.png");
    const QJsonObject p = comfy::buildWorkflow(request, options).prompt;
    QCOMPARE(inputsOf(p, QStringLiteral("1")).value(u"ckpt_name").toString(), checkpoint);
    QCOMPARE(inputsOf(p, QStringLiteral("3")).value(u"video_frames").toInt(), frames);
    QCOMPARE(inputsOf(p, QStringLiteral("2")).value(u"image").toString(),
             QStringLiteral("uploads/svd_input.png"));
    expectValid(p, catalog);
}

void TestWorkflowBuilder::formatsWriteTheirWidgets()
{
    GenerationRequest request = animateDiff(16);
    request.format = OutputFormat::Webm;
    request.crf = 30;
    QJsonObject saver = inputsOf(comfy::buildWorkflow(request, {}).prompt, QStringLiteral("10"));
    QCOMPARE(saver.value(u"format").toString(), QStringLiteral("video/webm"));
    QCOMPARE(saver.value(u"pix_fmt").toString(), QStringLiteral("yuv420p"));
    QCOMPARE(saver.value(u"crf").toInt(), 30);
    QCOMPARE(saver.value(u"save_metadata"), QJsonValue(true));
    QCOMPARE(saver.value(u"trim_to_audio"), QJsonValue(false));

    request.format = OutputFormat::Gif;
    request.fps = 12;
    saver = inputsOf(comfy::buildWorkflow(request, {}).prompt, QStringLiteral("10"));
    QCOMPARE(saver,
             QJsonObject({{u"images"_s, link("9", 0)},
                          {u"frame_rate"_s, 12},
                          {u"loop_count"_s, 0},
                          {u"filename_prefix"_s, u"ComfyVideo/animatediff"_s},
                          {u"format"_s, u"image/gif"_s},
                          {u"pingpong"_s, false},
                          {u"save_output"_s, true}}));
    expectValid(comfy::buildWorkflow(request, {}).prompt, catalogOf(captureObjectInfo()));
}

void TestWorkflowBuilder::missingFormatFallsBack()
{
    QJsonObject info = captureObjectInfo();
    setCombo(info,
             QStringLiteral("VHS_VideoCombine"),
             QStringLiteral("format"),
             {QStringLiteral("image/gif"),
              QStringLiteral("image/webp"),
              QStringLiteral("video/h264-mp4")});
    GenerationRequest request = animateDiff(16);
    request.format = OutputFormat::Webm;
    QStringList notes;
    const BuildOptions options = BuildOptions::forCatalog(catalogOf(info), request, &notes);
    QCOMPARE(options.outputFormat, std::optional(OutputFormat::H264Mp4));
    QCOMPARE(notes.size(), 1);
    const QJsonObject saver
            = inputsOf(comfy::buildWorkflow(request, options).prompt, QStringLiteral("10"));
    QCOMPARE(saver.value(u"format").toString(), QStringLiteral("video/h264-mp4"));

    request.format = OutputFormat::H264Mp4;
    notes.clear();
    QVERIFY(!BuildOptions::forCatalog(catalogOf(info), request, &notes).outputFormat);
    QVERIFY(notes.isEmpty());
}

void TestWorkflowBuilder::animatedWebpWithoutVideoHelperSuite()
{
    QJsonObject info = captureObjectInfo();
    info.remove(u"VHS_VideoCombine");
    const comfy::NodeCatalog catalog = catalogOf(info);
    QVERIFY(!catalog.hasVideoHelperSuite());
    GenerationRequest request = animateDiff(48);
    QStringList notes;
    const BuildOptions options = BuildOptions::forCatalog(catalog, request, &notes);
    QCOMPARE(options.saver, BuildOptions::Saver::AnimatedWebp);
    QVERIFY(notes.join(u' ').contains(u"WEBP"));
    const comfy::BuiltWorkflow built = comfy::buildWorkflow(request, options);
    QCOMPARE(built.outputNodeId, QStringLiteral("10"));
    QCOMPARE(classOf(built.prompt, QStringLiteral("10")), QStringLiteral("SaveAnimatedWEBP"));
    QCOMPARE(inputsOf(built.prompt, QStringLiteral("10")),
             QJsonObject({{u"images"_s, link("9", 0)},
                          {u"filename_prefix"_s, u"ComfyVideo/animatediff"_s},
                          {u"fps"_s, 8.0},
                          {u"lossless"_s, false},
                          {u"quality"_s, 85},
                          {u"method"_s, u"default"_s}}));
    expectValid(built.prompt, catalog);
}

void TestWorkflowBuilder::hugeSeedIsAString()
{
    GenerationRequest request = animateDiff(16);
    request.seed = std::numeric_limits<quint64>::max();
    const QJsonObject p = comfy::buildWorkflow(request, {}).prompt;
    const QJsonValue seed = inputsOf(p, QStringLiteral("8")).value(u"seed");
    QVERIFY(seed.isString());
    QCOMPARE(seed.toString(), QStringLiteral("18446744073709551615"));
    expectValid(p, catalogOf(captureObjectInfo()));

    request.seed = quint64(std::numeric_limits<qint64>::max()) + 1;
    QCOMPARE(inputsOf(comfy::buildWorkflow(request, {}).prompt, QStringLiteral("8")).value(u"seed"),
             QJsonValue(QStringLiteral("9223372036854775808")));
}

void TestWorkflowBuilder::seedsBelowInt64MaxStayExactIntegers()
{
    GenerationRequest request = animateDiff(16);
    for (const quint64 seed :
         {(quint64(1) << 53) + 1, quint64(std::numeric_limits<qint64>::max())}) {
        request.seed = seed;
        const QJsonObject p = comfy::buildWorkflow(request, {}).prompt;
        const QByteArray bytes = QJsonDocument(p).toJson(QJsonDocument::Compact);
        const QByteArray expected = "\"seed\":" + QByteArray::number(seed) + ',';
        QVERIFY2(bytes.contains(expected), bytes.constData());
        // And it reads back exact.
        const QJsonObject reread = QJsonDocument::fromJson(bytes).object();
        QCOMPARE(quint64(inputsOf(reread, QStringLiteral("8")).value(u"seed").toInteger()), seed);
    }
}

void TestWorkflowBuilder::everyNodeHasATitle()
{
    QJsonObject info = captureObjectInfo();
    BuildOptions legacy;
    legacy.animateDiffForm = BuildOptions::AnimateDiffForm::Legacy;
    BuildOptions webp;
    webp.saver = BuildOptions::Saver::AnimatedWebp;
    const QList<QJsonObject> prompts{
            comfy::buildWorkflow(animateDiff(48), {}).prompt,
            comfy::buildWorkflow(animateDiff(48), legacy).prompt,
            comfy::buildWorkflow(svd(QStringLiteral("svd.safetensors"), 14), webp).prompt};
    for (const QJsonObject &p : prompts) {
        for (auto it = p.begin(); it != p.end(); ++it) {
            const QString title
                    = it->toObject().value(u"_meta").toObject().value(u"title").toString();
            QVERIFY2(!title.isEmpty(), qPrintable(it.key()));
        }
    }
}

void TestWorkflowBuilder::webpQualityMapping()
{
    QCOMPARE(comfy::webpQualityForCrf(0), 100);
    QCOMPARE(comfy::webpQualityForCrf(19), 85);
    QCOMPARE(comfy::webpQualityForCrf(51), 10);
    QCOMPARE(comfy::webpQualityForCrf(100), 10);
    QCOMPARE(comfy::webpQualityForCrf(-3), 100);
    int previous = 101;
    for (int crf = 0; crf <= 51; ++crf) {
        const int q = comfy::webpQualityForCrf(crf);
        QVERIFY(q <= previous);
        previous = q;
    }
}

QTEST_GUILESS_MAIN(TestWorkflowBuilder)
#include "tst_workflowbuilder.moc"
