#include "comfy/nodecatalog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace comfyvideo::comfy;
using namespace Qt::StringLiterals;

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    return file.readAll();
}

NodeCatalog load(const QString &path)
{
    auto catalog = NodeCatalog::fromJson(readFile(path));
    if (!catalog)
        qFatal("cannot parse %s: %s", qPrintable(path), qPrintable(catalog.error()));
    return *catalog;
}

QString captures(const QString &name)
{
    return QStringLiteral(CV_CAPTURES_DIR "/") + name;
}

QString fixtures(const QString &name)
{
    return QStringLiteral(CV_TEST_DATA_DIR "/catalogs/") + name;
}

QStringList inputNames(const NodeSpec &node, InputSpec::Section section)
{
    QStringList names;
    for (const InputSpec &input : node.inputs) {
        if (input.section == section)
            names << input.name;
    }
    return names;
}

} // namespace

class TestNodeCatalog : public QObject
{
    Q_OBJECT

private slots:
    void captureCatalogAnswers();
    void captureInputsInOrder();
    void seedMaxBeyondInt64();
    void boundsAsPythonPrintsThem();
    void hiddenInputsAsStringOrArray();
    void validateInputsNodesAreMarked();
    void emptyAndRemoteCombos();
    void kSamplerOnlyDump();
    void legacyCatalog();
    void legacyVideoCombineFormats();
    void v3Combos();
    void numericCombosAndComboOutputs();
    void parseInputSpecShapes_data();
    void parseInputSpecShapes();
    void malformedJsonIsAnError_data();
    void malformedJsonIsAnError();
    void unknownLookupsAreEmpty();
};

void TestNodeCatalog::captureCatalogAnswers()
{
    const NodeCatalog catalog = load(captures(u"object_info.json"_s));
    QCOMPARE(catalog.nodeNames().size(), 391);
    QVERIFY(catalog.nodeNames().contains(u"KSampler"_s));
    QCOMPARE(catalog.models(u"checkpoints"_s),
             QStringList({u"svd_xt.safetensors"_s, u"v1-5-pruned-emaonly.safetensors"_s}));
    QCOMPARE(catalog.models(u"animatediff_models"_s), QStringList{u"mm_sd_v15_v2.ckpt"_s});
    QCOMPARE(catalog.models(u"vae"_s),
             QStringList({u"vae-ft-mse-840000-ema-pruned.safetensors"_s, u"pixel_space"_s}));
    QVERIFY(catalog.hasAnimateDiffGen2());
    QVERIFY(catalog.hasAnimateDiffLegacy());
    QVERIFY(catalog.hasVideoHelperSuite());
    QVERIFY(!catalog.hasOldVideoHelperSuite());
    QVERIFY(catalog.hasSvd());
    QVERIFY(catalog.hasNode(u"ADE_StandardStaticContextOptions"_s));
    QVERIFY(!catalog.hasNode(u"ADE_StandardUniformContextOptions"_s));

    const QStringList formats = catalog.videoCombineFormats();
    QCOMPARE(formats.size(), 14);
    QCOMPARE(formats.first(), u"image/gif"_s);
    QCOMPARE(formats.at(8), u"video/h264-mp4"_s);
    QCOMPARE(formats.last(), u"video/webm"_s);

    const NodeSpec *combine = catalog.node(u"VHS_VideoCombine"_s);
    QVERIFY(combine);
    QVERIFY(combine->outputNode);
    QCOMPARE(combine->outputTypes, QStringList{u"VHS_FILENAMES"_s});
    QCOMPARE(combine->outputNames, QStringList{u"Filenames"_s});
    QCOMPARE(combine->displayName, u"Video Combine 🎥🅥🅗🅢"_s);
    QCOMPARE(combine->input(u"images"_s)->acceptedTypes, QStringList({u"IMAGE"_s, u"LATENT"_s}));
}

void TestNodeCatalog::captureInputsInOrder()
{
    const NodeCatalog catalog = load(captures(u"object_info.json"_s));
    const NodeSpec *ksampler = catalog.node(u"KSampler"_s);
    QVERIFY(ksampler);
    QCOMPARE(inputNames(*ksampler, InputSpec::Section::Required),
             QStringList({u"model"_s,
                          u"seed"_s,
                          u"steps"_s,
                          u"cfg"_s,
                          u"sampler_name"_s,
                          u"scheduler"_s,
                          u"positive"_s,
                          u"negative"_s,
                          u"latent_image"_s,
                          u"denoise"_s}));
    const InputSpec *steps = ksampler->input(u"steps"_s);
    QCOMPARE(steps->type, u"INT"_s);
    QVERIFY(steps->isWidget());
    QCOMPARE(steps->min, 1.0);
    QCOMPARE(steps->max, 10000.0);
    QCOMPARE(steps->defaultValue.toInt(), 20);
    const InputSpec *cfg = ksampler->input(u"cfg"_s);
    QCOMPARE(cfg->type, u"FLOAT"_s);
    QCOMPARE(cfg->config.value(u"step").toDouble(), 0.1);
    const InputSpec *sampler = ksampler->input(u"sampler_name"_s);
    QVERIFY(sampler->isCombo);
    QVERIFY(!sampler->isV3Combo);
    QCOMPARE(sampler->type, u"COMBO"_s);
    QCOMPARE(sampler->options.size(), 42);
    QCOMPARE(sampler->options.first(), u"euler"_s);
    QCOMPARE(catalog.comboOptions(u"KSampler"_s, u"scheduler"_s).first(), u"simple"_s);
    const InputSpec *model = ksampler->input(u"model"_s);
    QCOMPARE(model->type, u"MODEL"_s);
    QVERIFY(!model->isWidget());
    QVERIFY(!model->min.has_value());

    const NodeSpec *useEvolved = catalog.node(u"ADE_UseEvolvedSampling"_s);
    QCOMPARE(inputNames(*useEvolved, InputSpec::Section::Optional),
             QStringList({u"m_models"_s, u"context_options"_s, u"sample_settings"_s}));
    QCOMPARE(useEvolved->input(u"beta_schedule"_s)->defaultValue.toString(), u"autoselect"_s);
}

void TestNodeCatalog::seedMaxBeyondInt64()
{
    const NodeCatalog catalog = load(captures(u"object_info.json"_s));
    const InputSpec *seed = catalog.node(u"KSampler"_s)->input(u"seed"_s);
    QVERIFY(seed->max.has_value());
    QVERIFY(*seed->max > 9.2e18); // beyond int64
    QCOMPARE(*seed->max, 18446744073709551616.0);
    QCOMPARE(*seed->min, 0.0);
    // The raw spec is kept for error bodies.
    QCOMPARE(seed->rawSpec.at(0).toString(), u"INT"_s);
    QVERIFY(seed->rawSpec.at(1).toObject().value(u"control_after_generate").toBool());
}

void TestNodeCatalog::boundsAsPythonPrintsThem()
{
    // QJsonDocument reads 100.0 as 100; the texts keep what the server wrote.
    const NodeCatalog catalog = load(captures(u"object_info.json"_s));
    const NodeSpec *ksampler = catalog.node(u"KSampler"_s);
    QCOMPARE(ksampler->input(u"steps"_s)->minText, u"1"_s);
    QCOMPARE(ksampler->input(u"steps"_s)->maxText, u"10000"_s);
    QCOMPARE(ksampler->input(u"cfg"_s)->minText, u"0.0"_s);
    QCOMPARE(ksampler->input(u"cfg"_s)->maxText, u"100.0"_s);
    QCOMPARE(ksampler->input(u"seed"_s)->maxText, u"18446744073709551615"_s);
    const InputSpec *frameRate = catalog.node(u"VHS_VideoCombine"_s)->input(u"frame_rate"_s);
    QCOMPARE(frameRate->minText, u"1"_s);
    QVERIFY(frameRate->maxText.isEmpty());
    const InputSpec *fps = catalog.node(u"SaveAnimatedWEBP"_s)->input(u"fps"_s);
    QCOMPARE(fps->minText, u"0.01"_s);
    QCOMPARE(fps->maxText, u"1000.0"_s);
    // fromObject() cannot see the text: FLOAT bounds are then taken as floats.
    const QJsonObject raw
            = QJsonDocument::fromJson(readFile(captures(u"object_info.json"_s))).object();
    const NodeCatalog fromObject = NodeCatalog::fromObject(raw);
    QCOMPARE(fromObject.node(u"KSampler"_s)->input(u"cfg"_s)->maxText, u"100.0"_s);
    QCOMPARE(fromObject.node(u"KSampler"_s)->input(u"steps"_s)->maxText, u"10000"_s);
    QCOMPARE(fromObject.node(u"VHS_VideoCombine"_s)->input(u"frame_rate"_s)->minText, u"1.0"_s);
}

void TestNodeCatalog::hiddenInputsAsStringOrArray()
{
    const NodeCatalog catalog = load(captures(u"object_info.json"_s));
    const NodeSpec *loader = catalog.node(u"ADE_LoadAnimateDiffModel"_s);
    const InputSpec *autosize = loader->input(u"autosize"_s);
    QVERIFY(autosize);
    QCOMPARE(autosize->section, InputSpec::Section::Hidden);
    QCOMPARE(autosize->type, u"ADEAUTOSIZE"_s);
    QCOMPARE(autosize->config.value(u"padding").toInt(), 50);
    const NodeSpec *combine = catalog.node(u"VHS_VideoCombine"_s);
    QCOMPARE(inputNames(*combine, InputSpec::Section::Hidden),
             QStringList({u"prompt"_s, u"extra_pnginfo"_s, u"unique_id"_s}));
    QCOMPARE(combine->input(u"unique_id"_s)->type, u"UNIQUE_ID"_s);
    QVERIFY(!combine->input(u"unique_id"_s)->isWidget());
}

void TestNodeCatalog::validateInputsNodesAreMarked()
{
    const NodeCatalog catalog = load(captures(u"object_info.json"_s));
    const NodeSpec *loadImage = catalog.node(u"LoadImage"_s);
    QVERIFY(loadImage->validatesInputsItself);
    QCOMPARE(loadImage->validateInputs.args, QStringList{u"image"_s});
    QVERIFY(!loadImage->validateInputs.kwargs);
    QCOMPARE(loadImage->validateInputs.fileError, u"Invalid image file: "_s);
    const NodeSpec *loadVideo = catalog.node(u"VHS_LoadVideo"_s);
    QVERIFY(loadVideo->validatesInputsItself);
    QCOMPARE(loadVideo->validateInputs.args, QStringList{u"video"_s});
    QVERIFY(!loadVideo->validateInputs.kwargs); // VHS 2025-03 and later
    QCOMPARE(loadVideo->outputAcceptedTypes.value(0), QStringList({u"IMAGE"_s, u"LATENT"_s}));
    // Current VHS_VideoCombine has no VALIDATE_INPUTS any more.
    QVERIFY(!catalog.node(u"VHS_VideoCombine"_s)->validatesInputsItself);
    QVERIFY(!catalog.node(u"KSampler"_s)->validatesInputsItself);
}

void TestNodeCatalog::emptyAndRemoteCombos()
{
    const NodeCatalog catalog = load(captures(u"object_info.json"_s));
    const InputSpec *video = catalog.node(u"VHS_LoadVideo"_s)->input(u"video"_s);
    QVERIFY(video->isCombo);
    QVERIFY(video->options.isEmpty());
    QVERIFY(catalog.comboOptions(u"LoraLoader"_s, u"lora_name"_s).isEmpty());
    const InputSpec *output = catalog.node(u"LoadImageOutput"_s)->input(u"image"_s);
    QVERIFY(output->isCombo);
    QVERIFY(output->isV3Combo);
    QVERIFY(output->isRemoteCombo);
    QVERIFY(output->options.isEmpty());
}

void TestNodeCatalog::kSamplerOnlyDump()
{
    const NodeCatalog catalog = load(captures(u"object_info_KSampler.json"_s));
    QCOMPARE(catalog.nodeNames(), QStringList{u"KSampler"_s});
    QVERIFY(!catalog.hasVideoHelperSuite());
    QVERIFY(catalog.models(u"checkpoints"_s).isEmpty());
    QCOMPARE(catalog.comboOptions(u"KSampler"_s, u"sampler_name"_s).size(), 42);
}

void TestNodeCatalog::legacyCatalog()
{
    const NodeCatalog catalog = load(fixtures(u"object_info_legacy_2024.json"_s));
    QVERIFY(!catalog.hasAnimateDiffGen2());
    QVERIFY(catalog.hasAnimateDiffLegacy());
    QVERIFY(catalog.hasSvd());
    QCOMPARE(catalog.models(u"animatediff_models"_s),
             QStringList({u"mm_sd_v15_v2.ckpt"_s, u"v3_sd15_mm.ckpt"_s}));
    QCOMPARE(catalog.models(u"checkpoints"_s).size(), 3);
    // No input_order: every input is still there, in its section.
    const NodeSpec *ksampler = catalog.node(u"KSampler"_s);
    QCOMPARE(inputNames(*ksampler, InputSpec::Section::Required).size(), 10);
    QCOMPARE(catalog.comboOptions(u"KSampler"_s, u"scheduler"_s).first(), u"normal"_s);
    // The float form of the seed max found in some dumps.
    QCOMPARE(*ksampler->input(u"seed"_s)->max, 18446744073709551616.0);
    const NodeSpec *legacy = catalog.node(u"ADE_AnimateDiffLoaderWithContext"_s);
    QCOMPARE(inputNames(*legacy, InputSpec::Section::Optional).size(), 7);
    QVERIFY(!legacy->input(u"motion_scale"_s)->max.has_value());
}

void TestNodeCatalog::legacyVideoCombineFormats()
{
    const NodeCatalog catalog = load(fixtures(u"object_info_legacy_2024.json"_s));
    QVERIFY(catalog.hasOldVideoHelperSuite());
    QCOMPARE(catalog.videoCombineFormats(),
             QStringList({u"image/gif"_s,
                          u"image/webp"_s,
                          u"video/h264-mp4"_s,
                          u"video/h265-mp4"_s,
                          u"video/webm"_s,
                          u"video/ProRes"_s}));
    const NodeSpec *combine = catalog.node(u"VHS_VideoCombine"_s);
    QVERIFY(combine->validatesInputsItself);
    QVERIFY(combine->validateInputs.kwargs);
    QCOMPARE(combine->validateInputs.args, QStringList{u"format"_s});
    QVERIFY(catalog.node(u"VHS_LoadVideo"_s)->validateInputs.kwargs);
    // A raw entry still holds the embedded widget specs.
    const QJsonArray raw = combine->input(u"format"_s)->rawSpec.at(0).toArray();
    QVERIFY(raw.at(2).isArray());
    QCOMPARE(raw.at(2).toArray().at(0).toString(), u"video/h264-mp4"_s);
}

void TestNodeCatalog::v3Combos()
{
    const NodeCatalog catalog = load(fixtures(u"object_info_v3_combos.json"_s));
    const InputSpec *format = catalog.node(u"SaveVideo"_s)->input(u"format"_s);
    QVERIFY(format->isCombo);
    QVERIFY(format->isV3Combo);
    QVERIFY(!format->isRemoteCombo);
    QCOMPARE(format->type, u"COMBO"_s);
    QCOMPARE(format->options, QStringList({u"auto"_s, u"mp4"_s}));
    QCOMPARE(format->defaultValue.toString(), u"auto"_s);
    const InputSpec *remote = catalog.node(u"LoadImageOutput"_s)->input(u"image"_s);
    QVERIFY(remote->isRemoteCombo);
    QVERIFY(remote->options.isEmpty());
    QVERIFY(remote->defaultValue.isUndefined());
    QVERIFY(catalog.node(u"SaveVideo"_s)->outputNode);
    QVERIFY(catalog.node(u"SaveVideo"_s)->outputTypes.isEmpty());
}

void TestNodeCatalog::numericCombosAndComboOutputs()
{
    const NodeCatalog catalog = load(fixtures(u"object_info_v3_combos.json"_s));
    const NodeSpec *numeric = catalog.node(u"NumericCombo"_s);
    const InputSpec *frames = numeric->input(u"frames"_s);
    QVERIFY(frames->isCombo);
    QVERIFY(!frames->optionsAreStrings);
    QCOMPARE(frames->options, QStringList({u"8"_s, u"16"_s, u"24"_s, u"32"_s}));
    QCOMPARE(frames->defaultValue.toInt(), 16);
    QCOMPARE(numeric->input(u"scale"_s)->options, QStringList({u"0.5"_s, u"1"_s, u"1.5"_s}));
    const InputSpec *nothing = numeric->input(u"nothing"_s);
    QVERIFY(nothing->isCombo);
    QVERIFY(nothing->options.isEmpty());
    QVERIFY(nothing->optionsAreStrings);

    const NodeSpec *picker = catalog.node(u"SamplerPicker"_s);
    QCOMPARE(picker->outputTypes, QStringList({u"COMBO"_s, u"COMBO"_s}));
    QCOMPARE(picker->outputComboOptions.at(0), QStringList({u"euler"_s, u"dpmpp_2m"_s}));
    QCOMPARE(picker->outputComboOptions.at(1), QStringList({u"normal"_s, u"karras"_s}));
    QCOMPARE(picker->input(u"autosize"_s)->type, u"ADEAUTOSIZE"_s);
    QCOMPARE(catalog.node(u"CreateVideo"_s)->outputComboOptions, QList<QStringList>{{}});
}

void TestNodeCatalog::parseInputSpecShapes_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("combo");
    QTest::addColumn<QStringList>("options");
    QTest::addRow("link") << QByteArray(R"(["MODEL"])") << u"MODEL"_s << false << QStringList{};
    QTest::addRow("union") << QByteArray(R"(["IMAGE,MASK", {}])") << u"IMAGE,MASK"_s << false
                           << QStringList{};
    QTest::addRow("legacy") << QByteArray(R"([["a", "b"], {"default": "b"}])") << u"COMBO"_s << true
                            << QStringList{u"a"_s, u"b"_s};
    QTest::addRow("v3") << QByteArray(R"(["COMBO", {"options": ["x"]}])") << u"COMBO"_s << true
                        << QStringList{u"x"_s};
    QTest::addRow("v3 no options")
            << QByteArray(R"(["COMBO"])") << u"COMBO"_s << true << QStringList{};
    QTest::addRow("old vhs") << QByteArray(R"([["image/gif", ["video/webm", [["crf", "INT"]]]]])")
                             << u"COMBO"_s << true << QStringList{u"image/gif"_s, u"video/webm"_s};
    QTest::addRow("empty") << QByteArray(R"([[]])") << u"COMBO"_s << true << QStringList{};
    QTest::addRow("hidden") << QByteArray(R"("PROMPT")") << u"PROMPT"_s << false << QStringList{};
}

void TestNodeCatalog::parseInputSpecShapes()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, type);
    QFETCH(bool, combo);
    QFETCH(QStringList, options);
    const QJsonValue spec = QJsonDocument::fromJson("[" + json + "]").array().at(0);
    const InputSpec input = parseInputSpec(u"x"_s, InputSpec::Section::Optional, spec);
    QCOMPARE(input.name, u"x"_s);
    QCOMPARE(input.section, InputSpec::Section::Optional);
    QCOMPARE(input.type, type);
    QCOMPARE(input.isCombo, combo);
    QCOMPARE(input.options, options);
}

void TestNodeCatalog::malformedJsonIsAnError_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addRow("truncated") << QByteArray(R"({"KSampler": {"input": )");
    QTest::addRow("array") << QByteArray(R"([1, 2])");
    QTest::addRow("empty") << QByteArray();
    QTest::addRow("html") << QByteArray("<html>502 Bad Gateway</html>");
}

void TestNodeCatalog::malformedJsonIsAnError()
{
    QFETCH(QByteArray, json);
    const auto catalog = NodeCatalog::fromJson(json);
    QVERIFY(!catalog.has_value());
    QVERIFY(!catalog.error().isEmpty());
}

void TestNodeCatalog::unknownLookupsAreEmpty()
{
    const auto catalog = NodeCatalog::fromJson("{}");
    QVERIFY(catalog.has_value());
    QVERIFY(catalog->isEmpty());
    QVERIFY(catalog->models(u"checkpoints"_s).isEmpty());
    QVERIFY(catalog->videoCombineFormats().isEmpty());
    QVERIFY(!catalog->hasSvd());
    const NodeCatalog capture = load(captures(u"object_info.json"_s));
    QVERIFY(capture.models(u"no_such_folder"_s).isEmpty());
    QVERIFY(capture.comboOptions(u"KSampler"_s, u"no_such_input"_s).isEmpty());
    QVERIFY(capture.comboOptions(u"NoSuchNode"_s, u"x"_s).isEmpty());
    QCOMPARE(capture.node(u"NoSuchNode"_s), nullptr);
}

QTEST_GUILESS_MAIN(TestNodeCatalog)
#include "tst_nodecatalog.moc"
