#include "transcode.h"

#include "videodecoder.h"
#include "videoencoder.h"

#include <QCoreApplication>
#include <cstring>

namespace comfyvideo::media {

namespace {

using Result = std::expected<void, QString>;

constexpr double FallbackFps = 8.0;
constexpr double MaxFps = 240.0;

} // namespace

QImage padToEven(const QImage &frame)
{
    const int width = frame.width() + (frame.width() % 2);
    const int height = frame.height() + (frame.height() % 2);
    if (width == frame.width() && height == frame.height())
        return frame;
    const QImage source = frame.convertToFormat(QImage::Format_RGBA8888);
    QImage padded(width, height, QImage::Format_RGBA8888);
    if (padded.isNull())
        return {};
    constexpr int PixelBytes = 4;
    for (int y = 0; y < height; ++y) {
        const auto *from = source.constScanLine(qMin(y, source.height() - 1));
        auto *to = padded.scanLine(y);
        std::memcpy(to, from, size_t(source.width()) * PixelBytes);
        if (width > source.width()) // repeat the last column
            std::memcpy(to + size_t(source.width()) * PixelBytes,
                        from + size_t(source.width() - 1) * PixelBytes,
                        PixelBytes);
    }
    return padded;
}

Result transcodeToMp4(const QString &source,
                      const VideoInfo &info,
                      const QString &target,
                      const ExportControl &control)
{
    VideoDecoder decoder;
    if (auto opened = decoder.open(source); !opened)
        return opened;
    // The encoder is opened with the first frame's size (probe sizes can be 0 for WebP).
    std::unique_ptr<VideoEncoder> encoder;
    for (;;) {
        if (control.isCanceled())
            return std::unexpected(QCoreApplication::translate("comfyvideo::media::VideoExporter",
                                                               "Export canceled."));
        auto frame = decoder.nextFrame();
        if (!frame)
            return std::unexpected(frame.error());
        if (frame->isNull())
            break;
        const QImage even = padToEven(*frame);
        if (even.isNull()) {
            return std::unexpected(QCoreApplication::translate("comfyvideo::media::VideoExporter",
                                                               "Out of memory while exporting %1.")
                                           .arg(source));
        }
        if (!encoder) {
            EncodeSettings settings;
            settings.container = VideoContainer::H264Mp4;
            settings.width = even.width();
            settings.height = even.height();
            settings.fps = info.fps > 0.0 && info.fps <= MaxFps ? info.fps : FallbackFps;
            encoder = std::make_unique<VideoEncoder>(settings);
            if (auto opened = encoder->open(target); !opened)
                return opened;
        }
        if (auto added = encoder->addFrame(even); !added)
            return added;
        control.report(encoder->framesWritten());
    }
    if (!encoder) {
        return std::unexpected(QCoreApplication::translate("comfyvideo::media::VideoExporter",
                                                           "%1 contains no video frames.")
                                       .arg(source));
    }
    return encoder->finish();
}

} // namespace comfyvideo::media
