#include "containerprofile.h"

#include <QByteArray>
#include <array>
#include <cstring>

namespace comfyvideo::media {

namespace {

constexpr std::array<const char *, 1> H264Encoders = {"libx264"};
// VP8 (libvpx) still makes a valid WebM when the VP9 encoder is missing.
constexpr std::array<const char *, 2> WebmEncoders = {"libvpx-vp9", "libvpx"};
constexpr std::array<const char *, 1> GifEncoders = {"gif"};
// libwebp_anim writes a real animation; with plain libwebp the webp muxer assembles one.
constexpr std::array<const char *, 2> WebpEncoders = {"libwebp_anim", "libwebp"};

constexpr int X264MaxCrf = 51;
constexpr int VpxMaxCrf = 63;
constexpr int WebpMaxCrf = 100;
// Bit rate cap that VP8 needs in constrained-quality mode (VP9 takes b=0).
constexpr int64_t Vp8MaxBitRate = 8'000'000;

const ContainerProfile H264Profile{"mp4", H264Encoders, AV_PIX_FMT_YUV420P, true, X264MaxCrf};
const ContainerProfile WebmProfile{"webm", WebmEncoders, AV_PIX_FMT_YUV420P, true, VpxMaxCrf};
// The gif encoder takes paletted input: each frame gets its own adaptive palette.
const ContainerProfile GifProfile{"gif", GifEncoders, AV_PIX_FMT_PAL8, false, 0};
const ContainerProfile WebpProfile{"webp", WebpEncoders, AV_PIX_FMT_YUV420P, false, WebpMaxCrf};

bool isEncoder(const AVCodec *encoder, const char *name)
{
    return std::strcmp(encoder->name, name) == 0;
}

} // namespace

const ContainerProfile &profileFor(VideoContainer container)
{
    switch (container) {
    case VideoContainer::H264Mp4:
        return H264Profile;
    case VideoContainer::Webm:
        return WebmProfile;
    case VideoContainer::Gif:
        return GifProfile;
    case VideoContainer::AnimatedWebp:
        return WebpProfile;
    }
    return H264Profile;
}

QString containerName(VideoContainer container)
{
    switch (container) {
    case VideoContainer::H264Mp4:
        return QStringLiteral("H.264 MP4");
    case VideoContainer::Webm:
        return QStringLiteral("WebM");
    case VideoContainer::Gif:
        return QStringLiteral("GIF");
    case VideoContainer::AnimatedWebp:
        return QStringLiteral("animated WebP");
    }
    return {};
}

void configureEncoder(const AVCodec *encoder,
                      const EncodeSettings &settings,
                      AVCodecContext *context,
                      av::Dictionary &options)
{
    const QByteArray crf = QByteArray::number(settings.crf);
    if (isEncoder(encoder, "libx264")) {
        options.set("preset", "veryfast");
        options.set("crf", crf.constData());
    } else if (isEncoder(encoder, "libvpx-vp9")) {
        context->bit_rate = 0; // with crf: constant quality
        options.set("crf", crf.constData());
        options.set("deadline", "realtime");
        options.set("cpu-used", "8");
        options.set("row-mt", "1");
    } else if (isEncoder(encoder, "libvpx")) {
        context->bit_rate = Vp8MaxBitRate;
        options.set("crf", crf.constData());
        options.set("deadline", "realtime");
        options.set("cpu-used", "8");
    } else if (isEncoder(encoder, "libwebp_anim") || isEncoder(encoder, "libwebp")) {
        // crf 0 is the best quality, like the video codecs: quality = 100 - crf.
        options.set("quality", QByteArray::number(100 - settings.crf).constData());
    }
}

void configureMuxer(VideoContainer container, av::Dictionary &options)
{
    switch (container) {
    case VideoContainer::H264Mp4:
        options.set("movflags", "+faststart");
        break;
    case VideoContainer::Gif:
    case VideoContainer::AnimatedWebp:
        options.set("loop", "0"); // forever
        break;
    case VideoContainer::Webm:
        break;
    }
}

AVRational frameRateOf(double fps)
{
    constexpr int MaxDenominator = 100'000;
    return av_d2q(fps, MaxDenominator);
}

} // namespace comfyvideo::media
