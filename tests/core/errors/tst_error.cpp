// The Error value: kind names, policy, exit codes, JSON round trip, copyable details, redaction.

#include "errors/error.h"
#include "errors/redaction.h"

#include <QMetaEnum>
#include <QSet>
#include <QTest>

using namespace comfyvideo::errors;
using namespace Qt::StringLiterals;

namespace {

Error fullError()
{
    Error error = Error::make(ErrorKind::ModelNotFound,
                              u"Der Server hat das Modell nicht: ü \U0001F3A5"_s);
    error.retryable = true; // deviates from the kind default on purpose
    error.fallbackAllowed = false;
    error.httpStatus = 400;
    error.nodeId = u"1"_s;
    error.nodeType = u"CheckpointLoaderSimple"_s;
    error.inputName = u"ckpt_name"_s;
    error.missingName = u"x.safetensors"_s;
    error.alternatives = {u"a.safetensors"_s, u"b.safetensors"_s};
    error.technicalDetail = u"line 1\nline \"2\"\t\\"_s;
    error.tips = {u"tip one"_s, u"tip two"_s};
    error.actions = Action::InstallModel | Action::CopyDetails | Action::RetryLighter;
    return error;
}

} // namespace

class TestError : public QObject
{
    Q_OBJECT

private slots:
    void kindNames()
    {
        const QStringList expected{u"model_not_found"_s,
                                   u"insufficient_vram"_s,
                                   u"timeout"_s,
                                   u"network_error"_s,
                                   u"worker_unavailable"_s,
                                   u"invalid_params"_s,
                                   u"unknown"_s,
                                   u"missing_custom_node"_s,
                                   u"auth_failed"_s,
                                   u"server_error"_s,
                                   u"canceled"_s};
        const QMetaEnum meta = QMetaEnum::fromType<ErrorKind>();
        QCOMPARE(meta.keyCount(), int(expected.size()));
        QStringList names;
        for (ErrorKind kind : allKinds()) {
            names << kindName(kind);
            QCOMPARE(parseKind(kindName(kind)), std::optional<ErrorKind>(kind));
        }
        QCOMPARE(names, expected);
        QCOMPARE(parseKind(u"Model_Not_Found"_s), std::nullopt);
        QCOMPARE(parseKind(QString()), std::nullopt);
        for (Action action : allActions())
            QCOMPARE(parseAction(actionName(action)), std::optional<Action>(action));
    }

    void policy_data()
    {
        QTest::addColumn<ErrorKind>("kind");
        QTest::addColumn<bool>("retry");
        QTest::addColumn<bool>("fallback");
        QTest::newRow("network") << ErrorKind::NetworkError << true << true;
        QTest::newRow("worker") << ErrorKind::WorkerUnavailable << true << true;
        QTest::newRow("timeout") << ErrorKind::Timeout << true << true;
        QTest::newRow("server") << ErrorKind::ServerError << true << true;
        QTest::newRow("model") << ErrorKind::ModelNotFound << false << true;
        QTest::newRow("node") << ErrorKind::MissingCustomNode << false << true;
        QTest::newRow("vram") << ErrorKind::InsufficientVram << false << true;
        QTest::newRow("auth") << ErrorKind::AuthFailed << false << true;
        QTest::newRow("unknown") << ErrorKind::Unknown << false << true;
        QTest::newRow("params") << ErrorKind::InvalidParams << false << false;
        QTest::newRow("canceled") << ErrorKind::Canceled << false << false;
    }

    void policy()
    {
        QFETCH(ErrorKind, kind);
        QFETCH(bool, retry);
        QFETCH(bool, fallback);
        QCOMPARE(isRetryable(kind), retry);
        QCOMPARE(allowsFallback(kind), fallback);
        const Error error = Error::make(kind, u"m"_s);
        QCOMPARE(error.retryable, retry);
        QCOMPARE(error.fallbackAllowed, fallback);
        QCOMPARE(error.actions.testFlag(Action::UseFallback), fallback);
        QVERIFY(error.actions.testFlag(Action::CopyDetails));
        QVERIFY(!kindTitle(kind).isEmpty());
    }

    void defaultActions()
    {
        QVERIFY(!comfyvideo::errors::defaultActions(ErrorKind::InvalidParams)
                         .testFlag(Action::Retry));
        QVERIFY(comfyvideo::errors::defaultActions(ErrorKind::ModelNotFound)
                        .testFlag(Action::InstallModel));
        QVERIFY(comfyvideo::errors::defaultActions(ErrorKind::MissingCustomNode)
                        .testFlag(Action::InstallCustomNode));
        QVERIFY(comfyvideo::errors::defaultActions(ErrorKind::InsufficientVram)
                        .testFlag(Action::RetryLighter));
        QVERIFY(comfyvideo::errors::defaultActions(ErrorKind::AuthFailed)
                        .testFlag(Action::OpenSettings));
    }

    void exitCodes()
    {
        QSet<int> codes;
        for (ErrorKind kind : allKinds()) {
            const int code = exitCode(kind);
            QVERIFY(code > 1);
            QVERIFY(code < 126); // shells reserve 126+
            codes.insert(code);
        }
        QCOMPARE(codes.size(), allKinds().size());
        QCOMPARE(exitCode(ErrorKind::InvalidParams), 2);
        QCOMPARE(exitCode(ErrorKind::ModelNotFound), 10);
        QCOMPARE(exitCode(ErrorKind::Canceled), 19);
    }

    void jsonRoundTrip()
    {
        const Error error = fullError();
        const std::optional<Error> back = Error::fromJson(error.toJson());
        QVERIFY(back.has_value());
        QCOMPARE(*back, error);
        QCOMPARE(Error::fromJsonObject(error.toJsonObject()), std::optional<Error>(error));

        const Error plain = Error::make(ErrorKind::Canceled, u"x"_s);
        QCOMPARE(Error::fromJson(plain.toJson()), std::optional<Error>(plain));
    }

    void jsonEdgeCases()
    {
        QCOMPARE(Error::fromJson(u"not json"_s), std::nullopt);
        QCOMPARE(Error::fromJson(u"[1]"_s), std::nullopt);
        QCOMPARE(Error::fromJson(u"{}"_s), std::nullopt);
        QCOMPARE(Error::fromJson(u"{\"kind\": 3}"_s), std::nullopt);
        const std::optional<Error> future = Error::fromJson(u"{\"kind\": \"quota_exceeded\"}"_s);
        QVERIFY(future.has_value());
        QCOMPARE(future->kind, ErrorKind::Unknown);
        const std::optional<Error> minimal = Error::fromJson(u"{\"kind\": \"timeout\"}"_s);
        QVERIFY(minimal.has_value());
        QVERIFY(minimal->retryable);
        QCOMPARE(minimal->actions, comfyvideo::errors::defaultActions(ErrorKind::Timeout));
    }

    void copyableDetails()
    {
        const QString text = fullError().copyableDetails();
        QVERIFY(text.contains(u"model_not_found"_s));
        QVERIFY(text.contains(u"Der Server hat das Modell nicht"_s));
        QVERIFY(text.contains(u"CheckpointLoaderSimple (node 1)"_s));
        QVERIFY(text.contains(u"HTTP status: 400"_s));
        QVERIFY(text.contains(u"- tip two"_s));
        QVERIFY(text.contains(u"line \"2\""_s));
        QCOMPARE(fullError().nodeLabel(), u"CheckpointLoaderSimple (node 1)"_s);
        Error bare;
        QVERIFY(bare.nodeLabel().isEmpty());
        QVERIFY(!bare.copyableDetails().contains(u"HTTP status"_s));
    }

    void redaction_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("secret");
        QTest::newRow("header") << u"GET /x\r\nAuthorization: Bearer abc.DEF-123\r\nHost: h"_s
                                << u"abc.DEF-123"_s;
        QTest::newRow("basic") << u"authorization: Basic dXNlcjpwYXNz"_s << u"dXNlcjpwYXNz"_s;
        QTest::newRow("json header")
                << u"{\"Authorization\": \"Token r8_secret\"}"_s << u"r8_secret"_s;
        QTest::newRow("python dict")
                << u"headers={'authorization': 'Bearer tok123'}"_s << u"tok123"_s;
        QTest::newRow("bearer alone")
                << u"sent bearer eyJhbGciOi.payload.sig to api"_s << u"eyJhbGciOi.payload.sig"_s;
        QTest::newRow("query token")
                << u"GET https://h/ws?clientId=1&token=s3cr3t&x=1"_s << u"s3cr3t"_s;
        QTest::newRow("api_key json")
                << u"{\"api_key_comfy_org\": \"comfyui-abc\"}"_s << u"comfyui-abc"_s;
        QTest::newRow("key param")
                << u"https://generativelanguage.googleapis.com/v1?key=XYZ987"_s << u"XYZ987"_s;
        QTest::newRow("password") << u"password=hunter2 user=bob"_s << u"hunter2"_s;
        QTest::newRow("url userinfo") << u"http://bob:pa55w0rd@10.0.0.2:8188/"_s << u"pa55w0rd"_s;
        QTest::newRow("replicate") << u"using r8_AbCdEfGhIjKlMnOpQrStUvWx0123 now"_s
                                   << u"r8_AbCdEfGhIjKlMnOpQrStUvWx0123"_s;
        QTest::newRow("google") << u"AIzaSyA1234567890abcdefghijklmnopqrstu"_s
                                << u"AIzaSyA1234567890abcdefghijklmnopqrstu"_s;
        QTest::newRow("credential header")
                << u"X-Comfy-Credential-Key: 0123abcd"_s << u"0123abcd"_s;
    }

    void redaction()
    {
        QFETCH(QString, text);
        QFETCH(QString, secret);
        const QString redacted = redactSecrets(text);
        QVERIFY2(!redacted.contains(secret), qPrintable(redacted));
        QVERIFY(redacted.contains(RedactedPlaceholder));
        QCOMPARE(redactSecrets(redacted), redacted); // idempotent
    }

    void redactionKeepsOrdinaryText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("key error") << u"KeyError: 'VHS_VideoCombine'"_s;
        QTest::newRow("model") << u"Model in folder 'checkpoints' with filename 'x' not found."_s;
        QTest::newRow("inputs") << u"steps: 20, cfg: 7.5, max_tokens: 77"_s;
        QTest::newRow("oom") << u"CUDA out of memory. Tried to allocate 512.00 MiB."_s;
        QTest::newRow("url") << u"http://127.0.0.1:8188/view?filename=a.mp4&type=output"_s;
    }

    void redactionKeepsOrdinaryText()
    {
        QFETCH(QString, text);
        QCOMPARE(redactSecrets(text), text);
    }
};

QTEST_GUILESS_MAIN(TestError)
#include "tst_error.moc"
