#pragma once

// How each VideoContainer maps onto FFmpeg: muxer, encoder candidates, pixel format and
// options (internal to core/media).

#include "avhandles.h"
#include "videoencoder.h"

#include <span>

namespace comfyvideo::media {

struct ContainerProfile
{
    const char *muxer;                     // libavformat short name
    std::span<const char *const> encoders; // tried in order; the first one present is used
    AVPixelFormat pixelFormat;             // what is fed to the encoder
    bool needsEvenSize;                    // yuv420p video codecs: refuse odd widths/heights
    int maxCrf;                            // valid crf range is 0..maxCrf
};

const ContainerProfile &profileFor(VideoContainer container);

// Human-readable container name for messages ("H.264 MP4", "WebM", ...); not translated.
QString containerName(VideoContainer container);

// Codec-context fields and private options of the chosen encoder.
void configureEncoder(const AVCodec *encoder,
                      const EncodeSettings &settings,
                      AVCodecContext *context,
                      av::Dictionary &options);

// Options for avformat_write_header.
void configureMuxer(VideoContainer container, av::Dictionary &options);

// The frame rate as an exact rational (8 -> 8/1, 7.5 -> 15/2, 29.97 -> 2997/100).
AVRational frameRateOf(double fps);

} // namespace comfyvideo::media
