#pragma once

// Decode + H.264 encode into an MP4 (internal to core/media): frame by frame with
// VideoDecoder and VideoEncoder, at the source's frame rate, odd sizes padded to even.

#include "exportcontrol.h"
#include "videoprobe.h"

#include <QImage>
#include <QString>
#include <expected>

namespace comfyvideo::media {

// Writes `target`; `info` is the source's probe (fps, size). On failure or cancel the
// target is removed. Progress counts encoded frames. Errors are translated.
std::expected<void, QString> transcodeToMp4(const QString &source,
                                            const VideoInfo &info,
                                            const QString &target,
                                            const ExportControl &control);

// The frame grown to an even width and height by repeating its last column / row.
QImage padToEven(const QImage &frame);

} // namespace comfyvideo::media
