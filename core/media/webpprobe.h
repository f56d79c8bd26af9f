#pragma once

// Reads an animated WebP's RIFF chunks (VP8X, ANIM, ANMF). FFmpeg 5.1's webp demuxer skips
// ANIM/ANMF and reports 0x0, so probeVideo uses this for animated WebP files (internal).

#include "videoprobe.h"

#include <QByteArray>
#include <expected>

namespace comfyvideo::media {

// Returns the info of an animated WebP, or an error text when data is not one.
std::expected<VideoInfo, QString> probeAnimatedWebp(const QByteArray &data);

} // namespace comfyvideo::media
