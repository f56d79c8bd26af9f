// classifyExecutionError / makeInterrupted against the real captures and every §7 runtime text.

#include "capturefile.h"

#include "errors/classification.h"
#include "errors/redaction.h"

#include <QJsonObject>
#include <QTest>

using namespace comfyvideo::errors;
using namespace comfyvideo::errors::test;
using namespace Qt::StringLiterals;

namespace {

const QString kOomTips = u"\nThis error means you ran out of memory on your GPU.\n\nTIPS: If the "
                         u"workflow worked before you might have accidentally set the batch_size "
                         u"to a large number."_s;

QJsonObject
failure(const QString &type, const QString &message, const QString &nodeType = u"KSampler"_s)
{
    return QJsonObject{
            {u"prompt_id"_s, u"p"_s},
            {u"node_id"_s, u"9"_s},
            {u"node_type"_s, nodeType},
            {u"exception_type"_s, type},
            {u"exception_message"_s, message},
            {u"traceback"_s, QJsonArray{u"  File \"/srv/ComfyUI/execution.py\", line 1\n"_s}},
            {u"current_inputs"_s, QJsonObject{}},
            {u"current_outputs"_s, QJsonArray{}}};
}

void checkCaptureOom(const QJsonObject &data)
{
    QVERIFY(!data.isEmpty());
    const Error error = classifyExecutionError(data);
    QCOMPARE(error.kind, ErrorKind::InsufficientVram);
    QCOMPARE(error.nodeId, u"9"_s);
    QCOMPARE(error.nodeType, u"KSampler"_s);
    QVERIFY(!error.retryable);
    QVERIFY(error.fallbackAllowed);
    QVERIFY(error.actions.testFlag(Action::RetryLighter));
    QVERIFY(error.actions.testFlag(Action::UseFallback));
    QVERIFY(error.userMessage.contains(u"KSampler (node 9)"_s));
    QVERIFY(error.userMessage.contains(u"512.00 MiB"_s));
    QVERIFY(!error.userMessage.contains(u"TIPS"_s));
    QVERIFY(!error.userMessage.contains(u"This error means"_s));
    QVERIFY(!error.tips.isEmpty());
    QVERIFY(error.technicalDetail.contains(u"torch.OutOfMemoryError: CUDA out of memory"_s));
    QVERIFY(error.technicalDetail.contains(u"core_stubs.py"_s)); // traceback kept
    QVERIFY(!error.technicalDetail.contains(u"tensor("_s));      // current_inputs left out
}

} // namespace

class TestClassification : public QObject
{
    Q_OBJECT

private slots:
    void captureExecutionErrorOom()
    {
        checkCaptureOom(captureObject(u"execution_error_oom.json"_s));
    }
    void captureHistoryOom()
    {
        checkCaptureOom(historyMessageData(u"history_runtime_oom.json"_s, u"execution_error"_s));
    }
    void captureWsOom()
    {
        checkCaptureOom(wsMessageData(u"ws_runtime_oom.jsonl"_s, u"execution_error"_s));
    }

    void captureInterrupt()
    {
        const QJsonObject data = wsMessageData(u"ws_interrupt.jsonl"_s, u"execution_interrupted"_s);
        QVERIFY(!data.isEmpty());
        QCOMPARE(data, captureObject(u"execution_interrupted.json"_s));
        const Error error = makeInterrupted(data);
        QCOMPARE(error.kind, ErrorKind::ServerError);
        QVERIFY(error.retryable);
        QVERIFY(error.fallbackAllowed);
        QCOMPARE(error.nodeId, u"9"_s);
        QCOMPARE(error.nodeType, u"KSampler"_s);
        QVERIFY(!error.userMessage.isEmpty());
    }

    void runtimeTexts_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("message");
        QTest::addColumn<ErrorKind>("kind");
        QTest::addColumn<QString>("missing");
        QTest::addColumn<QString>("inMessage");

        const ErrorKind vram = ErrorKind::InsufficientVram;
        QTest::newRow("async-alloc with tips")
                << u"torch.OutOfMemoryError"_s << u"Allocation on device "_s + kOomTips << vram
                << QString() << u"graphics card"_s;
        QTest::newRow("async-alloc no tips")
                << u"torch.OutOfMemoryError"_s << u"Allocation on device "_s << vram << QString()
                << u"graphics card"_s;
        QTest::newRow("old torch exceed")
                << u"torch.cuda.OutOfMemoryError"_s
                << u"Allocation on device 0 would exceed allowed memory. (out of memory)\n"
                   u"Currently allocated     : 11.61 GiB\nRequested               : 960.00 MiB\n"
                   u"Device limit            : 14.75 GiB\nFree (according to CUDA): 19.06 MiB\n"
                   u"PyTorch limit (set by user-supplied memory fraction)\n"
                   u"                        : 17179869184.00 GiB"_s
                << vram << QString() << u"graphics card"_s;
        QTest::newRow("native allocator")
                << u"torch.OutOfMemoryError"_s
                << u"CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity "
                   u"of 23.64 GiB of which 1.12 GiB is free."_s
                           + kOomTips
                << vram << QString() << u"2.00 GiB"_s;
        QTest::newRow("driver oom")
                << u"RuntimeError"_s
                << u"CUDA error: out of memory\nCUDA kernel errors might be asynchronously "
                   u"reported at some other API call, so the stacktrace below might be "
                   u"incorrect.\n"_s
                << vram << QString() << u"graphics card"_s;
        QTest::newRow("accelerator oom")
                << u"torch.AcceleratorError"_s << u"CUDA error: out of memory\n"_s + kOomTips
                << vram << QString() << u"graphics card"_s;
        QTest::newRow("cpu ram")
                << u"RuntimeError"_s
                << u"[enforce fail at alloc_cpu.cpp:114] data. DefaultCPUAllocator: not enough "
                   u"memory: you tried to allocate 21506162688 bytes.\n"_s
                << vram << QString() << u"RAM"_s;
        QTest::newRow("custom-node oom type") << u"srv.custom_nodes.foo.bar.OutOfMemoryError"_s
                                              << u"boom"_s << vram << QString() << QString();
        QTest::newRow("model vanished")
                << u"FileNotFoundError"_s
                << u"Model in folder 'checkpoints' with filename 'x.safetensors' not found.\n"_s
                << ErrorKind::ModelNotFound << u"x.safetensors"_s << u"checkpoints"_s;
        QTest::newRow("file not found")
                << u"FileNotFoundError"_s
                << u"[Errno 2] No such file or directory: '/srv/models/vae/v.pt'"_s
                << ErrorKind::ModelNotFound << u"v.pt"_s << u"v.pt"_s;
        QTest::newRow("bad checkpoint")
                << u"RuntimeError"_s
                << u"ERROR: Could not detect model type of: /srv/ComfyUI/models/checkpoints/"
                   u"broken.safetensors\nIf this is a model you downloaded, check it."_s
                << ErrorKind::ModelNotFound << u"broken.safetensors"_s << u"broken.safetensors"_s;
        QTest::newRow("ade frame limit")
                << u"ValueError"_s
                << u"Without a context window, AnimateDiff model mm_sd_v15_v2.ckpt has upper "
                   u"limit of 32 frames, but received 48 latents.\n"_s
                << ErrorKind::InvalidParams << QString() << u"48"_s;
        QTest::newRow("ade context length")
                << u"ValueError"_s
                << u"AnimateDiff model mm_sd_v15_v2.ckpt has upper limit of 32 frames for a "
                   u"context window, but received context length of 64."_s
                << ErrorKind::InvalidParams << QString() << u"64"_s;
        QTest::newRow("ade model mismatch")
                << u"home.user.ComfyUI.custom_nodes.ComfyUI-AnimateDiff-Evolved.animatediff."
                   u"model_injection.MotionCompatibilityError"_s
                << u"Motion module 'mm_sd_v15_v2.ckpt' is intended for SD1.5 models, but the "
                   u"provided model is type SDXL.\n"_s
                << ErrorKind::InvalidParams << QString() << u"SDXL"_s;
        QTest::newRow("ffmpeg missing")
                << u"ProcessLookupError"_s
                << u"ffmpeg is required for video outputs and could not be found.\nIn order to "
                   u"use video outputs, you must either:\n- Install imageio-ffmpeg with pip,\n"
                   u"- Place a ffmpeg executable in /srv/ComfyUI, or\n- Install ffmpeg and add "
                   u"it to the system path."_s
                << ErrorKind::ServerError << QString() << u"ffmpeg"_s;
        QTest::newRow("ffmpeg prepass")
                << u"Exception"_s
                << u"An error occurred in the ffmpeg prepass:\nUnknown encoder 'libx265'"_s
                << ErrorKind::ServerError << QString() << u"libx265"_s;
        QTest::newRow("ffmpeg subprocess typo")
                << u"Exception"_s << u"An error occured in the ffmpeg subprocess:\nbroken pipe"_s
                << ErrorKind::ServerError << QString() << u"ffmpeg"_s;
        QTest::newRow("execution blocked")
                << u"ExecutionBlocked"_s << u"Execution Blocked: switch is off"_s
                << ErrorKind::Unknown << QString() << u"switch is off"_s;
        QTest::newRow("dependency cycle")
                << u"comfy_execution.graph.DependencyCycleError"_s << u"Dependency cycle detected"_s
                << ErrorKind::InvalidParams << QString() << QString();
        QTest::newRow("generic") << u"ValueError"_s << u"\nsomething odd happened\n"_s
                                 << ErrorKind::Unknown << QString()
                                 << u"KSampler (node 9) failed: something odd happened"_s;
    }

    void runtimeTexts()
    {
        QFETCH(QString, type);
        QFETCH(QString, message);
        QFETCH(ErrorKind, kind);
        QFETCH(QString, missing);
        QFETCH(QString, inMessage);
        const Error error = classifyExecutionError(failure(type, message));
        QCOMPARE(error.kind, kind);
        QCOMPARE(error.missingName, missing);
        QCOMPARE(error.nodeId, u"9"_s);
        QCOMPARE(error.nodeType, u"KSampler"_s);
        QVERIFY2(error.userMessage.contains(inMessage), qPrintable(error.userMessage));
        QVERIFY(!error.userMessage.contains(u"TIPS:"_s));
        QVERIFY(!error.userMessage.endsWith(u'\n'));
        QVERIFY(!error.tips.isEmpty() || kind == ErrorKind::Unknown);
        QVERIFY(error.actions.testFlag(Action::CopyDetails));
        QCOMPARE(error.fallbackAllowed, kind != ErrorKind::InvalidParams);
        QVERIFY(!error.retryable); // none of these heals by running the same thing again
        QVERIFY(error.technicalDetail.contains(type));
    }

    void oomSuffixStripped()
    {
        const Error with = classifyExecutionError(
                failure(u"torch.OutOfMemoryError"_s, u"Allocation on device "_s + kOomTips));
        const Error without = classifyExecutionError(
                failure(u"torch.OutOfMemoryError"_s, u"Allocation on device "_s));
        QCOMPARE(with.userMessage, without.userMessage);
        QVERIFY(with.technicalDetail.contains(u"TIPS"_s)); // the raw text stays in the details
    }

    void adeTips()
    {
        const Error frames = classifyExecutionError(failure(
                u"ValueError"_s,
                u"Without a context window, AnimateDiff model mm_sd_v15_v2.ckpt has upper limit "
                u"of 32 frames, but received 48 latents."_s));
        QVERIFY(frames.tips.join(u' ').contains(u"context options"_s));
        QVERIFY(frames.tips.join(u' ').contains(u"32"_s));
        const Error mismatch = classifyExecutionError(
                failure(u"ValueError"_s,
                        u"Motion module 'mm_sd_v15_v2.ckpt' is intended for SD1.5 models, but the "
                        u"provided model is type SDXL."_s));
        QVERIFY(mismatch.tips.join(u' ').contains(u"SD1.5 checkpoint"_s));
    }

    void ffmpegTipNotRetried()
    {
        const Error error = classifyExecutionError(
                failure(u"ProcessLookupError"_s,
                        u"ffmpeg is required for video outputs and could not be found."_s,
                        u"VHS_VideoCombine"_s));
        QVERIFY(error.tips.join(u' ').contains(u"Install ffmpeg on the server"_s));
        QVERIFY(!error.retryable);
        QVERIFY(!error.actions.testFlag(Action::Retry));
    }

    void emptyAndOddData()
    {
        const Error empty = classifyExecutionError({});
        QCOMPARE(empty.kind, ErrorKind::Unknown);
        QVERIFY(!empty.userMessage.isEmpty());
        QJsonObject odd{{u"node_id"_s, 12},
                        {u"exception_message"_s, QJsonArray{1, 2}},
                        {u"traceback"_s, u"not a list"_s}};
        const Error error = classifyExecutionError(odd);
        QCOMPARE(error.kind, ErrorKind::Unknown);
        QCOMPARE(error.nodeId, u"12"_s);
    }

    void hugeMessageIsCapped()
    {
        const QString huge = u"ValueError "_s + QString(5'000'000, u'x');
        const Error error = classifyExecutionError(failure(u"ValueError"_s, huge));
        QVERIFY(error.userMessage.size() < 1000);
        QVERIFY(error.technicalDetail.size() <= 32 * 1024);
    }

    void secretsRedacted()
    {
        const Error error = classifyExecutionError(
                failure(u"requests.exceptions.HTTPError"_s,
                        u"401 for url https://api.example.com/v1?token=s3cr3tT0ken with header "
                        u"Authorization: Bearer abc.def.ghi"_s));
        QVERIFY(!error.userMessage.contains(u"s3cr3tT0ken"_s));
        QVERIFY(!error.technicalDetail.contains(u"s3cr3tT0ken"_s));
        QVERIFY(!error.technicalDetail.contains(u"abc.def.ghi"_s));
        QVERIFY(error.technicalDetail.contains(RedactedPlaceholder));
    }

    void historyStatus()
    {
        auto status = [](const QString &name) {
            const QJsonObject history = captureObject(name);
            return history.begin()->toObject().value(u"status"_s).toObject();
        };
        const std::optional<Error> oom
                = classifyHistoryStatus(status(u"history_runtime_oom.json"_s), false);
        QVERIFY(oom.has_value());
        QCOMPARE(oom->kind, ErrorKind::InsufficientVram);
        QCOMPARE(oom->nodeId, u"9"_s);
        const std::optional<Error> ours
                = classifyHistoryStatus(status(u"history_interrupt.json"_s), true);
        QVERIFY(ours.has_value());
        QCOMPARE(ours->kind, ErrorKind::Canceled);
        const std::optional<Error> theirs
                = classifyHistoryStatus(status(u"history_interrupt.json"_s), false);
        QVERIFY(theirs.has_value());
        QCOMPARE(theirs->kind, ErrorKind::ServerError);
        QCOMPARE(theirs->nodeType, u"KSampler"_s);
        QCOMPARE(classifyHistoryStatus(status(u"history_animatediff_16f.json"_s), false),
                 std::nullopt);
        const std::optional<Error> bare = classifyHistoryStatus(
                QJsonObject{{u"status_str"_s, u"error"_s}, {u"messages"_s, 3}}, false);
        QVERIFY(bare.has_value());
        QCOMPARE(bare->kind, ErrorKind::Unknown);
    }

    void interruptWithoutData()
    {
        const Error error = makeInterrupted();
        QCOMPARE(error.kind, ErrorKind::ServerError);
        QVERIFY(error.nodeId.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestClassification)
#include "tst_classification.moc"
