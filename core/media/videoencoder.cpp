#include "videoencoder.h"

#include "avhandles.h"
#include "containerprofile.h"
#include "palettequantizer.h"

#include <QFile>
#include <QFileInfo>
#include <QImage>

namespace comfyvideo::media {

namespace {

using Result = std::expected<void, QString>;

constexpr int MaxDimension = 16384;
constexpr double MaxFps = 240.0;

void quietFfmpegLog()
{
    if (av_log_get_level() > AV_LOG_ERROR)
        av_log_set_level(AV_LOG_ERROR);
}

} // namespace

struct VideoEncoder::Private
{
    enum class State { Idle, Open, Finished, Failed };

    EncodeSettings settings;
    State state = State::Idle;
    QString path;         // as given, for messages
    QString absolutePath; // what discardFile() removes, even if the working directory changes
    QString encoderName;
    QString failure; // the first error; repeated by later calls once Failed
    bool fileCreated = false;
    int frames = 0;
    AVRational frameRate{0, 1};

    av::OutputFormatPtr format;
    AVStream *stream = nullptr; // owned by format
    av::CodecContextPtr codec;
    av::FramePtr frame;
    av::PacketPtr packet;
    av::SwsPtr sws;
    av::FramePtr paletteSource; // GIF only: the scaled RGBA frame before quantizing
    std::unique_ptr<PaletteQuantizer> quantizer;

    Result validateSettings() const;
    Result createContexts(const ContainerProfile &profile);
    Result openFile();
    Result allocateFrames();
    Result convert(const QImage &image);
    Result encode(const AVFrame *input);
    Result writePendingPackets();
    Result fail(const QString &message);
    void discardFile();
};

VideoEncoder::VideoEncoder(const EncodeSettings &settings)
    : d(std::make_unique<Private>())
{
    d->settings = settings;
}

VideoEncoder::~VideoEncoder()
{
    if (d->state != Private::State::Finished)
        d->discardFile();
}

int VideoEncoder::framesWritten() const
{
    return d->frames;
}

QString VideoEncoder::encoderName() const
{
    return d->encoderName;
}

Result VideoEncoder::open(const QString &path)
{
    if (d->state != Private::State::Idle)
        return std::unexpected(tr("The video encoder was already opened."));
    quietFfmpegLog();
    d->path = path;
    d->absolutePath = QFileInfo(path).absoluteFilePath();
    if (auto valid = d->validateSettings(); !valid)
        return d->fail(valid.error());
    if (auto created = d->createContexts(profileFor(d->settings.container)); !created)
        return d->fail(created.error());
    if (auto opened = d->openFile(); !opened)
        return d->fail(opened.error());
    d->state = Private::State::Open;
    return {};
}

Result VideoEncoder::addFrame(const QImage &image)
{
    if (d->state == Private::State::Failed)
        return std::unexpected(d->failure);
    if (d->state != Private::State::Open)
        return std::unexpected(tr("The video encoder is not open."));
    if (image.isNull())
        return std::unexpected(tr("Frame %1 is an empty image.").arg(d->frames + 1));
    if (auto converted = d->convert(image); !converted)
        return d->fail(converted.error());
    d->frame->pts = d->frames;
    if (auto encoded = d->encode(d->frame.get()); !encoded)
        return d->fail(encoded.error());
    ++d->frames;
    return {};
}

Result VideoEncoder::finish()
{
    if (d->state == Private::State::Failed)
        return std::unexpected(d->failure);
    if (d->state != Private::State::Open)
        return std::unexpected(tr("The video encoder is not open."));
    if (d->frames == 0)
        return d->fail(tr("No frames were added to the video %1.").arg(d->path));
    if (auto flushed = d->encode(nullptr); !flushed)
        return d->fail(flushed.error());
    if (const int ret = av_write_trailer(d->format.get()); ret < 0)
        return d->fail(
                tr("Could not finish the video file %1: %2").arg(d->path, av::errorText(ret)));
    if (const int ret = avio_closep(&d->format->pb); ret < 0)
        return d->fail(
                tr("Could not close the video file %1: %2").arg(d->path, av::errorText(ret)));
    d->state = Private::State::Finished;
    d->format.reset();
    d->codec.reset();
    d->sws.reset();
    d->frame.reset();
    d->packet.reset();
    return {};
}

Result VideoEncoder::Private::validateSettings() const
{
    const ContainerProfile &profile = profileFor(settings.container);
    const QString name = containerName(settings.container);
    if (settings.width <= 0 || settings.height <= 0 || settings.width > MaxDimension
        || settings.height > MaxDimension) {
        return std::unexpected(VideoEncoder::tr("The video size %1x%2 is not valid.")
                                       .arg(settings.width)
                                       .arg(settings.height));
    }
    if (profile.needsEvenSize && (settings.width % 2 != 0 || settings.height % 2 != 0)) {
        return std::unexpected(
                VideoEncoder::tr("%1 video needs an even width and height; %2x%3 is odd.")
                        .arg(name)
                        .arg(settings.width)
                        .arg(settings.height));
    }
    if (!(settings.fps > 0.0 && settings.fps <= MaxFps))
        return std::unexpected(
                VideoEncoder::tr("The frame rate %1 is not valid.").arg(settings.fps));
    if (profile.maxCrf > 0 && (settings.crf < 0 || settings.crf > profile.maxCrf)) {
        return std::unexpected(
                VideoEncoder::tr("The quality (crf) %1 is out of range for %2 (0 to %3).")
                        .arg(settings.crf)
                        .arg(name)
                        .arg(profile.maxCrf));
    }
    return {};
}

Result VideoEncoder::Private::createContexts(const ContainerProfile &profile)
{
    const AVCodec *encoder = nullptr;
    for (const char *name : profile.encoders) {
        if ((encoder = avcodec_find_encoder_by_name(name)))
            break;
    }
    if (!encoder) {
        return std::unexpected(
                VideoEncoder::tr("This FFmpeg build has no encoder for %1 (looked for %2).")
                        .arg(containerName(settings.container),
                             QString::fromLatin1(profile.encoders.front())));
    }
    AVFormatContext *rawFormat = nullptr;
    // The muxer keeps the file name: the MP4 faststart pass reopens the file to move moov.
    int ret = avformat_alloc_output_context2(
            &rawFormat, nullptr, profile.muxer, av::fileUrl(absolutePath).constData());
    format.reset(rawFormat);
    if (ret < 0 || !format) {
        return std::unexpected(
                VideoEncoder::tr("This FFmpeg build has no %1 muxer: %2")
                        .arg(QString::fromLatin1(profile.muxer), av::errorText(ret)));
    }
    stream = avformat_new_stream(format.get(), nullptr);
    codec.reset(avcodec_alloc_context3(encoder));
    frame.reset(av_frame_alloc());
    packet.reset(av_packet_alloc());
    if (!stream || !codec || !frame || !packet)
        return std::unexpected(
                VideoEncoder::tr("Out of memory while setting up the video encoder."));

    encoderName = QString::fromLatin1(encoder->name);
    frameRate = frameRateOf(settings.fps);
    codec->width = settings.width;
    codec->height = settings.height;
    codec->pix_fmt = profile.pixelFormat;
    codec->time_base = av_inv_q(frameRate);
    codec->framerate = frameRate;
    if (format->oformat->flags & AVFMT_GLOBALHEADER)
        codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    av::Dictionary options;
    configureEncoder(encoder, settings, codec.get(), options);
    if ((ret = avcodec_open2(codec.get(), encoder, options.get())) < 0) {
        return std::unexpected(
                VideoEncoder::tr("Could not open the %1 encoder: %2")
                        .arg(QString::fromLatin1(encoder->name), av::errorText(ret)));
    }
    if ((ret = avcodec_parameters_from_context(stream->codecpar, codec.get())) < 0)
        return std::unexpected(
                VideoEncoder::tr("Could not set up the video stream: %1").arg(av::errorText(ret)));
    stream->time_base = codec->time_base;
    stream->avg_frame_rate = frameRate;

    return allocateFrames();
}

Result VideoEncoder::Private::openFile()
{
    int ret = avio_open(&format->pb, format->url, AVIO_FLAG_WRITE);
    if (ret < 0) {
        return std::unexpected(VideoEncoder::tr("Could not create the video file %1: %2")
                                       .arg(path, av::errorText(ret)));
    }
    fileCreated = true;
    av::Dictionary options;
    configureMuxer(settings.container, options);
    if ((ret = avformat_write_header(format.get(), options.get())) < 0) {
        return std::unexpected(VideoEncoder::tr("Could not write the header of %1: %2")
                                       .arg(path, av::errorText(ret)));
    }
    return {};
}

Result VideoEncoder::Private::convert(const QImage &image)
{
    const QImage rgba = image.convertToFormat(QImage::Format_RGBA8888);
    // PAL8 (GIF): scale to RGBA first, then pick an adaptive palette for the frame.
    AVFrame *scaled = quantizer ? paletteSource.get() : frame.get();
    sws.reset(sws_getCachedContext(sws.release(),
                                   rgba.width(),
                                   rgba.height(),
                                   AV_PIX_FMT_RGBA,
                                   scaled->width,
                                   scaled->height,
                                   AVPixelFormat(scaled->format),
                                   SWS_BICUBIC,
                                   nullptr,
                                   nullptr,
                                   nullptr));
    if (!sws) {
        return std::unexpected(VideoEncoder::tr("Cannot convert a %1x%2 frame to the video format.")
                                       .arg(rgba.width())
                                       .arg(rgba.height()));
    }
    // The encoder may still reference the previous frame's buffers.
    if (const int ret = av_frame_make_writable(frame.get()); ret < 0) {
        return std::unexpected(
                VideoEncoder::tr("Could not allocate a video frame: %1").arg(av::errorText(ret)));
    }
    const uint8_t *const sourcePlanes[] = {rgba.constBits()};
    const int sourceStrides[] = {int(rgba.bytesPerLine())};
    sws_scale(sws.get(),
              sourcePlanes,
              sourceStrides,
              0,
              rgba.height(),
              scaled->data,
              scaled->linesize);
    if (quantizer)
        quantizer->quantize(*paletteSource, *frame);
    return {};
}

Result VideoEncoder::Private::allocateFrames()
{
    frame->format = codec->pix_fmt;
    frame->width = codec->width;
    frame->height = codec->height;
    int ret = av_frame_get_buffer(frame.get(), 0);
    if (ret >= 0 && codec->pix_fmt == AV_PIX_FMT_PAL8) {
        quantizer = std::make_unique<PaletteQuantizer>();
        paletteSource.reset(av_frame_alloc());
        if (!paletteSource)
            ret = AVERROR(ENOMEM);
        else {
            paletteSource->format = AV_PIX_FMT_RGBA;
            paletteSource->width = codec->width;
            paletteSource->height = codec->height;
            ret = av_frame_get_buffer(paletteSource.get(), 0);
        }
    }
    if (ret < 0) {
        return std::unexpected(
                VideoEncoder::tr("Could not allocate a video frame: %1").arg(av::errorText(ret)));
    }
    return {};
}

// Sends one frame (nullptr: end of stream) and writes every packet the encoder has ready.
Result VideoEncoder::Private::encode(const AVFrame *input)
{
    const int ret = avcodec_send_frame(codec.get(), input);
    if (ret < 0) {
        return std::unexpected(VideoEncoder::tr("The %1 encoder rejected frame %2: %3")
                                       .arg(QString::fromLatin1(codec->codec->name))
                                       .arg(frames + 1)
                                       .arg(av::errorText(ret)));
    }
    return writePendingPackets();
}

Result VideoEncoder::Private::writePendingPackets()
{
    for (;;) {
        int ret = avcodec_receive_packet(codec.get(), packet.get());
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            return {};
        if (ret < 0) {
            return std::unexpected(
                    VideoEncoder::tr("The %1 encoder failed: %2")
                            .arg(QString::fromLatin1(codec->codec->name), av::errorText(ret)));
        }
        // Every packet lasts one frame; without it the last frame would have no duration and
        // the container would come out one frame short (7.88 s instead of 8 s).
        if (packet->duration == 0)
            packet->duration = 1;
        av_packet_rescale_ts(packet.get(), codec->time_base, stream->time_base);
        packet->stream_index = stream->index;
        ret = av_interleaved_write_frame(format.get(), packet.get()); // unrefs the packet
        if (ret < 0) {
            return std::unexpected(VideoEncoder::tr("Could not write to the video file %1: %2")
                                           .arg(path, av::errorText(ret)));
        }
    }
}

Result VideoEncoder::Private::fail(const QString &message)
{
    state = State::Failed;
    failure = message;
    discardFile();
    return std::unexpected(message);
}

// Closes and deletes a file that was not finished; an incomplete video is useless.
void VideoEncoder::Private::discardFile()
{
    format.reset();
    if (fileCreated) {
        if (QFileInfo(absolutePath).isFile()) // never a device such as /dev/full
            QFile::remove(absolutePath);
        fileCreated = false;
    }
}

} // namespace comfyvideo::media
