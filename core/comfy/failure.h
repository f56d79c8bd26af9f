#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkReply>
#include <QString>

namespace comfyvideo::comfy {

// The raw facts of a failure, unclassified: errors::classify* turns them into a user-facing
// Error in one place (network -> classifyNetworkError, Rejected -> classifyPromptRejection,
// Execution -> classifyExecutionError).
struct Failure
{
    enum class Stage {
        Network,     // transport error or unexpected HTTP status (see networkError/httpStatus)
        Rejected,    // POST /prompt answered non-200: body holds ComfyUI's error JSON
        Malformed,   // an answer that is not the JSON we expect
        Execution,   // execution_error: executionError holds its data
        Interrupted, // execution_interrupted we did not ask for: executionError holds its data
        Lost,        // the server no longer knows the prompt (restarted): resubmit
        Download,    // output fetch failed (see detail)
        Canceled,    // aborted by us
    };

    Stage stage = Stage::Network;
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    int httpStatus = 0;
    QByteArray body;
    QJsonObject executionError;
    QString url;
    QString detail; // technical, English, for logs and "Copy details"
    bool operator==(const Failure &) const = default;

    // A 200 answer whose JSON is not what the route promises.
    static Failure malformed(const QString &url, const QString &detail)
    {
        Failure f;
        f.stage = Stage::Malformed;
        f.httpStatus = 200;
        f.url = url;
        f.detail = detail;
        return f;
    }
};

} // namespace comfyvideo::comfy
