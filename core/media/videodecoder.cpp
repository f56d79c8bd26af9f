#include "videodecoder.h"

#include "avhandles.h"

#include <QFileInfo>
#include <QImageReader>

namespace comfyvideo::media {

namespace {

using OpenResult = std::expected<void, QString>;
using FrameResult = std::expected<QImage, QString>;

} // namespace

struct VideoDecoder::Private
{
    QString path;
    int frames = 0;
    bool inputEnded = false; // every packet was sent (and the flush packet too)
    bool decoderEnded = false;

    av::InputFormatPtr format;
    int streamIndex = -1;
    av::CodecContextPtr codec;
    av::PacketPtr packet;
    av::FramePtr frame;
    av::SwsPtr sws;
    std::unique_ptr<QImageReader> imageReader; // animated WebP

    OpenResult openFfmpeg();
    OpenResult openImageReader();
    FrameResult nextFfmpegFrame();
    FrameResult nextImageReaderFrame();
    std::expected<bool, QString> feedDecoder(); // false: nothing more to feed
    FrameResult toImage();
};

VideoDecoder::VideoDecoder()
    : d(std::make_unique<Private>())
{}

VideoDecoder::~VideoDecoder() = default;

int VideoDecoder::framesDecoded() const
{
    return d->frames;
}

OpenResult VideoDecoder::open(const QString &path)
{
    if (av_log_get_level() > AV_LOG_ERROR)
        av_log_set_level(AV_LOG_ERROR);
    d->path = path;
    if (!QFileInfo(path).isFile())
        return std::unexpected(tr("The video file %1 does not exist.").arg(path));
    return d->openFfmpeg();
}

FrameResult VideoDecoder::nextFrame()
{
    FrameResult result = d->imageReader ? d->nextImageReaderFrame() : d->nextFfmpegFrame();
    if (result && !result->isNull())
        ++d->frames;
    return result;
}

OpenResult VideoDecoder::Private::openFfmpeg()
{
    AVFormatContext *rawFormat = nullptr;
    int ret = avformat_open_input(&rawFormat, av::fileUrl(path).constData(), nullptr, nullptr);
    format.reset(rawFormat);
    if (ret < 0) {
        return std::unexpected(
                VideoDecoder::tr("Could not open %1 as a video: %2").arg(path, av::errorText(ret)));
    }
    if ((ret = avformat_find_stream_info(format.get(), nullptr)) < 0) {
        return std::unexpected(VideoDecoder::tr("Could not read the streams of %1: %2")
                                       .arg(path, av::errorText(ret)));
    }
    const AVCodec *decoder = nullptr;
    streamIndex = av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
    if (streamIndex < 0) {
        return std::unexpected(VideoDecoder::tr("%1 contains no video stream: %2")
                                       .arg(path, av::errorText(streamIndex)));
    }
    const AVCodecParameters *par = format->streams[streamIndex]->codecpar;
    // FFmpeg 5.1 parses animated WebP as a 0x0 image it cannot decode.
    if (par->codec_id == AV_CODEC_ID_WEBP && par->width == 0)
        return openImageReader();
    if (!decoder) {
        return std::unexpected(
                VideoDecoder::tr("This FFmpeg build cannot decode the %1 video %2.")
                        .arg(QString::fromLatin1(avcodec_get_name(par->codec_id)), path));
    }
    codec.reset(avcodec_alloc_context3(decoder));
    packet.reset(av_packet_alloc());
    frame.reset(av_frame_alloc());
    if (!codec || !packet || !frame)
        return std::unexpected(VideoDecoder::tr("Out of memory while opening %1.").arg(path));
    if ((ret = avcodec_parameters_to_context(codec.get(), par)) < 0
        || (ret = avcodec_open2(codec.get(), decoder, nullptr)) < 0) {
        return std::unexpected(
                VideoDecoder::tr("Could not open the %1 decoder for %2: %3")
                        .arg(QString::fromLatin1(decoder->name), path, av::errorText(ret)));
    }
    return {};
}

OpenResult VideoDecoder::Private::openImageReader()
{
    format.reset();
    imageReader = std::make_unique<QImageReader>(path, QByteArrayLiteral("webp"));
    if (!imageReader->canRead()) {
        return std::unexpected(VideoDecoder::tr("Could not read the animated WebP %1: %2")
                                       .arg(path, imageReader->errorString()));
    }
    return {};
}

FrameResult VideoDecoder::Private::nextImageReaderFrame()
{
    // read() moves on to the next frame by itself; imageCount() says where the end is.
    const int count = imageReader->imageCount();
    if (decoderEnded || (count > 0 && frames >= count) || (frames > 0 && !imageReader->canRead())) {
        decoderEnded = true;
        return QImage();
    }
    QImage image = imageReader->read();
    if (image.isNull()) {
        return std::unexpected(VideoDecoder::tr("Could not read frame %1 of %2: %3")
                                       .arg(frames + 1)
                                       .arg(path, imageReader->errorString()));
    }
    return image.convertToFormat(QImage::Format_RGBA8888);
}

FrameResult VideoDecoder::Private::nextFfmpegFrame()
{
    while (!decoderEnded) {
        const int ret = avcodec_receive_frame(codec.get(), frame.get());
        if (ret == 0)
            return toImage();
        if (ret == AVERROR_EOF) {
            decoderEnded = true;
            break;
        }
        if (ret != AVERROR(EAGAIN)) {
            return std::unexpected(VideoDecoder::tr("Could not decode frame %1 of %2: %3")
                                           .arg(frames + 1)
                                           .arg(path, av::errorText(ret)));
        }
        auto fed = feedDecoder();
        if (!fed)
            return std::unexpected(fed.error());
    }
    return QImage();
}

// Sends the next packet of the video stream, or the flush packet at the end of the file.
std::expected<bool, QString> VideoDecoder::Private::feedDecoder()
{
    if (inputEnded)
        return false;
    for (;;) {
        int ret = av_read_frame(format.get(), packet.get());
        if (ret == AVERROR_EOF) {
            inputEnded = true;
            avcodec_send_packet(codec.get(), nullptr);
            return true;
        }
        if (ret < 0) {
            return std::unexpected(VideoDecoder::tr("Could not read %1 (damaged or truncated?): %2")
                                           .arg(path, av::errorText(ret)));
        }
        if (packet->stream_index != streamIndex) {
            av_packet_unref(packet.get());
            continue;
        }
        ret = avcodec_send_packet(codec.get(), packet.get());
        av_packet_unref(packet.get());
        if (ret < 0 && ret != AVERROR(EAGAIN)) {
            return std::unexpected(VideoDecoder::tr("Could not decode frame %1 of %2: %3")
                                           .arg(frames + 1)
                                           .arg(path, av::errorText(ret)));
        }
        return true;
    }
}

FrameResult VideoDecoder::Private::toImage()
{
    QImage image(frame->width, frame->height, QImage::Format_RGBA8888);
    if (image.isNull())
        return std::unexpected(VideoDecoder::tr("Out of memory while decoding %1.").arg(path));
    sws.reset(sws_getCachedContext(sws.release(),
                                   frame->width,
                                   frame->height,
                                   AVPixelFormat(frame->format),
                                   image.width(),
                                   image.height(),
                                   AV_PIX_FMT_RGBA,
                                   SWS_BICUBIC,
                                   nullptr,
                                   nullptr,
                                   nullptr));
    if (!sws) {
        av_frame_unref(frame.get());
        return std::unexpected(
                VideoDecoder::tr("Cannot convert the frames of %1 to RGB.").arg(path));
    }
    uint8_t *const targetPlanes[] = {image.bits()};
    const int targetStrides[] = {int(image.bytesPerLine())};
    sws_scale(
            sws.get(), frame->data, frame->linesize, 0, frame->height, targetPlanes, targetStrides);
    av_frame_unref(frame.get());
    return image;
}

} // namespace comfyvideo::media
