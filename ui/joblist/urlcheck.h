#pragma once

#include <QList>
#include <QString>
#include <QUrl>

#include <expected>

namespace comfyvideo::ui {

// Checks a typed ComfyUI server address (issue 6): http or https only, a host, no user info
// (secrets belong in the keychain), no query or fragment. A bare "host:port" gets "http://";
// trailing slashes of the path are dropped. The error is a specific, translated sentence.
std::expected<QUrl, QString> checkServerUrl(const QString &text);

// The same, and refused when the normalised URL is already in `existing`.
std::expected<QUrl, QString> checkNewServerUrl(const QString &text, const QList<QUrl> &existing);

} // namespace comfyvideo::ui
