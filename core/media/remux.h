#pragma once

// Stream copy into an MP4 with +faststart (internal to core/media): the video stream, and the
// audio streams the MP4 muxer accepts; data and subtitle streams are dropped.

#include "exportcontrol.h"

#include <QString>
#include <expected>

namespace comfyvideo::media {

// Writes `target` (created or truncated). On failure or cancel the caller removes `target`.
// Progress counts video packets. Errors are translated and name the file.
std::expected<void, QString>
remuxToMp4(const QString &source, const QString &target, const ExportControl &control);

} // namespace comfyvideo::media
