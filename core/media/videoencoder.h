#pragma once

#include <QString>
#include <expected>
#include <memory>

class QImage;

namespace comfyvideo::media {

enum class VideoContainer {
    H264Mp4,      // libx264, yuv420p, +faststart
    Webm,         // libvpx-vp9, yuv420p
    Gif,          // gif, paletted (looping)
    AnimatedWebp, // libwebp_anim (or libwebp), looping
};

struct EncodeSettings
{
    VideoContainer container = VideoContainer::H264Mp4;
    int width = 512;  // even numbers for yuv420p
    int height = 512;
    double fps = 8.0;
    int crf = 19;
};

// Encodes frames to a video file with the FFmpeg libraries, one frame at a time (nothing is
// held beyond the encoder's own buffers). Not thread-safe; one encoder per file.
class VideoEncoder
{
public:
    explicit VideoEncoder(const EncodeSettings &settings);
    ~VideoEncoder();
    VideoEncoder(const VideoEncoder &) = delete;
    VideoEncoder &operator=(const VideoEncoder &) = delete;

    std::expected<void, QString> open(const QString &path);
    // Any QImage format; it is scaled to the configured size when it differs.
    std::expected<void, QString> addFrame(const QImage &frame);
    // Flushes, writes the trailer and closes the file. The file is complete only after this.
    std::expected<void, QString> finish();
    int framesWritten() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace comfyvideo::media
