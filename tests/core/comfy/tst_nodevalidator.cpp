// Input-level validation (ComfyUI 0.3.64 validate_inputs), driven through validateWorkflow().
#include "validatortestutil.h"

#include <QTest>

using namespace comfyvideo::comfy;
using namespace comfyvideo::comfy::validatortest;

class TestNodeValidator : public QObject
{
    Q_OBJECT

private slots:
    void badLinkedInput();
    void returnTypeMismatch();
    void linkFailuresUpstream_data();
    void linkFailuresUpstream();
    void invalidInputType_data();
    void invalidInputType();
    void coercion_data();
    void coercion();
    void ranges_data();
    void ranges();
    void boundTexts();
    void valueNotInList();
    void valueNotInLongList();
    void loadImageFileValidation();
    void loadImageWithoutImage();
    void unionAndComboLinkTypes();
    void videoCombineTakesLatent();
};

void TestNodeValidator::badLinkedInput()
{
    const WorkflowValidation v = validateWorkflow(
            withInput(animateDiff(), u"9"_s, u"vae"_s, json(R"(["1", 2, 0])")), captureCatalog());
    const ValidationError e = onlyReason(v, u"9"_s);
    QCOMPARE(e.type, u"bad_linked_input"_s);
    QCOMPARE(e.message, u"Bad linked input, must be a length-2 list of [node_id, slot_index]"_s);
    QCOMPARE(e.details, u"vae"_s);
    QCOMPARE(e.extraInfo.value(u"received_value"), json(R"(["1", 2, 0])"));
    QCOMPARE(v.error->details, QString());
}

void TestNodeValidator::returnTypeMismatch()
{
    const WorkflowValidation v = validateWorkflow(
            withInput(animateDiff(), u"8"_s, u"model"_s, link(u"1"_s, 1)), captureCatalog());
    QCOMPARE(onlyReason(v, u"8"_s).toJson(),
             json(R"J({"type": "return_type_mismatch",
                      "message": "Return type mismatch between linked nodes",
                      "details": "model, received_type(CLIP) mismatch input_type(MODEL)",
                      "extra_info": {"input_name": "model",
                                     "input_config": ["MODEL", {"tooltip": "The model used for denoising the input latent."}],
                                     "received_type": "CLIP", "linked_node": ["1", 1]}})J")
                     .toObject());
}

void TestNodeValidator::linkFailuresUpstream_data()
{
    QTest::addColumn<QJsonValue>("latent");
    QTest::addColumn<QString>("exceptionType");
    QTest::addColumn<QString>("details");
    QTest::addRow("missing node") << QJsonValue(link(u"99"_s, 0)) << u"KeyError"_s << u"'99'"_s;
    QTest::addRow("slot out of range")
            << QJsonValue(link(u"7"_s, 3)) << u"IndexError"_s << u"tuple index out of range"_s;
    QTest::addRow("string slot") << json(R"(["7", "0"])") << u"TypeError"_s
                                 << u"tuple indices must be integers or slices, not str"_s;
    QTest::addRow("numeric id") << json(R"([7, 0])") << u"KeyError"_s << u"7"_s;
}

void TestNodeValidator::linkFailuresUpstream()
{
    QFETCH(QJsonValue, latent);
    QFETCH(QString, exceptionType);
    QFETCH(QString, details);
    // KSampler #8 raises; its caller VAEDecode #9 records the reason on #8.
    const WorkflowValidation v = validateWorkflow(
            withInput(animateDiff(), u"8"_s, u"latent_image"_s, latent), captureCatalog());
    const ValidationError e = onlyReason(v, u"8"_s);
    QCOMPARE(e.type, u"exception_during_inner_validation"_s);
    QCOMPARE(e.message, u"Exception when validating inner node"_s);
    QCOMPARE(e.details, details);
    QCOMPARE(e.extraInfo.value(u"exception_type").toString(), exceptionType);
    QCOMPARE(e.extraInfo.value(u"exception_message").toString(), details);
    QCOMPARE(e.extraInfo.value(u"input_name").toString(), u"samples"_s);
    QCOMPARE(e.extraInfo.value(u"linked_node"), QJsonValue(link(u"8"_s, 0)));
    QCOMPARE(e.extraInfo.value(u"input_config"),
             json(R"(["LATENT", {"tooltip": "The latent to be decoded."}])"));
    QCOMPARE(v.error->details, QString());
}

void TestNodeValidator::invalidInputType_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("details");
    QTest::addRow("int text") << u"steps"_s << QJsonValue(u"abc"_s)
                              << u"Failed to convert an input value to a INT value"_s
                              << u"steps, abc, invalid literal for int() with base 10: 'abc'"_s;
    QTest::addRow("int decimal text")
            << u"steps"_s << QJsonValue(u"16.5"_s)
            << u"Failed to convert an input value to a INT value"_s
            << u"steps, 16.5, invalid literal for int() with base 10: '16.5'"_s;
    QTest::addRow("int null") << u"steps"_s << QJsonValue(QJsonValue::Null)
                              << u"Failed to convert an input value to a INT value"_s
                              << u"steps, None, int() argument must be a string, a bytes-like "
                                 u"object or a real number, not 'NoneType'"_s;
    QTest::addRow("float text") << u"cfg"_s << QJsonValue(u"high"_s)
                                << u"Failed to convert an input value to a FLOAT value"_s
                                << u"cfg, high, could not convert string to float: 'high'"_s;
    QTest::addRow("float dict") << u"cfg"_s << json(R"({"a": 1})")
                                << u"Failed to convert an input value to a FLOAT value"_s
                                << u"cfg, {'a': 1}, float() argument must be a string or a real "
                                   u"number, not 'dict'"_s;
}

void TestNodeValidator::invalidInputType()
{
    QFETCH(QString, input);
    QFETCH(QJsonValue, value);
    QFETCH(QString, message);
    QFETCH(QString, details);
    const WorkflowValidation v
            = validateWorkflow(withInput(animateDiff(), u"8"_s, input, value), captureCatalog());
    const ValidationError e = onlyReason(v, u"8"_s);
    QCOMPARE(e.type, u"invalid_input_type"_s);
    QCOMPARE(e.message, message);
    QCOMPARE(e.details, details);
    QCOMPARE(e.extraInfo.value(u"received_value"), value);
    QCOMPARE(e.extraInfo.value(u"input_name").toString(), input);
}

void TestNodeValidator::coercion_data()
{
    QTest::addColumn<QString>("node");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QJsonValue>("coerced");
    QTest::addRow("int from text") << u"8"_s << u"steps"_s << QJsonValue(u"16"_s) << QJsonValue(16);
    QTest::addRow("int padded") << u"8"_s << u"steps"_s << QJsonValue(u" 12 "_s) << QJsonValue(12);
    QTest::addRow("int truncates") << u"8"_s << u"steps"_s << QJsonValue(16.7) << QJsonValue(16);
    QTest::addRow("int from bool") << u"8"_s << u"steps"_s << QJsonValue(true) << QJsonValue(1);
    QTest::addRow("huge seed text") << u"8"_s << u"seed"_s << QJsonValue(u"18446744073709551615"_s)
                                    << QJsonValue(18446744073709551615.0);
    QTest::addRow("float from text")
            << u"8"_s << u"cfg"_s << QJsonValue(u"7.5"_s) << QJsonValue(7.5);
    QTest::addRow("float from int") << u"8"_s << u"cfg"_s << QJsonValue(7) << QJsonValue(7.0);
    QTest::addRow("string from number")
            << u"5"_s << u"text"_s << QJsonValue(5) << QJsonValue(u"5"_s);
    QTest::addRow("bool of text") << u"10"_s << u"pingpong"_s << QJsonValue(u"false"_s)
                                  << QJsonValue(true);
    QTest::addRow("bool of zero") << u"10"_s << u"save_output"_s << QJsonValue(0)
                                  << QJsonValue(false);
    QTest::addRow("wrapped") << u"8"_s << u"steps"_s << json(R"({"__value__": 20})")
                             << QJsonValue(20);
    QTest::addRow("wrapped combo") << u"8"_s << u"scheduler"_s << json(R"({"__value__": "karras"})")
                                   << QJsonValue(u"karras"_s);
}

void TestNodeValidator::coercion()
{
    QFETCH(QString, node);
    QFETCH(QString, input);
    QFETCH(QJsonValue, value);
    QFETCH(QJsonValue, coerced);
    const WorkflowValidation v
            = validateWorkflow(withInput(animateDiff(), node, input, value), captureCatalog());
    QVERIFY2(v.ok() && v.nodeErrors.isEmpty(), qPrintable(v.describe().join(u'\n')));
    const QJsonValue result = v.coercedPrompt.value(node)[u"inputs"][input];
    QCOMPARE(result, coerced);
    QCOMPARE(result.toVariant().typeId(), coerced.toVariant().typeId());
    // The other nodes are untouched.
    QCOMPARE(v.coercedPrompt.value(u"1"_s), animateDiff().value(u"1"_s));
}

void TestNodeValidator::ranges_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QJsonValue>("received");
    QTest::addRow("steps 0") << u"steps"_s << QJsonValue(0) << u"value_smaller_than_min"_s
                             << u"Value 0 smaller than min of 1"_s << QJsonValue(0);
    QTest::addRow("steps 0.5") << u"steps"_s << QJsonValue(0.5) << u"value_smaller_than_min"_s
                               << u"Value 0 smaller than min of 1"_s << QJsonValue(0);
    QTest::addRow("steps 20000") << u"steps"_s << QJsonValue(20000) << u"value_bigger_than_max"_s
                                 << u"Value 20000 bigger than max of 10000"_s << QJsonValue(20000);
    QTest::addRow("cfg 200") << u"cfg"_s << QJsonValue(200) << u"value_bigger_than_max"_s
                             << u"Value 200.0 bigger than max of 100.0"_s << QJsonValue(200.0);
    QTest::addRow("denoise 1.5") << u"denoise"_s << QJsonValue(1.5) << u"value_bigger_than_max"_s
                                 << u"Value 1.5 bigger than max of 1.0"_s << QJsonValue(1.5);
    QTest::addRow("cfg -1e-05") << u"cfg"_s << QJsonValue(-0.00001) << u"value_smaller_than_min"_s
                                << u"Value -1e-05 smaller than min of 0.0"_s
                                << QJsonValue(-0.00001);
    QTest::addRow("seed -1") << u"seed"_s << QJsonValue(-1) << u"value_smaller_than_min"_s
                             << u"Value -1 smaller than min of 0"_s << QJsonValue(-1);
    QTest::addRow("seed 2^64 text")
            << u"seed"_s << QJsonValue(u"18446744073709551617"_s) << u"value_bigger_than_max"_s
            << u"Value 18446744073709551617 bigger than max of 18446744073709551615"_s
            << QJsonValue(18446744073709551617.0);
}

void TestNodeValidator::ranges()
{
    QFETCH(QString, input);
    QFETCH(QJsonValue, value);
    QFETCH(QString, type);
    QFETCH(QString, message);
    QFETCH(QJsonValue, received);
    const WorkflowValidation v
            = validateWorkflow(withInput(animateDiff(), u"8"_s, input, value), captureCatalog());
    const ValidationError e = onlyReason(v, u"8"_s);
    QCOMPARE(e.type, type);
    QCOMPARE(e.message, message);
    QCOMPARE(e.details, input);
    QCOMPARE(e.extraInfo.value(u"input_name").toString(), input);
    QCOMPARE(e.extraInfo.value(u"received_value"), received);
    const QJsonObject spec = readObject(captures(u"object_info.json"_s));
    QCOMPARE(e.extraInfo.value(u"input_config"), spec[u"KSampler"][u"input"][u"required"][input]);
}

void TestNodeValidator::boundTexts()
{
    // VHS writes frame_rate's min as the int 1: Python prints "min of 1" after float(0).
    WorkflowValidation v = validateWorkflow(withInput(animateDiff(), u"10"_s, u"frame_rate"_s, 0),
                                            captureCatalog());
    QCOMPARE(onlyReason(v, u"10"_s).message, u"Value 0.0 smaller than min of 1"_s);
    QCOMPARE(v.error->details, u"Value 0.0 smaller than min of 1: frame_rate"_s);
    // A catalog built from a QJsonObject takes FLOAT bounds as floats.
    const NodeCatalog fromObject
            = NodeCatalog::fromObject(readObject(captures(u"object_info.json"_s)));
    v = validateWorkflow(withInput(animateDiff(), u"8"_s, u"cfg"_s, 200), fromObject);
    QCOMPARE(onlyReason(v, u"8"_s).message, u"Value 200.0 bigger than max of 100.0"_s);
}

void TestNodeValidator::valueNotInList()
{
    WorkflowValidation v = validateWorkflow(
            withInput(animateDiff(), u"8"_s, u"scheduler"_s, u"bogus"_s), captureCatalog());
    ValidationError e = onlyReason(v, u"8"_s);
    QCOMPARE(e.type, u"value_not_in_list"_s);
    QCOMPARE(e.message, u"Value not in list"_s);
    QCOMPARE(e.details,
             u"scheduler: 'bogus' not in ['simple', 'sgm_uniform', 'karras', 'exponential', "
             u"'ddim_uniform', 'beta', 'normal', 'linear_quadratic', 'kl_optimal']"_s);
    QVERIFY(e.extraInfo.value(u"input_config").isArray());
    QCOMPARE(e.extraInfo.value(u"received_value").toString(), u"bogus"_s);

    v = validateWorkflow(withInput(animateDiff(), u"2"_s, u"model_name"_s, u"it's.ckpt"_s),
                         captureCatalog());
    e = onlyReason(v, u"2"_s);
    QCOMPARE(e.details, u"model_name: 'it's.ckpt' not in ['mm_sd_v15_v2.ckpt']"_s);
    QCOMPARE(e.extraInfo.value(u"input_config"), json(R"([["mm_sd_v15_v2.ckpt"], {}])"));
    // Case matters.
    v = validateWorkflow(withInput(animateDiff(), u"8"_s, u"scheduler"_s, u"Normal"_s),
                         captureCatalog());
    QCOMPARE(onlyReason(v, u"8"_s).type, u"value_not_in_list"_s);
}

void TestNodeValidator::valueNotInLongList()
{
    const WorkflowValidation v = validateWorkflow(
            withInput(animateDiff(), u"8"_s, u"sampler_name"_s, u"bogus"_s), captureCatalog());
    const ValidationError e = onlyReason(v, u"8"_s);
    QCOMPARE(e.details, u"sampler_name: 'bogus' not in (list of length 42)"_s);
    QVERIFY(e.extraInfo.contains(u"input_config"));
    QVERIFY(e.extraInfo.value(u"input_config").isNull());
}

void TestNodeValidator::loadImageFileValidation()
{
    QStringList asked;
    ValidationOptions options;
    options.inputFileExists = [&](const QString &cls, const QString &input, const QString &value) {
        asked << cls + u'/' + input + u'/' + value;
        return false;
    };
    WorkflowValidation v = validateWorkflow(svd(), captureCatalog(), options);
    QCOMPARE(asked, QStringList{u"LoadImage/image/init_frame.png"_s});
    QCOMPARE(onlyReason(v, u"2"_s).toJson(),
             json(R"({"type": "custom_validation_failed",
                      "message": "Custom validation failed for node",
                      "details": "image - Invalid image file: init_frame.png",
                      "extra_info": {"input_name": "image"}})")
                     .toObject());
    QCOMPARE(v.nodeErrors.value(u"2"_s).dependentOutputs, QStringList{u"7"_s});
    // Not in the combo list, but LoadImage checks the file itself: fine when it exists.
    options.inputFileExists = [](const QString &, const QString &, const QString &) {
        return true;
    };
    v = validateWorkflow(withInput(svd(), u"2"_s, u"image"_s, u"sub/x.png [output]"_s),
                         captureCatalog(),
                         options);
    QVERIFY(v.ok());
    QVERIFY(v.nodeErrors.isEmpty());
}

void TestNodeValidator::loadImageWithoutImage()
{
    // VALIDATE_INPUTS(s, image) is then called without its argument: a TypeError that the
    // caller (SVD conditioning's init_image) records on the LoadImage node.
    const WorkflowValidation v = validateWorkflow(
            withInput(svd(), u"2"_s, u"image"_s, QJsonValue::Undefined), captureCatalog());
    const ValidationError e = onlyReason(v, u"2"_s);
    QCOMPARE(e.type, u"exception_during_inner_validation"_s);
    QCOMPARE(e.details,
             u"LoadImage.VALIDATE_INPUTS() missing 1 required positional argument: 'image'"_s);
    QCOMPARE(e.extraInfo.value(u"input_name").toString(), u"init_image"_s);
    QCOMPARE(e.extraInfo.value(u"exception_type").toString(), u"TypeError"_s);
}

void TestNodeValidator::unionAndComboLinkTypes()
{
    const NodeCatalog catalog = miniCatalog();
    auto sink = [](const QString &sourceClass,
                   const QString &sinkClass,
                   const QString &input,
                   int slot) {
        return QJsonObject{
                {u"1"_s, QJsonObject{{u"class_type"_s, sourceClass}, {u"inputs"_s, QJsonObject{}}}},
                {u"2"_s,
                 QJsonObject{{u"class_type"_s, sinkClass},
                             {u"inputs"_s, QJsonObject{{input, link(u"1"_s, slot)}}}}}};
    };
    QVERIFY(validateWorkflow(sink(u"MaskSource"_s, u"UnionSink"_s, u"pixels"_s, 0), catalog).ok());
    WorkflowValidation v
            = validateWorkflow(sink(u"LatentSource"_s, u"UnionSink"_s, u"pixels"_s, 0), catalog);
    QCOMPARE(onlyReason(v, u"2"_s).details,
             u"pixels, received_type(LATENT) mismatch input_type(IMAGE,MASK)"_s);
    // A combo output feeds a combo input only with the identical option list.
    QVERIFY(validateWorkflow(sink(u"Picker"_s, u"PickSink"_s, u"sampler_name"_s, 0), catalog).ok());
    v = validateWorkflow(sink(u"Picker"_s, u"PickSink"_s, u"sampler_name"_s, 1), catalog);
    const ValidationError e = onlyReason(v, u"2"_s);
    QCOMPARE(e.details,
             u"sampler_name, received_type(['normal', 'karras']) mismatch "
             u"input_type(['euler', 'dpmpp_2m'])"_s);
    QCOMPARE(e.extraInfo.value(u"received_type"), json(R"(["normal", "karras"])"));
}

void TestNodeValidator::videoCombineTakesLatent()
{
    // VHS declares images as an IMAGE that also accepts LATENT (with vae).
    const WorkflowValidation v = validateWorkflow(
            withInput(animateDiff(), u"10"_s, u"images"_s, link(u"8"_s, 0)), captureCatalog());
    QVERIFY(v.ok());
    QVERIFY(v.nodeErrors.isEmpty());
    // ... but not CONDITIONING.
    const WorkflowValidation bad = validateWorkflow(
            withInput(animateDiff(), u"10"_s, u"images"_s, link(u"5"_s, 0)), captureCatalog());
    QCOMPARE(onlyReason(bad, u"10"_s).type, u"return_type_mismatch"_s);
}

QTEST_GUILESS_MAIN(TestNodeValidator)
#include "tst_nodevalidator.moc"
