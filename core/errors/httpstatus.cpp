// classifyHttpStatus: what an HTTP error status means for a ComfyUI client.

#include "errors/classification.h"
#include "errors/classifyutil.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace comfyvideo::errors::detail {

namespace {

using namespace Qt::StringLiterals;

Error authFailed(int status, const QByteArray &body)
{
    Error error = Error::make(
            ErrorKind::AuthFailed,
            QCoreApplication::translate("Errors", "The server refused access (HTTP %1).")
                    .arg(status));
    error.tips << QCoreApplication::translate(
            "Errors", "Check the access token or password for this server in Settings.");
    if (status == 403 && body.trimmed().isEmpty()) {
        error.tips << QCoreApplication::translate(
                "Errors",
                "If a web page or proxy sits in front of ComfyUI, it may be checking the request's "
                "origin: start ComfyUI with --enable-cors-header, or connect to it directly.");
    }
    return error;
}

Error notComfyUi(int status, const QUrl &url)
{
    Error error = Error::make(
            ErrorKind::WorkerUnavailable,
            QCoreApplication::translate("Errors",
                                        "%1 answered, but it does not look like a ComfyUI server "
                                        "(HTTP %2).")
                    .arg(serverText(url))
                    .arg(status));
    error.retryable = false;
    error.tips << QCoreApplication::translate(
            "Errors",
            "Check the server address and port in Settings (ComfyUI uses 8188 by "
            "default).");
    return error;
}

Error busy(int status, const QUrl &url)
{
    Error error = Error::make(
            ErrorKind::WorkerUnavailable,
            QCoreApplication::translate("Errors", "%1 is not available right now (HTTP %2).")
                    .arg(serverText(url))
                    .arg(status));
    error.tips << QCoreApplication::translate(
            "Errors", "Wait a moment and try again; ComfyVideo retries by itself first.");
    return error;
}

Error tooLarge()
{
    Error error = Error::make(
            ErrorKind::InvalidParams,
            QCoreApplication::translate("Errors",
                                        "The file is too large for the server (ComfyUI accepts "
                                        "100 MB unless told otherwise)."));
    error.tips << QCoreApplication::translate("Errors", "Use a smaller reference image.");
    error.tips << QCoreApplication::translate("Errors",
                                              "Or start ComfyUI with a larger --max-upload-size.");
    return error;
}

Error duplicatePrompt()
{
    Error error = Error::make(
            ErrorKind::ServerError,
            QCoreApplication::translate("Errors",
                                        "The server already has a prompt with this id; it may "
                                        "already be making this video."));
    error.retryable = false;
    error.fallbackAllowed = false;
    error.tips << QCoreApplication::translate(
            "Errors", "Look at the server's queue and history before starting the job again.");
    return error;
}

// aiohttp's 500 page; servers before 2024-05-20 crashed this way on an unknown class_type.
Error internalError(const QByteArray &body)
{
    static const QRegularExpression keyErrorRe(u"KeyError: '([A-Za-z_][\\w .+-]*)'"_s);
    const QRegularExpressionMatch m = keyErrorRe.match(QString::fromUtf8(body.left(256 * 1024)));
    if (m.hasMatch()) {
        Error error;
        error.httpStatus = 500;
        describeMissingNode(error, m.captured(1), {});
        return error;
    }
    Error error = Error::make(
            ErrorKind::ServerError,
            QCoreApplication::translate("Errors", "The server hit an internal error (HTTP 500)."));
    error.tips << QCoreApplication::translate(
            "Errors", "Look at the ComfyUI log on the server for the Python error.");
    error.tips << QCoreApplication::translate(
            "Errors",
            "ComfyUI versions from before mid-2024 answer this way when a custom node the "
            "workflow needs is not installed.");
    return error;
}

Error otherStatus(int status)
{
    if (status >= 500) {
        return Error::make(
                ErrorKind::ServerError,
                QCoreApplication::translate("Errors", "The server failed (HTTP %1).").arg(status));
    }
    Error error = Error::make(
            ErrorKind::ServerError,
            QCoreApplication::translate("Errors", "The server gave an unexpected answer (HTTP %1).")
                    .arg(status));
    error.retryable = false;
    return error;
}

Error byStatus(int status, const QByteArray &body, const QUrl &url)
{
    switch (status) {
    case 401:
    case 403:
    case 407:
        return authFailed(status, body);
    case 404:
    case 405:
        return notComfyUi(status, url);
    case 408:
        return Error::make(ErrorKind::Timeout,
                           QCoreApplication::translate("Errors",
                                                       "The server gave up waiting for the "
                                                       "request (HTTP 408)."));
    case 409:
        return duplicatePrompt();
    case 413:
        return tooLarge();
    case 429:
    case 502:
    case 503:
    case 504:
        return busy(status, url);
    case 500:
        return internalError(body);
    default:
        return otherStatus(status);
    }
}

} // namespace

QString httpDetail(int status, const QString &errorString, const QByteArray &body)
{
    QStringList lines;
    if (status != 0)
        lines << u"HTTP "_s + QString::number(status);
    if (!errorString.isEmpty())
        lines << errorString;
    if (!body.isEmpty())
        lines << QString::fromUtf8(body.left(MaxTechnicalDetail));
    return lines.join(u'\n');
}

QString serverText(const QUrl &url)
{
    if (url.isEmpty() || url.host().isEmpty())
        return QCoreApplication::translate("Errors", "The server");
    return url
            .adjusted(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery
                      | QUrl::RemoveFragment)
            .toDisplayString();
}

Error classifyHttpStatus(int status,
                         const QString &errorString,
                         const QByteArray &body,
                         const QUrl &url)
{
    if (status == 400)
        return classifyPromptRejection(status, body);
    Error error = byStatus(status, body, url);
    error.httpStatus = status;
    error.technicalDetail = httpDetail(status, errorString, body);
    return finish(error);
}

} // namespace comfyvideo::errors::detail
