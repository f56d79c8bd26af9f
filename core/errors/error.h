#pragma once

#include "errors/errorkind.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace comfyvideo::errors {

// One failure, as a value: what the scheduler decides on (kind, retryable, fallbackAllowed) and
// what the error panel shows (userMessage, tips, actions, copyableDetails). The texts are
// translated when the error is made; the classification functions (classification.h) also pass
// every text through redactSecrets(), so errors they return are safe to store, log and copy.
struct Error
{
    ErrorKind kind = ErrorKind::Unknown;
    bool retryable = false;      // retry on the same backend (usually isRetryable(kind))
    bool fallbackAllowed = true; // move on to the next backend (usually allowsFallback(kind))
    int httpStatus = 0;          // 0 when no HTTP answer was involved
    QString nodeId;              // ComfyUI node id ("9"), when one node is to blame
    QString nodeType;            // its class_type ("KSampler")
    QString inputName;           // the input concerned ("ckpt_name", "steps"), when known
    QString missingName;         // the model file or node class that is missing, when known
    QStringList alternatives;    // what the server has instead (installed models), when listed
    QString technicalDetail;     // raw server text / exception / traceback, redacted
    QString userMessage;         // one or a few plain sentences
    QStringList tips;            // what to do about it, one sentence each
    Actions actions;             // what the error panel offers

    // An error with the kind's default policy and actions.
    static Error make(ErrorKind kind, const QString &userMessage);

    // "KSampler (node 9)", "node 9", "KSampler", or empty.
    QString nodeLabel() const;

    // A plain-text block for the clipboard / a bug report: kind, message, node, HTTP status,
    // tips and the technical detail.
    QString copyableDetails() const;

    // Lossless JSON for the job store.
    QJsonObject toJsonObject() const;
    QString toJson() const;
    // std::nullopt when the text is not a JSON object with a string "kind". A kind name this
    // build does not know (written by a newer version) reads as ErrorKind::Unknown.
    static std::optional<Error> fromJsonObject(const QJsonObject &object);
    static std::optional<Error> fromJson(const QString &json);

    bool operator==(const Error &other) const = default;
};

} // namespace comfyvideo::errors
