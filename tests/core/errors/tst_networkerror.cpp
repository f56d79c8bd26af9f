// classifyNetworkError and the client-made errors (timeouts, cancel, invalid params).

#include "errors/classification.h"

#include <QTest>

using namespace comfyvideo::errors;
using namespace Qt::StringLiterals;

class TestNetworkError : public QObject
{
    Q_OBJECT

private slots:
    void transport_data()
    {
        QTest::addColumn<QNetworkReply::NetworkError>("code");
        QTest::addColumn<QString>("errorString");
        QTest::addColumn<ErrorKind>("kind");
        QTest::addColumn<bool>("retryable");
        QTest::addColumn<bool>("fallback");
        using NR = QNetworkReply;
        QTest::newRow("refused") << NR::ConnectionRefusedError << u"Connection refused"_s
                                 << ErrorKind::WorkerUnavailable << true << true;
        QTest::newRow("host not found") << NR::HostNotFoundError << u"Host comfy.lan not found"_s
                                        << ErrorKind::NetworkError << true << true;
        QTest::newRow("remote closed")
                << NR::RemoteHostClosedError << u"Remote host closed the connection"_s
                << ErrorKind::NetworkError << true << true;
        QTest::newRow("timeout") << NR::TimeoutError << u"Socket operation timed out"_s
                                 << ErrorKind::Timeout << true << true;
        QTest::newRow("canceled") << NR::OperationCanceledError << u"Operation canceled"_s
                                  << ErrorKind::Canceled << false << false;
        QTest::newRow("tls handshake") << NR::SslHandshakeFailedError
                                       << u"SSL handshake failed: The certificate is self-signed, "
                                          u"and untrusted"_s
                                       << ErrorKind::NetworkError << false << true;
        QTest::newRow("tls via unknown")
                << NR::UnknownNetworkError << u"TLS initialization failed"_s
                << ErrorKind::NetworkError << false << true;
        QTest::newRow("temporary")
                << NR::TemporaryNetworkFailureError << u"Temporary network failure."_s
                << ErrorKind::NetworkError << true << true;
        QTest::newRow("proxy auth")
                << NR::ProxyAuthenticationRequiredError << u"Proxy requires authentication"_s
                << ErrorKind::AuthFailed << false << true;
        QTest::newRow("proxy down")
                << NR::ProxyConnectionRefusedError << u"Proxy connection refused"_s
                << ErrorKind::NetworkError << true << true;
        QTest::newRow("bad scheme") << NR::ProtocolUnknownError << u"Protocol \"htp\" is unknown"_s
                                    << ErrorKind::NetworkError << false << true;
    }

    void transport()
    {
        QFETCH(QNetworkReply::NetworkError, code);
        QFETCH(QString, errorString);
        QFETCH(ErrorKind, kind);
        QFETCH(bool, retryable);
        QFETCH(bool, fallback);
        const Error error = classifyNetworkError(
                code, 0, errorString, {}, QUrl(u"https://comfy.lan:8443/prompt"_s));
        QCOMPARE(error.kind, kind);
        QCOMPARE(error.retryable, retryable);
        QCOMPARE(error.fallbackAllowed, fallback);
        QCOMPARE(error.actions.testFlag(Action::UseFallback), fallback);
        QVERIFY(!error.userMessage.isEmpty());
        QCOMPARE(error.httpStatus, 0);
        if (kind != ErrorKind::Canceled)
            QVERIFY(error.technicalDetail.contains(errorString));
    }

    void refusedNamesServerWithoutSecrets()
    {
        const Error error = classifyNetworkError(
                QNetworkReply::ConnectionRefusedError,
                0,
                u"Connection refused"_s,
                {},
                QUrl(u"http://alice:hunter2@127.0.0.1:8188/prompt?token=abc123"_s));
        QVERIFY2(error.userMessage.contains(u"http://127.0.0.1:8188"_s),
                 qPrintable(error.userMessage));
        QVERIFY(error.userMessage.contains(u"not running"_s));
        const QString all = error.copyableDetails();
        QVERIFY(!all.contains(u"hunter2"_s));
        QVERIFY(!all.contains(u"abc123"_s));
        QVERIFY(error.actions.testFlag(Action::OpenSettings));
    }

    void tlsTips()
    {
        const Error error = classifyNetworkError(
                QNetworkReply::SslHandshakeFailedError, 0, u"SSL handshake failed"_s);
        QVERIFY(error.tips.join(u' ').contains(u"CA file"_s));
        QVERIFY(!error.actions.testFlag(Action::Retry));
        QVERIFY(error.actions.testFlag(Action::OpenSettings));
    }

    void statuses_data()
    {
        QTest::addColumn<QNetworkReply::NetworkError>("code");
        QTest::addColumn<int>("status");
        QTest::addColumn<ErrorKind>("kind");
        QTest::addColumn<bool>("retryable");
        using NR = QNetworkReply;
        QTest::newRow("401") << NR::AuthenticationRequiredError << 401 << ErrorKind::AuthFailed
                             << false;
        QTest::newRow("403") << NR::ContentAccessDenied << 403 << ErrorKind::AuthFailed << false;
        QTest::newRow("404") << NR::ContentNotFoundError << 404 << ErrorKind::WorkerUnavailable
                             << false;
        QTest::newRow("405") << NR::ContentOperationNotPermittedError << 405
                             << ErrorKind::WorkerUnavailable << false;
        QTest::newRow("413") << NR::UnknownContentError << 413 << ErrorKind::InvalidParams << false;
        QTest::newRow("429") << NR::UnknownContentError << 429 << ErrorKind::WorkerUnavailable
                             << true;
        QTest::newRow("500") << NR::InternalServerError << 500 << ErrorKind::ServerError << true;
        QTest::newRow("501") << NR::OperationNotImplementedError << 501 << ErrorKind::ServerError
                             << true;
        QTest::newRow("502") << NR::UnknownServerError << 502 << ErrorKind::WorkerUnavailable
                             << true;
        QTest::newRow("503") << NR::ServiceUnavailableError << 503 << ErrorKind::WorkerUnavailable
                             << true;
        QTest::newRow("504") << NR::UnknownServerError << 504 << ErrorKind::WorkerUnavailable
                             << true;
        QTest::newRow("418") << NR::UnknownContentError << 418 << ErrorKind::ServerError << false;
    }

    void statuses()
    {
        QFETCH(QNetworkReply::NetworkError, code);
        QFETCH(int, status);
        QFETCH(ErrorKind, kind);
        QFETCH(bool, retryable);
        const Error error = classifyNetworkError(code,
                                                 status,
                                                 u"Error transferring"_s,
                                                 "body text",
                                                 QUrl(u"http://127.0.0.1:8188/prompt"_s));
        QCOMPARE(error.kind, kind);
        QCOMPARE(error.httpStatus, status);
        QCOMPARE(error.retryable, retryable);
        QVERIFY(error.technicalDetail.contains(u"HTTP "_s + QString::number(status)));
        QVERIFY(error.technicalDetail.contains(u"body text"_s));
    }

    void authTip()
    {
        const Error error = classifyNetworkError(QNetworkReply::AuthenticationRequiredError,
                                                 401,
                                                 u"Host requires authentication"_s,
                                                 "Authorization: Bearer sk-live-12345");
        QVERIFY(error.tips.join(u' ').contains(u"token"_s));
        QVERIFY(error.actions.testFlag(Action::OpenSettings));
        QVERIFY(!error.technicalDetail.contains(u"sk-live-12345"_s));
    }

    void badRequestDelegates()
    {
        const QByteArray body
                = R"({"error": {"type": "invalid_prompt", "message": "Cannot execute because node VHS_VideoCombine does not exist.", "details": "Node ID '#10'", "extra_info": {}}, "node_errors": {}})";
        const Error viaNetwork = classifyNetworkError(
                QNetworkReply::ProtocolInvalidOperationError, 400, u"Bad Request"_s, body);
        QCOMPARE(viaNetwork.kind, ErrorKind::MissingCustomNode);
        QCOMPARE(viaNetwork, classifyPromptRejection(400, body));
    }

    void socketErrors_data()
    {
        QTest::addColumn<QAbstractSocket::SocketError>("code");
        QTest::addColumn<ErrorKind>("kind");
        QTest::addColumn<bool>("retryable");
        using S = QAbstractSocket;
        QTest::newRow("refused") << S::ConnectionRefusedError << ErrorKind::WorkerUnavailable
                                 << true;
        QTest::newRow("closed") << S::RemoteHostClosedError << ErrorKind::NetworkError << true;
        QTest::newRow("timeout") << S::SocketTimeoutError << ErrorKind::Timeout << true;
        QTest::newRow("tls") << S::SslHandshakeFailedError << ErrorKind::NetworkError << false;
        QTest::newRow("proxy auth")
                << S::ProxyAuthenticationRequiredError << ErrorKind::AuthFailed << false;
        QTest::newRow("other") << S::UnknownSocketError << ErrorKind::NetworkError << true;
    }

    void socketErrors()
    {
        QFETCH(QAbstractSocket::SocketError, code);
        QFETCH(ErrorKind, kind);
        QFETCH(bool, retryable);
        const Error error = classifySocketError(
                code, u"socket says no"_s, QUrl(u"ws://127.0.0.1:8188/ws?clientId=abc"_s));
        QCOMPARE(error.kind, kind);
        QCOMPARE(error.retryable, retryable);
        QVERIFY(error.technicalDetail.contains(u"socket says no"_s));
    }

    void timeouts()
    {
        const Error overall = makeTimeout(TimeoutKind::Overall, 1200);
        QCOMPARE(overall.kind, ErrorKind::Timeout);
        QVERIFY(overall.retryable);
        QVERIFY(overall.fallbackAllowed);
        QVERIFY2(overall.userMessage.contains(u"20 minutes"_s), qPrintable(overall.userMessage));
        QVERIFY(overall.actions.testFlag(Action::RetryLighter));
        const Error stall = makeTimeout(TimeoutKind::Stall, 90);
        QVERIFY2(stall.userMessage.contains(u"90 seconds"_s), qPrintable(stall.userMessage));
        QVERIFY(stall.userMessage != overall.userMessage);
        QVERIFY(stall.technicalDetail.contains(u"stall"_s));
    }

    void canceled()
    {
        const Error error = makeCanceled();
        QCOMPARE(error.kind, ErrorKind::Canceled);
        QVERIFY(!error.retryable);
        QVERIFY(!error.fallbackAllowed);
        QVERIFY(!error.actions.testFlag(Action::UseFallback));
    }

    void invalidParams()
    {
        const Error error = makeInvalidParams(
                {u"frames: Use 8 to 128 frames."_s, u"width: Use a multiple of 8."_s});
        QCOMPARE(error.kind, ErrorKind::InvalidParams);
        QVERIFY(!error.retryable);
        QVERIFY(!error.fallbackAllowed);
        QCOMPARE(error.inputName, u"frames"_s);
        QVERIFY(error.userMessage.contains(u"width: Use a multiple of 8."_s));
        QVERIFY(!error.actions.testFlag(Action::Retry));
    }

    void nodePacks()
    {
        QCOMPARE(customNodePack(u"ADE_AnimateDiffLoaderGen1"_s), u"ComfyUI-AnimateDiff-Evolved"_s);
        QCOMPARE(customNodePack(u"VHS_LoadVideo"_s), u"ComfyUI-VideoHelperSuite"_s);
        QVERIFY(customNodePack(u"KSampler"_s).isEmpty());
        QVERIFY(isCoreNodeClass(u"SVD_img2vid_Conditioning"_s));
        QVERIFY(!isCoreNodeClass(u"VHS_VideoCombine"_s));
    }
};

QTEST_GUILESS_MAIN(TestNetworkError)
#include "tst_networkerror.moc"
