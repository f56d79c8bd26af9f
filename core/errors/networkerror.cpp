// classifyNetworkError: transport failures and HTTP error statuses.

#include "errors/classification.h"
#include "errors/classifyutil.h"
#include "errors/redaction.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace comfyvideo::errors {

namespace {

using namespace Qt::StringLiterals;
using namespace detail;

bool looksLikeTls(QNetworkReply::NetworkError error, const QString &errorString)
{
    if (error == QNetworkReply::SslHandshakeFailedError)
        return true;
    static const QRegularExpression tlsRe(u"\\b(ssl|tls|certificate|handshake)\\b"_s,
                                          QRegularExpression::CaseInsensitiveOption);
    return tlsRe.match(errorString).hasMatch();
}

Error tlsFailure(const QUrl &url)
{
    Error error
            = Error::make(ErrorKind::NetworkError,
                          QCoreApplication::translate(
                                  "Errors", "A secure (TLS) connection to %1 could not be set up.")
                                  .arg(serverText(url)));
    error.retryable = false; // a certificate problem does not heal by itself
    error.actions &= ~Actions(Action::Retry);
    error.tips << QCoreApplication::translate(
            "Errors",
            "If the server uses a self-signed certificate or a private certificate authority, "
            "add its CA file in Settings.");
    error.tips << QCoreApplication::translate(
            "Errors",
            "Check that the certificate matches the server name and has not expired, "
            "or use http:// if the server does not use TLS.");
    return error;
}

Error refused(const QUrl &url)
{
    Error error
            = Error::make(ErrorKind::WorkerUnavailable,
                          QCoreApplication::translate(
                                  "Errors", "ComfyUI is not running at %1 (connection refused).")
                                  .arg(serverText(url)));
    error.tips << QCoreApplication::translate(
            "Errors", "Start ComfyUI on the server, or check the address and port in Settings.");
    error.tips << QCoreApplication::translate(
            "Errors",
            "If ComfyUI runs on another computer, start it with --listen so it "
            "accepts connections from the network.");
    return error;
}

Error proxyFailure(QNetworkReply::NetworkError code)
{
    if (code == QNetworkReply::ProxyAuthenticationRequiredError) {
        Error error = Error::make(
                ErrorKind::AuthFailed,
                QCoreApplication::translate("Errors", "The network proxy asks for a password."));
        error.tips << QCoreApplication::translate("Errors",
                                                  "Check the proxy settings of this computer.");
        return error;
    }
    Error error = Error::make(
            ErrorKind::NetworkError,
            QCoreApplication::translate("Errors", "The network proxy could not reach the server."));
    error.tips << QCoreApplication::translate("Errors",
                                              "Check the proxy settings of this computer.");
    return error;
}

Error plainNetwork(const QString &message, bool retryable)
{
    Error error = Error::make(ErrorKind::NetworkError, message);
    error.retryable = retryable;
    if (!retryable)
        error.actions &= ~Actions(Action::Retry);
    error.tips << QCoreApplication::translate(
            "Errors", "Check the network connection and the server address in Settings.");
    return error;
}

Error byCode(QNetworkReply::NetworkError code, const QString &errorString, const QUrl &url)
{
    using NR = QNetworkReply;
    switch (code) {
    case NR::TimeoutError:
        return Error::make(ErrorKind::Timeout,
                           QCoreApplication::translate("Errors", "%1 did not answer in time.")
                                   .arg(serverText(url)));
    case NR::ConnectionRefusedError:
        return refused(url);
    case NR::HostNotFoundError:
        return plainNetwork(QCoreApplication::translate("Errors",
                                                        "The server name of %1 could not be "
                                                        "found.")
                                    .arg(serverText(url)),
                            true);
    case NR::RemoteHostClosedError:
        return plainNetwork(
                QCoreApplication::translate("Errors", "%1 closed the connection unexpectedly.")
                        .arg(serverText(url)),
                true);
    case NR::ProxyConnectionRefusedError:
    case NR::ProxyConnectionClosedError:
    case NR::ProxyNotFoundError:
    case NR::ProxyTimeoutError:
    case NR::ProxyAuthenticationRequiredError:
        return proxyFailure(code);
    case NR::TooManyRedirectsError:
    case NR::InsecureRedirectError:
    case NR::ProtocolUnknownError:
    case NR::ProtocolInvalidOperationError:
        return plainNetwork(
                QCoreApplication::translate("Errors", "The request to %1 could not be made: %2")
                        .arg(serverText(url), clipped(errorString, MaxQuotedText)),
                false);
    case NR::ProtocolFailure:
        return Error::make(
                ErrorKind::ServerError,
                QCoreApplication::translate("Errors", "%1 sent an answer that is not valid HTTP.")
                        .arg(serverText(url)));
    default:
        return plainNetwork(QCoreApplication::translate("Errors", "The connection to %1 failed: %2")
                                    .arg(serverText(url), clipped(errorString, MaxQuotedText)),
                            true);
    }
}

} // namespace

Error classifyNetworkError(QNetworkReply::NetworkError error,
                           int httpStatus,
                           const QString &errorString,
                           const QByteArray &body,
                           const QUrl &url)
{
    if (error == QNetworkReply::OperationCanceledError) {
        Error canceled = makeCanceled();
        canceled.technicalDetail = redactSecrets(errorString);
        return canceled;
    }
    if (httpStatus >= 400)
        return classifyHttpStatus(httpStatus, errorString, body, url);
    Error result
            = looksLikeTls(error, errorString) ? tlsFailure(url) : byCode(error, errorString, url);
    result.httpStatus = httpStatus;
    result.technicalDetail = httpDetail(httpStatus, errorString, body);
    if (!url.isEmpty())
        result.technicalDetail.prepend(url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery)
                                       + u'\n');
    return finish(result);
}

namespace {

QNetworkReply::NetworkError replyCode(QAbstractSocket::SocketError error)
{
    using S = QAbstractSocket;
    using NR = QNetworkReply;
    switch (error) {
    case S::ConnectionRefusedError:
        return NR::ConnectionRefusedError;
    case S::HostNotFoundError:
        return NR::HostNotFoundError;
    case S::RemoteHostClosedError:
        return NR::RemoteHostClosedError;
    case S::SocketTimeoutError:
        return NR::TimeoutError;
    case S::SslHandshakeFailedError:
    case S::SslInternalError:
    case S::SslInvalidUserDataError:
        return NR::SslHandshakeFailedError;
    case S::ProxyAuthenticationRequiredError:
        return NR::ProxyAuthenticationRequiredError;
    case S::ProxyConnectionRefusedError:
        return NR::ProxyConnectionRefusedError;
    case S::ProxyConnectionClosedError:
        return NR::ProxyConnectionClosedError;
    case S::ProxyConnectionTimeoutError:
        return NR::ProxyTimeoutError;
    case S::ProxyNotFoundError:
        return NR::ProxyNotFoundError;
    case S::NetworkError:
    case S::TemporaryError:
        return NR::TemporaryNetworkFailureError;
    default:
        return NR::UnknownNetworkError;
    }
}

} // namespace

Error classifySocketError(QAbstractSocket::SocketError error,
                          const QString &errorString,
                          const QUrl &url)
{
    return classifyNetworkError(replyCode(error), 0, errorString, {}, url);
}

} // namespace comfyvideo::errors
