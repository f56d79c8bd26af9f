#pragma once

#include <QString>
#include <expected>

namespace comfyvideo::media {

struct VideoInfo
{
    QString container;   // libavformat short name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    QString codec;       // "h264", "vp9", "gif", "webp"
    QString pixelFormat; // "yuv420p", ...
    int width = 0;
    int height = 0;
    double fps = 0.0;
    int frameCount = 0; // counted by demuxing packets (exact)
    qint64 durationMs = 0;
};

// Reads a video file's header and counts its frames without decoding pixels. fps is the
// stream's average rate (GIF: from its centisecond delays). Animated WebP, which FFmpeg 5.1
// cannot parse, is read from its RIFF chunks (container "webp", fps from the frame delays).
// Errors (translated) name the file: missing, not a video, no video stream, truncated.
std::expected<VideoInfo, QString> probeVideo(const QString &path);

} // namespace comfyvideo::media
