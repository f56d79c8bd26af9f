#pragma once

#include <QCoreApplication>
#include <QString>
#include <expected>
#include <memory>

class QImage;

namespace comfyvideo::media {

enum class VideoContainer {
    H264Mp4,      // libx264, yuv420p, +faststart
    Webm,         // libvpx-vp9 (libvpx VP8 if VP9 is missing), yuv420p
    Gif,          // gif, adaptive 256-colour palette per frame (looping)
    AnimatedWebp, // libwebp_anim (or libwebp), looping
};

struct EncodeSettings
{
    VideoContainer container = VideoContainer::H264Mp4;
    // H264Mp4 and Webm (yuv420p) need even numbers: open() refuses odd ones with a message.
    // Gif and AnimatedWebp take any size.
    int width = 512;
    int height = 512;
    double fps = 8.0; // fractional rates (7.5, 29.97) are kept exactly as a rational
    // H264Mp4: x264 crf 0..51. Webm: vpx crf 0..63. AnimatedWebp: quality = 100 - crf
    // (0..100). Gif: ignored (adaptive palette).
    int crf = 19;
};

// Encodes frames to a video file with the FFmpeg libraries, one frame at a time (nothing is
// held beyond the encoder's own buffers). Not thread-safe; one encoder per file.
// Errors are translated messages that name what failed and include FFmpeg's error text.
// A file that was not finish()ed successfully is removed (on failure or destruction).
class VideoEncoder
{
    Q_DECLARE_TR_FUNCTIONS(comfyvideo::media::VideoEncoder)

public:
    explicit VideoEncoder(const EncodeSettings &settings);
    ~VideoEncoder();
    VideoEncoder(const VideoEncoder &) = delete;
    VideoEncoder &operator=(const VideoEncoder &) = delete;

    std::expected<void, QString> open(const QString &path);
    // Any QImage format; it is scaled (stretched) to the configured size when it differs.
    std::expected<void, QString> addFrame(const QImage &frame);
    // Flushes, writes the trailer and closes the file. The file is complete only after this.
    std::expected<void, QString> finish();
    int framesWritten() const;

    // The name of the FFmpeg encoder open() chose (e.g. "libx264"); empty before open().
    QString encoderName() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace comfyvideo::media
