// Prompt-level validation (ComfyUI 0.3.64 validate_prompt): class types, outputs, bodies.
#include "validatortestutil.h"

#include <QTest>

using namespace comfyvideo::comfy;
using namespace comfyvideo::comfy::validatortest;

class TestWorkflowValidator : public QObject
{
    Q_OBJECT

private slots:
    void videoWorkflowsPass_data();
    void videoWorkflowsPass();
    void captureBodiesMatch();
    void unknownClass();
    void unknownClassNewPersona();
    void missingClassType();
    void noOutputs();
    void requiredInputMissingOnOutput();
    void linkToMissingNode();
    void partialFailure();
    void dependentOutputs();
    void v3CombosAreNotChecked();
    void legacyVideoHelperSuite();
    void cycleDoesNotHang();
    void describeLines();
};

void TestWorkflowValidator::videoWorkflowsPass_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("output");
    QTest::addRow("animatediff 16f") << u"workflow_animatediff_16f.json"_s << u"10"_s;
    QTest::addRow("animatediff 48f static") << u"workflow_animatediff_48f_static.json"_s << u"10"_s;
    QTest::addRow("svd-xt 25f") << u"workflow_svd_xt_25f.json"_s << u"7"_s;
}

void TestWorkflowValidator::videoWorkflowsPass()
{
    QFETCH(QString, file);
    QFETCH(QString, output);
    const QJsonObject prompt = readObject(fixtures(file));
    QVERIFY(!prompt.isEmpty());
    const WorkflowValidation v = validateWorkflow(prompt, captureCatalog());
    QVERIFY2(v.ok(), qPrintable(v.describe().join(u'\n')));
    QVERIFY(v.nodeErrors.isEmpty());
    QCOMPARE(v.goodOutputs, QStringList{output});
    QVERIFY(v.describe().isEmpty());
    QCOMPARE(v.toResponseBody(), QJsonObject({{u"node_errors"_s, QJsonObject{}}}));
    QCOMPARE(v.coercedPrompt, prompt); // nothing needed coercion
}

void TestWorkflowValidator::captureBodiesMatch()
{
    // The requests behind prompt_400_*.json were recorded in ws_validation_error.jsonl.
    QList<QJsonObject> responses;
    for (const QByteArray &line : readFile(captures(u"ws_validation_error.jsonl"_s)).split('\n')) {
        const QJsonObject entry = QJsonDocument::fromJson(line).object();
        if (entry.value(u"dir") != u"http"_s || entry.value(u"status").toInt() != 400)
            continue;
        const QJsonObject prompt = entry.value(u"request").toObject().value(u"prompt").toObject();
        const QJsonObject expected = entry.value(u"response").toObject();
        const WorkflowValidation v = validateWorkflow(prompt, captureCatalog());
        QVERIFY(!v.ok());
        QCOMPARE(v.toResponseBody(), expected);
        responses << expected;
    }
    QCOMPARE(responses.size(), 3);
    for (const QString &name : {u"prompt_400_missing_input_and_range.json"_s,
                                u"prompt_400_missing_model.json"_s,
                                u"prompt_400_no_outputs.json"_s}) {
        const QJsonObject body = readObject(captures(name)).value(u"body").toObject();
        QVERIFY2(responses.contains(body), qPrintable(name));
    }
}

void TestWorkflowValidator::unknownClass()
{
    const QJsonObject prompt = animateDiff();
    QJsonObject node = prompt.value(u"10").toObject();
    node.insert(u"class_type"_s, u"VHS_Nope"_s);
    QJsonObject broken = prompt;
    broken.insert(u"10"_s, node);
    const WorkflowValidation v = validateWorkflow(broken, captureCatalog());
    QVERIFY(!v.ok());
    QCOMPARE(v.toResponseBody(),
             json(R"({"error": {"type": "invalid_prompt",
                      "message": "Cannot execute because node VHS_Nope does not exist.",
                      "details": "Node ID '#10'", "extra_info": {}}, "node_errors": {}})")
                     .toObject());
}

void TestWorkflowValidator::unknownClassNewPersona()
{
    QJsonObject prompt = animateDiff();
    QJsonObject node = prompt.value(u"10").toObject();
    node.insert(u"class_type"_s, u"VHS_Nope"_s);
    node.insert(u"_meta"_s, QJsonObject{{u"title"_s, u"Video Combine 🎥🅥🅗🅢"_s}});
    prompt.insert(u"10"_s, node);
    ValidationOptions options;
    options.newMissingNodeType = true;
    WorkflowValidation v = validateWorkflow(prompt, captureCatalog(), options);
    QCOMPARE(v.error->toJson(),
             json(R"({"type": "missing_node_type",
                      "message": "Node 'Video Combine 🎥🅥🅗🅢' not found. The custom node may not be installed.",
                      "details": "Node ID '#10'",
                      "extra_info": {"node_id": "10", "class_type": "VHS_Nope",
                                     "node_title": "Video Combine 🎥🅥🅗🅢"}})")
                     .toObject());
    node.remove(u"_meta"_s);
    prompt.insert(u"10"_s, node);
    v = validateWorkflow(prompt, captureCatalog(), options);
    QCOMPARE(v.error->message,
             u"Node 'VHS_Nope' not found. The custom node may not be installed."_s);
    QCOMPARE(v.error->extraInfo.value(u"node_title").toString(), u"VHS_Nope"_s);
}

void TestWorkflowValidator::missingClassType()
{
    QJsonObject prompt = animateDiff();
    prompt.insert(u"5"_s, QJsonObject{{u"inputs"_s, QJsonObject{}}});
    WorkflowValidation v = validateWorkflow(prompt, captureCatalog());
    QCOMPARE(v.error->type, u"invalid_prompt"_s);
    QCOMPARE(v.error->message,
             u"Cannot execute because a node is missing the class_type property."_s);
    QCOMPARE(v.error->details, u"Node ID '#5'"_s);
    QVERIFY(v.nodeErrors.isEmpty());

    ValidationOptions options;
    options.newMissingNodeType = true;
    v = validateWorkflow(prompt, captureCatalog(), options);
    QCOMPARE(v.error->toJson(),
             json(R"({"type": "missing_node_type",
                      "message": "Node 'ID #5' has no class_type. The workflow may be corrupted or a custom node is missing.",
                      "details": "Node ID '#5'",
                      "extra_info": {"node_id": "5", "class_type": null, "node_title": null}})")
                     .toObject());
}

void TestWorkflowValidator::noOutputs()
{
    const QJsonObject prompt
            = json(R"({"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}}})")
                      .toObject();
    const WorkflowValidation v = validateWorkflow(prompt, captureCatalog());
    QVERIFY(!v.ok());
    QCOMPARE(v.toResponseBody(),
             readObject(captures(u"prompt_400_no_outputs.json"_s)).value(u"body").toObject());
}

void TestWorkflowValidator::requiredInputMissingOnOutput()
{
    const WorkflowValidation v = validateWorkflow(
            withInput(animateDiff(), u"10"_s, u"images"_s, QJsonValue::Undefined),
            captureCatalog());
    QVERIFY(!v.ok());
    // The output's own reasons make the top-level details (upstream ones do not).
    QCOMPARE(v.error->details, u"Required input is missing: images"_s);
    QCOMPARE(onlyReason(v, u"10"_s).toJson(),
             json(R"({"type": "required_input_missing", "message": "Required input is missing",
                      "details": "images", "extra_info": {"input_name": "images"}})")
                     .toObject());
    QCOMPARE(v.nodeErrors.value(u"10"_s).dependentOutputs, QStringList{u"10"_s});
    QCOMPARE(v.nodeErrors.value(u"10"_s).classType, u"VHS_VideoCombine"_s);
}

void TestWorkflowValidator::linkToMissingNode()
{
    const WorkflowValidation v = validateWorkflow(
            withInput(animateDiff(), u"10"_s, u"images"_s, link(u"99"_s, 0)), captureCatalog());
    QCOMPARE(onlyReason(v, u"10"_s).toJson(),
             json(R"({"type": "exception_during_validation",
                      "message": "Exception when validating node", "details": "'99'",
                      "extra_info": {"exception_type": "KeyError", "traceback": []}})")
                     .toObject());
    QCOMPARE(v.error->details, u"Exception when validating node: '99'"_s);
}

void TestWorkflowValidator::partialFailure()
{
    QJsonObject prompt = withInput(animateDiff(), u"10"_s, u"format"_s, u"video/nope"_s);
    prompt.insert(u"20"_s, json(R"({"class_type": "SaveImage", "inputs": {"images": ["9", 0],
                           "filename_prefix": "frames"}})"));
    const WorkflowValidation v = validateWorkflow(prompt, captureCatalog());
    QVERIFY(v.ok());
    QCOMPARE(v.goodOutputs, QStringList{u"20"_s});
    QCOMPARE(onlyReason(v, u"10"_s).type, u"value_not_in_list"_s);
    QCOMPARE(v.nodeErrors.value(u"10"_s).dependentOutputs, QStringList{u"10"_s});
    QVERIFY(!v.toResponseBody().contains(u"error"));
}

void TestWorkflowValidator::dependentOutputs()
{
    QJsonObject prompt = withInput(animateDiff(), u"8"_s, u"steps"_s, 0);
    prompt.insert(u"20"_s, json(R"({"class_type": "SaveImage", "inputs": {"images": ["9", 0],
                           "filename_prefix": "frames"}})"));
    const WorkflowValidation v = validateWorkflow(prompt, captureCatalog());
    QVERIFY(!v.ok());
    QCOMPARE(v.error->type, u"prompt_outputs_failed_validation"_s);
    QCOMPARE(v.error->details, QString());
    QCOMPARE(v.nodeErrors.value(u"8"_s).dependentOutputs, QStringList({u"10"_s, u"20"_s}));
    QVERIFY(v.goodOutputs.isEmpty());
}

void TestWorkflowValidator::v3CombosAreNotChecked()
{
    const auto catalog = NodeCatalog::fromJson(readFile(fixtures(u"object_info_v3_combos.json"_s)));
    QVERIFY(catalog);
    const QJsonObject prompt = json(R"({
        "1": {"class_type": "LoadImageOutput", "inputs": {"image": "x.png [output]"}},
        "2": {"class_type": "CreateVideo", "inputs": {"images": ["1", 0], "fps": 8}},
        "3": {"class_type": "SaveVideo", "inputs": {"video": ["2", 0], "filename_prefix": "v",
                                                     "format": "webm", "codec": "vp9"}}})")
                                       .toObject();
    const WorkflowValidation v = validateWorkflow(prompt, *catalog);
    QVERIFY2(v.ok() && v.nodeErrors.isEmpty(), qPrintable(v.describe().join(u'\n')));
    QCOMPARE(v.coercedPrompt[u"2"][u"inputs"][u"fps"], QJsonValue(8.0));
}

void TestWorkflowValidator::legacyVideoHelperSuite()
{
    const auto catalog
            = NodeCatalog::fromJson(readFile(fixtures(u"object_info_legacy_2024.json"_s)));
    QVERIFY(catalog);
    QJsonObject prompt = animateDiff();
    prompt.remove(u"2"_s);
    prompt.remove(u"3"_s);
    prompt.insert(u"4"_s, json(R"J({"class_type": "ADE_AnimateDiffLoaderWithContext", "inputs": {
                           "model": ["1", 0], "model_name": "mm_sd_v15_v2.ckpt",
                           "beta_schedule": "sqrt_linear (AnimateDiff)", "motion_scale": 1.0,
                           "apply_v2_models_properly": true}})J"));
    prompt = withInput(prompt, u"8"_s, u"scheduler"_s, u"karras"_s);
    // Old VHS: VALIDATE_INPUTS(format, **kwargs) turns every check of the node off.
    prompt = withInput(prompt, u"10"_s, u"loop_count"_s, 500);
    WorkflowValidation v = validateWorkflow(prompt, *catalog);
    QVERIFY2(v.ok() && v.nodeErrors.isEmpty(), qPrintable(v.describe().join(u'\n')));

    // Old VHS_LoadVideo validated with **kwargs too: a missing file fails every input.
    prompt.insert(u"30"_s, json(R"({"class_type": "VHS_LoadVideo", "inputs": {"video": "gone.mp4",
                           "force_rate": 0, "force_size": "Disabled", "custom_width": 512,
                           "custom_height": 512, "frame_load_cap": 0, "skip_first_frames": 0,
                           "select_every_nth": 1}})"));
    prompt = withInput(prompt, u"10"_s, u"images"_s, link(u"30"_s, 0));
    ValidationOptions options;
    options.inputFileExists = [](const QString &, const QString &, const QString &) {
        return false;
    };
    v = validateWorkflow(prompt, *catalog, options);
    QVERIFY(!v.ok());
    const QList<ValidationError> errors = v.nodeErrors.value(u"30"_s).errors;
    QCOMPARE(errors.size(), 9); // 8 inputs + hidden unique_id
    for (const ValidationError &e : errors) {
        QCOMPARE(e.type, u"custom_validation_failed"_s);
        QVERIFY(e.details.endsWith(u" - Invalid video file: gone.mp4"_s));
    }
}

void TestWorkflowValidator::cycleDoesNotHang()
{
    QJsonObject prompt = withInput(svd(), u"4"_s, u"model"_s, link(u"12"_s, 0));
    prompt.insert(u"12"_s, json(R"({"class_type": "VideoLinearCFGGuidance",
                           "inputs": {"model": ["4", 0], "min_cfg": 1.0}})"));
    const WorkflowValidation v = validateWorkflow(prompt, captureCatalog());
    QVERIFY(!v.ok());
    QCOMPARE(v.error->type, u"prompt_outputs_failed_validation"_s);
    QVERIFY(v.nodeErrors.isEmpty()); // Python's recursion leaves no reasons behind
}

void TestWorkflowValidator::describeLines()
{
    QJsonObject prompt = withInput(animateDiff(), u"8"_s, u"steps"_s, 0);
    prompt = withInput(prompt, u"1"_s, u"ckpt_name"_s, u"gone.safetensors"_s);
    const WorkflowValidation v = validateWorkflow(prompt, captureCatalog());
    QCOMPARE(v.describe(),
             QStringList({u"CheckpointLoaderSimple #1: Value not in list: ckpt_name: "
                          u"'gone.safetensors' not in ['svd_xt.safetensors', "
                          u"'v1-5-pruned-emaonly.safetensors']"_s,
                          u"KSampler #8: steps: Value 0 smaller than min of 1"_s}));
    const WorkflowValidation none = validateWorkflow(QJsonObject{}, captureCatalog());
    QCOMPARE(none.describe(), QStringList{u"Prompt has no outputs"_s});
}

QTEST_GUILESS_MAIN(TestWorkflowValidator)
#include "tst_workflowvalidator.moc"
