#pragma once

// Internal helpers shared by the classification sources. Not part of the module's API.

#include "errors/error.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>
#include <QUrl>

namespace comfyvideo::errors::detail {

// Longest technicalDetail kept (bytes of UTF-16); longer texts are cut with a marker.
inline constexpr qsizetype MaxTechnicalDetail = 32 * 1024;
// Longest server text quoted in a user message.
inline constexpr qsizetype MaxQuotedText = 300;

// Redacts every text of the error and caps technicalDetail. Call last.
Error finish(Error error);

// Cuts text to at most `max` characters, adding "…" when cut.
QString clipped(const QString &text, qsizetype max);

// The first non-empty line of a text, trimmed and clipped to MaxQuotedText.
QString firstLine(const QString &text);

// "torch.OutOfMemoryError" -> "OutOfMemoryError"; "ValueError" -> "ValueError".
QString lastComponent(const QString &dottedName);

// "KSampler (node 9)" / "node 9" / "KSampler" / "the server" when both are empty.
QString nodeText(const QString &nodeType, const QString &nodeId);

// A JSON value as a short display string (strings bare, others compact JSON).
QString displayValue(const QJsonValue &value);

// The last path component of a Windows or POSIX path ("C:\\m\\x.ckpt" -> "x.ckpt").
QString baseName(const QString &path);

// Turns `error` into a missing_custom_node error for `nodeClass`, with the pack hint.
void describeMissingNode(Error &error, const QString &nodeClass, const QString &nodeTitle);

// "HTTP 503" + the error string + the start of the body, for technicalDetail.
QString httpDetail(int status, const QString &errorString, const QByteArray &body);

// "http://host:port" without user info, path or query; "the server" when empty.
QString serverText(const QUrl &url);

// An HTTP error status other than a ComfyUI 400 (401, 403, 404, 409, 413, 429, 5xx, ...).
Error classifyHttpStatus(int status,
                         const QString &errorString,
                         const QByteArray &body,
                         const QUrl &url);

} // namespace comfyvideo::errors::detail
