#pragma once

#include <QCoreApplication>
#include <QImage>
#include <QString>
#include <expected>
#include <memory>

namespace comfyvideo::media {

// Decodes a video file frame by frame into QImages (RGBA8888) with the FFmpeg libraries; only
// the current frame is held. Animated WebP, which FFmpeg 5.1 cannot decode, is read with
// QImageReader (Qt's webp plugin). Not thread-safe; one decoder per file and thread.
// Errors are translated messages that name the file and include FFmpeg's error text.
class VideoDecoder
{
    Q_DECLARE_TR_FUNCTIONS(comfyvideo::media::VideoDecoder)

public:
    VideoDecoder();
    ~VideoDecoder();
    VideoDecoder(const VideoDecoder &) = delete;
    VideoDecoder &operator=(const VideoDecoder &) = delete;

    std::expected<void, QString> open(const QString &path);
    // The next frame in display order; a null QImage once the stream has ended.
    std::expected<QImage, QString> nextFrame();
    int framesDecoded() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace comfyvideo::media
