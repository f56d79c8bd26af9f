#include "comfy/failureerror.h"

#include "errors/classification.h"
#include "errors/redaction.h"

#include <QCoreApplication>
#include <QUrl>

namespace comfyvideo::comfy {

namespace {

errors::Error serverError(const QString &message, const Failure &failure, bool retryable)
{
    errors::Error error = errors::Error::make(errors::ErrorKind::ServerError, message);
    error.retryable = retryable;
    error.httpStatus = failure.httpStatus;
    error.technicalDetail = errors::redactSecrets(failure.detail);
    return error;
}

} // namespace

errors::Error toError(const Failure &failure)
{
    using Stage = Failure::Stage;
    const bool transport
            = failure.networkError != QNetworkReply::NoError || failure.httpStatus >= 300;
    switch (failure.stage) {
    case Stage::Rejected:
        return errors::classifyPromptRejection(failure.httpStatus, failure.body);
    case Stage::Execution:
        return errors::classifyExecutionError(failure.executionError);
    case Stage::Interrupted:
        return errors::makeInterrupted(failure.executionError);
    case Stage::Canceled:
        return errors::makeCanceled();
    case Stage::Lost:
        return serverError(QCoreApplication::translate(
                                   "ComfyClient",
                                   "ComfyUI no longer knows this job (it was probably restarted)."),
                           failure,
                           true);
    case Stage::Malformed:
        return serverError(QCoreApplication::translate(
                                   "ComfyClient", "ComfyUI sent an answer ComfyVideo cannot read."),
                           failure,
                           true);
    case Stage::Download:
        if (!transport)
            return serverError(QCoreApplication::translate(
                                       "ComfyClient", "The finished video could not be saved."),
                               failure,
                               false);
        if (failure.httpStatus == 404) {
            // The server itself named the file in its history: it ran the prompt but cannot
            // send the result (deleted, or a name it cannot serve). Not "no ComfyUI here".
            return serverError(
                    QCoreApplication::translate(
                            "ComfyClient", "ComfyUI reported a video file that it cannot send."),
                    failure,
                    false);
        }
        [[fallthrough]];
    case Stage::Network:
        break;
    }
    return errors::classifyNetworkError(failure.networkError,
                                        failure.httpStatus,
                                        failure.detail,
                                        failure.body,
                                        QUrl(failure.url));
}

} // namespace comfyvideo::comfy
