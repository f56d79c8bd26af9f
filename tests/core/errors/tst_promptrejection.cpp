// classifyPromptRejection: every POST /prompt refusal of every server generation, and hostile
// bodies.

#include "capturefile.h"

#include "errors/classification.h"

#include <QJsonDocument>
#include <QTest>

using namespace comfyvideo::errors;
using namespace comfyvideo::errors::test;
using namespace Qt::StringLiterals;

namespace {

// A capture file {"http_status": n, "body": {...}} classified.
Error classifyCapture(const QString &name)
{
    const QJsonObject capture = captureObject(name);
    return classifyPromptRejection(capture.value(u"http_status"_s).toInt(),
                                   QJsonDocument(capture.value(u"body"_s).toObject()).toJson());
}

QByteArray
validationBody(const QString &nodeId, const QString &classType, const QJsonObject &reason)
{
    QJsonObject node{{u"errors"_s, QJsonArray{reason}},
                     {u"dependent_outputs"_s, QJsonArray{u"10"_s}},
                     {u"class_type"_s, classType}};
    QJsonObject body{{u"error"_s,
                      QJsonObject{{u"type"_s, u"prompt_outputs_failed_validation"_s},
                                  {u"message"_s, u"Prompt outputs failed validation"_s},
                                  {u"details"_s, u""_s},
                                  {u"extra_info"_s, QJsonObject{}}}},
                     {u"node_errors"_s, QJsonObject{{nodeId, node}}}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QJsonObject reason(const QString &type,
                   const QString &message,
                   const QString &details,
                   const QJsonObject &extra = {})
{
    return QJsonObject{{u"type"_s, type},
                       {u"message"_s, message},
                       {u"details"_s, details},
                       {u"extra_info"_s, extra}};
}

QByteArray earlyExit(const QString &type,
                     const QString &message,
                     const QString &details,
                     const QJsonObject &extra = {})
{
    return QJsonDocument(QJsonObject{{u"error"_s, reason(type, message, details, extra)},
                                     {u"node_errors"_s, QJsonObject{}}})
            .toJson(QJsonDocument::Compact);
}

} // namespace

class TestPromptRejection : public QObject
{
    Q_OBJECT

private slots:
    void captureMissingModel()
    {
        const Error error = classifyCapture(u"prompt_400_missing_model.json"_s);
        QCOMPARE(error.kind, ErrorKind::ModelNotFound);
        QCOMPARE(error.httpStatus, 400);
        QCOMPARE(error.nodeId, u"1"_s);
        QCOMPARE(error.nodeType, u"CheckpointLoaderSimple"_s);
        QCOMPARE(error.inputName, u"ckpt_name"_s);
        QCOMPARE(error.missingName, u"missing_model.safetensors"_s);
        QCOMPARE(error.alternatives,
                 QStringList({u"svd_xt.safetensors"_s, u"v1-5-pruned-emaonly.safetensors"_s}));
        QVERIFY(!error.retryable);
        QVERIFY(error.fallbackAllowed);
        QVERIFY(error.actions.testFlag(Action::InstallModel));
        QVERIFY(error.userMessage.contains(u"missing_model.safetensors"_s));
        QVERIFY(error.tips.join(u' ').contains(u"svd_xt.safetensors"_s));
        QVERIFY(error.technicalDetail.contains(u"value_not_in_list"_s));
    }

    void captureMissingInputAndRange()
    {
        const Error error = classifyCapture(u"prompt_400_missing_input_and_range.json"_s);
        QCOMPARE(error.kind, ErrorKind::InvalidParams);
        QVERIFY(!error.retryable);
        QVERIFY(!error.fallbackAllowed);
        QVERIFY(!error.actions.testFlag(Action::UseFallback));
        QCOMPARE(error.nodeId, u"6"_s);
        QCOMPARE(error.inputName, u"text"_s);
        QVERIFY2(error.userMessage.contains(u"CLIPTextEncode (node 6) is missing its input text"_s),
                 qPrintable(error.userMessage));
        QVERIFY(error.userMessage.contains(
                u"The input steps of KSampler (node 9) is 0, but must be at least 1"_s));
    }

    void captureNoOutputs()
    {
        const Error error = classifyCapture(u"prompt_400_no_outputs.json"_s);
        QCOMPARE(error.kind, ErrorKind::InvalidParams);
        QVERIFY(error.userMessage.contains(u"no output node"_s));
    }

    void listInDetailsOnly()
    {
        // input_config absent: the list is read from the Python repr in details.
        const Error error = classifyPromptRejection(
                400,
                validationBody(u"1"_s,
                               u"CheckpointLoaderSimple"_s,
                               reason(u"value_not_in_list"_s,
                                      u"Value not in list"_s,
                                      u"ckpt_name: 'dreamshaper_8.safetensors' not in "
                                      u"['v1-5-pruned-emaonly.safetensors', \"it's.ckpt\"]"_s)));
        QCOMPARE(error.kind, ErrorKind::ModelNotFound);
        QCOMPARE(error.missingName, u"dreamshaper_8.safetensors"_s);
        QCOMPARE(error.inputName, u"ckpt_name"_s);
        QCOMPARE(error.alternatives,
                 QStringList({u"v1-5-pruned-emaonly.safetensors"_s, u"it's.ckpt"_s}));
    }

    void longListByLength()
    {
        const Error error = classifyPromptRejection(
                400,
                validationBody(u"1"_s,
                               u"CheckpointLoaderSimple"_s,
                               reason(u"value_not_in_list"_s,
                                      u"Value not in list"_s,
                                      u"ckpt_name: 'x.safetensors' not in (list of length 37)"_s,
                                      QJsonObject{{u"input_name"_s, u"ckpt_name"_s},
                                                  {u"input_config"_s, QJsonValue::Null},
                                                  {u"received_value"_s, u"x.safetensors"_s}})));
        QCOMPARE(error.kind, ErrorKind::ModelNotFound);
        QCOMPARE(error.missingName, u"x.safetensors"_s);
        QVERIFY(error.alternatives.isEmpty());
        QVERIFY(error.tips.join(u' ').contains(u"37"_s));
    }

    void noMotionModelsAtAll()
    {
        const Error error = classifyPromptRejection(
                400,
                validationBody(u"2"_s,
                               u"ADE_LoadAnimateDiffModel"_s,
                               reason(u"value_not_in_list"_s,
                                      u"Value not in list"_s,
                                      u"model_name: 'mm_sd_v15_v2.ckpt' not in []"_s)));
        QCOMPARE(error.kind, ErrorKind::ModelNotFound);
        QCOMPARE(error.missingName, u"mm_sd_v15_v2.ckpt"_s);
        QVERIFY(error.userMessage.contains(u"no AnimateDiff motion models"_s));
        QVERIFY(error.tips.join(u' ').contains(u"animatediff_models"_s));
    }

    void vaeMissing()
    {
        const Error error = classifyPromptRejection(
                400,
                validationBody(u"3"_s,
                               u"VAELoader"_s,
                               reason(u"value_not_in_list"_s,
                                      u"Value not in list"_s,
                                      u"vae_name: 'vae.pt' not in ['a.pt']"_s)));
        QCOMPARE(error.kind, ErrorKind::ModelNotFound);
        QCOMPARE(error.missingName, u"vae.pt"_s);
    }

    void samplerNotInListIsParams()
    {
        const Error error = classifyPromptRejection(
                400,
                validationBody(u"9"_s,
                               u"KSampler"_s,
                               reason(u"value_not_in_list"_s,
                                      u"Value not in list"_s,
                                      u"sampler_name: 'euler_x' not in ['euler', 'ddim']"_s)));
        QCOMPARE(error.kind, ErrorKind::InvalidParams);
        QCOMPARE(error.inputName, u"sampler_name"_s);
        QVERIFY(error.userMessage.contains(u"euler_x"_s));
        QVERIFY(error.tips.join(u' ').contains(u"euler, ddim"_s));
    }

    void uploadedFileMissing_data()
    {
        QTest::addColumn<QString>("classType");
        QTest::addColumn<QString>("details");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("file");
        QTest::newRow("image") << u"LoadImage"_s << u"image - Invalid image file: init.png"_s
                               << u"image"_s << u"init.png"_s;
        QTest::newRow("video") << u"VHS_LoadVideo"_s << u"video - Invalid video file: clip.mp4"_s
                               << u"video"_s << u"clip.mp4"_s;
    }

    void uploadedFileMissing()
    {
        QFETCH(QString, classType);
        QFETCH(QString, details);
        QFETCH(QString, input);
        QFETCH(QString, file);
        const Error error = classifyPromptRejection(
                400,
                validationBody(u"5"_s,
                               classType,
                               reason(u"custom_validation_failed"_s,
                                      u"Custom validation failed for node"_s,
                                      details)));
        QCOMPARE(error.kind, ErrorKind::InvalidParams);
        QCOMPARE(error.inputName, input);
        QCOMPARE(error.missingName, file);
        QVERIFY(error.userMessage.contains(u"missing on the server"_s));
    }

    void otherNodeReasons_data()
    {
        QTest::addColumn<QJsonObject>("nodeReason");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("inMessage");
        QTest::newRow("type mismatch")
                << reason(u"return_type_mismatch"_s,
                          u"Return type mismatch between linked nodes"_s,
                          u"model, received_type(CLIP) mismatch input_type(MODEL)"_s,
                          QJsonObject{{u"input_name"_s, u"model"_s}})
                << u"model"_s << u"linked to a CLIP output, but needs MODEL"_s;
        QTest::newRow("bad literal")
                << reason(u"invalid_input_type"_s,
                          u"Failed to convert an input value to a INT value"_s,
                          u"steps, abc, invalid literal for int() with base 10: 'abc'"_s)
                << u"steps"_s << u"value abc, which is not a valid INT"_s;
        QTest::newRow("too big") << reason(
                u"value_bigger_than_max"_s, u"Value 20000 bigger than max of 10000"_s, u"steps"_s)
                                 << u"steps"_s << u"is 20000, but must be at most 10000"_s;
        QTest::newRow("missing input")
                << reason(u"required_input_missing"_s, u"Required input is missing"_s, u"images"_s)
                << u"images"_s << u"missing its input images"_s;
        QTest::newRow("bad link") << reason(
                u"bad_linked_input"_s,
                u"Bad linked input, must be a length-2 list of [node_id, slot_index]"_s,
                u"model"_s) << u"model"_s
                                  << u"Bad linked input"_s;
    }

    void otherNodeReasons()
    {
        QFETCH(QJsonObject, nodeReason);
        QFETCH(QString, input);
        QFETCH(QString, inMessage);
        const Error error
                = classifyPromptRejection(400, validationBody(u"9"_s, u"KSampler"_s, nodeReason));
        QCOMPARE(error.kind, ErrorKind::InvalidParams);
        QCOMPARE(error.nodeId, u"9"_s);
        QCOMPARE(error.nodeType, u"KSampler"_s);
        QCOMPARE(error.inputName, input);
        QVERIFY2(error.userMessage.contains(inMessage), qPrintable(error.userMessage));
    }

    void missingNodeOldForm_data()
    {
        QTest::addColumn<QString>("nodeClass");
        QTest::addColumn<QString>("inTips");
        QTest::newRow("ADE") << u"ADE_UseEvolvedSampling"_s << u"ComfyUI-AnimateDiff-Evolved"_s;
        QTest::newRow("VHS") << u"VHS_VideoCombine"_s << u"ComfyUI-VideoHelperSuite"_s;
        QTest::newRow("SVD") << u"SVD_img2vid_Conditioning"_s << u"Update ComfyUI"_s;
        QTest::newRow("other") << u"FooBar"_s << u"custom node pack"_s;
    }

    void missingNodeOldForm()
    {
        QFETCH(QString, nodeClass);
        QFETCH(QString, inTips);
        const Error error = classifyPromptRejection(
                400,
                earlyExit(u"invalid_prompt"_s,
                          u"Cannot execute because node "_s + nodeClass + u" does not exist."_s,
                          u"Node ID '#4'"_s));
        QCOMPARE(error.kind, ErrorKind::MissingCustomNode);
        QCOMPARE(error.missingName, nodeClass);
        QCOMPARE(error.nodeType, nodeClass);
        QCOMPARE(error.nodeId, u"4"_s);
        QVERIFY(!error.retryable);
        QVERIFY(error.fallbackAllowed);
        QVERIFY(error.actions.testFlag(Action::InstallCustomNode));
        QVERIFY2(error.tips.join(u' ').contains(inTips), qPrintable(error.tips.join(u' ')));
    }

    void missingNodeNewForm()
    {
        const QString title = u"Video Combine \U0001F3A5\U0001F165\U0001F157\U0001F162"_s;
        const Error error = classifyPromptRejection(
                400,
                earlyExit(u"missing_node_type"_s,
                          u"Node '"_s + title
                                  + u"' not found. The custom node may not be installed."_s,
                          u"Node ID '#10'"_s,
                          QJsonObject{{u"node_id"_s, u"10"_s},
                                      {u"class_type"_s, u"VHS_VideoCombine"_s},
                                      {u"node_title"_s, title}}));
        QCOMPARE(error.kind, ErrorKind::MissingCustomNode);
        QCOMPARE(error.missingName, u"VHS_VideoCombine"_s);
        QCOMPARE(error.nodeId, u"10"_s);
        QVERIFY(error.tips.join(u' ').contains(u"ComfyUI-VideoHelperSuite"_s));

        const Error titleOnly = classifyPromptRejection(
                400,
                earlyExit(u"missing_node_type"_s,
                          u"Node 'Fancy Node' not found. The custom node may not be installed."_s,
                          u"Node ID '#7'"_s));
        QCOMPARE(titleOnly.kind, ErrorKind::MissingCustomNode);
        QCOMPARE(titleOnly.missingName, u"Fancy Node"_s);
        QCOMPARE(titleOnly.nodeId, u"7"_s);
    }

    void brokenWorkflow_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("no class_type")
                << earlyExit(u"invalid_prompt"_s,
                             u"Cannot execute because a node is missing the class_type property."_s,
                             u"Node ID '#5'"_s);
        QTest::newRow("new no class_type") << earlyExit(
                u"missing_node_type"_s,
                u"Node 'X' has no class_type. The workflow may be corrupted or a custom node is "
                u"missing."_s,
                u"Node ID '#5'"_s);
        QTest::newRow("cycle") << earlyExit(
                u"dependency_cycle"_s, u"Dependency cycle detected"_s, u""_s);
        QTest::newRow("no outputs")
                << earlyExit(u"prompt_no_outputs"_s, u"Prompt has no outputs"_s, u""_s);
    }

    void brokenWorkflow()
    {
        QFETCH(QByteArray, body);
        const Error error = classifyPromptRejection(400, body);
        QCOMPARE(error.kind, ErrorKind::InvalidParams);
        QVERIFY(!error.fallbackAllowed);
    }

    void clientBugs_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("no_prompt new")
                << earlyExit(u"no_prompt"_s, u"No prompt provided"_s, u"No prompt provided"_s);
        QTest::newRow("no prompt old")
                << QByteArray(R"({"error": "no prompt", "node_errors": []})");
        QTest::newRow("bad prompt_id")
                << earlyExit(u"invalid_prompt_id"_s, u"prompt_id must be a valid UUID"_s, u"x"_s);
    }

    void clientBugs()
    {
        QFETCH(QByteArray, body);
        const Error error = classifyPromptRejection(400, body);
        QCOMPARE(error.kind, ErrorKind::Unknown);
        QVERIFY(error.tips.join(u' ').contains(u"bug"_s));
    }

    void nodeErrorsAsArray()
    {
        const QByteArray body
                = "{\"error\": {\"type\": \"prompt_outputs_failed_validation\", \"message\": "
                  "\"Prompt outputs failed validation\", \"details\": \"\", \"extra_info\": {}}, "
                  "\"node_errors\": [{\"node_id\": \"3\", \"class_type\": \"KSampler\", "
                  "\"errors\": [{\"type\": \"required_input_missing\", \"message\": "
                  "\"Required input is missing\", \"details\": \"model\", \"extra_info\": "
                  "{\"input_name\": \"model\"}}]}]}";
        const Error error = classifyPromptRejection(400, body);
        QCOMPARE(error.kind, ErrorKind::InvalidParams);
        QCOMPARE(error.nodeId, u"3"_s);
        QCOMPARE(error.inputName, u"model"_s);
    }

    void statuses()
    {
        const Error forbidden = classifyPromptRejection(403, {});
        QCOMPARE(forbidden.kind, ErrorKind::AuthFailed);
        QCOMPARE(forbidden.httpStatus, 403);
        QVERIFY(!forbidden.retryable);
        QVERIFY(forbidden.tips.join(u' ').contains(u"--enable-cors-header"_s));

        const Error duplicate
                = classifyPromptRejection(409, R"({"error":"prompt_id already exists"})");
        QCOMPARE(duplicate.kind, ErrorKind::ServerError);
        QVERIFY(!duplicate.retryable);
        QVERIFY(!duplicate.fallbackAllowed);
        QVERIFY(duplicate.technicalDetail.contains(u"prompt_id already exists"_s));

        const Error tooLarge = classifyPromptRejection(413, "Request Entity Too Large");
        QCOMPARE(tooLarge.kind, ErrorKind::InvalidParams);

        const Error crash = classifyPromptRejection(
                500, "500 Internal Server Error\n\nServer got itself in trouble");
        QCOMPARE(crash.kind, ErrorKind::ServerError);
        QVERIFY(crash.retryable);
        QCOMPARE(crash.httpStatus, 500);

        const Error oldMissing = classifyPromptRejection(
                500,
                "Traceback (most recent call last):\n  File \"server.py\", line 470, in "
                "post_prompt\n"
                "    class_ = nodes.NODE_CLASS_MAPPINGS[prompt[x]['class_type']]\n"
                "KeyError: 'VHS_VideoCombine'\n");
        QCOMPARE(oldMissing.kind, ErrorKind::MissingCustomNode);
        QCOMPARE(oldMissing.missingName, u"VHS_VideoCombine"_s);
        QCOMPARE(oldMissing.httpStatus, 500);
    }

    void hostileBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("html") << QByteArray("<html><body>Bad Gateway</body></html>");
        QTest::newRow("array") << QByteArray("[1, 2, 3]");
        QTest::newRow("null") << QByteArray("null");
        QTest::newRow("number error") << QByteArray(R"({"error": 5, "node_errors": 7})");
        QTest::newRow("truncated") << QByteArray("{\"error\": {\"type\": \"prompt_out");
        QTest::newRow("deep") << QByteArray(100000, '[') + QByteArray(100000, ']');
        QTest::newRow("deep object") << QByteArray(R"({"error":)").repeated(50000);
        QTest::newRow("binary") << QByteArray("\x00\xff\xfe{\"error\"", 11);
        QTest::newRow("10MB garbage") << QByteArray(10 * 1024 * 1024, 'z');
    }

    void hostileBodies()
    {
        QFETCH(QByteArray, body);
        const Error error = classifyPromptRejection(400, body);
        QCOMPARE(error.kind, ErrorKind::ServerError);
        QCOMPARE(error.httpStatus, 400);
        QVERIFY(!error.userMessage.isEmpty());
        QVERIFY(error.technicalDetail.size() <= 32 * 1024);
    }

    void hugeValidBodies()
    {
        // 10 MB JSON: a huge details string, and thousands of nodes with reasons.
        const QString big(5 * 1024 * 1024, u'q');
        const Error huge
                = classifyPromptRejection(400,
                                          validationBody(u"1"_s,
                                                         u"KSampler"_s,
                                                         reason(u"custom_validation_failed"_s,
                                                                u"Custom validation failed"_s,
                                                                u"x - "_s + big)));
        QCOMPARE(huge.kind, ErrorKind::InvalidParams);
        QVERIFY(huge.userMessage.size() < 2000);
        QVERIFY(huge.technicalDetail.size() <= 32 * 1024);

        QJsonObject nodes;
        for (int i = 0; i < 5000; ++i) {
            nodes.insert(QString::number(i),
                         QJsonObject{{u"class_type"_s, u"KSampler"_s},
                                     {u"errors"_s,
                                      QJsonArray{reason(u"required_input_missing"_s,
                                                        u"Required input is missing"_s,
                                                        u"model"_s)}}});
        }
        const QByteArray many
                = QJsonDocument(QJsonObject{{u"error"_s,
                                             reason(u"prompt_outputs_failed_validation"_s,
                                                    u"Prompt outputs failed validation"_s,
                                                    u""_s)},
                                            {u"node_errors"_s, nodes}})
                          .toJson(QJsonDocument::Compact);
        const Error error = classifyPromptRejection(400, many);
        QCOMPARE(error.kind, ErrorKind::InvalidParams);
        QCOMPARE(error.nodeId, u"0"_s);
        QVERIFY(error.userMessage.split(u'\n').size() <= 7);
        QVERIFY(error.userMessage.contains(u"more problems"_s));
    }
};

QTEST_GUILESS_MAIN(TestPromptRejection)
#include "tst_promptrejection.moc"
