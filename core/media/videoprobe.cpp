#include "videoprobe.h"

#include "avhandles.h"
#include "webpprobe.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace comfyvideo::media {

namespace {

using ProbeResult = std::expected<VideoInfo, QString>;

constexpr AVRational Milliseconds{1, 1000};
// Animated WebPs are small; anything bigger than this is not read into memory.
constexpr qint64 MaxWebpBytes = 256LL * 1024 * 1024;

bool isValid(AVRational rate)
{
    return rate.num > 0 && rate.den > 0;
}

// Packets of the video stream, counted without decoding.
struct PacketScan
{
    int count = 0;
    bool corrupt = false;
    int64_t firstPts = AV_NOPTS_VALUE;
    int64_t endPts = AV_NOPTS_VALUE; // max(pts + duration)
};

std::expected<PacketScan, QString>
scanPackets(AVFormatContext *format, int streamIndex, const QString &path)
{
    av::PacketPtr packet(av_packet_alloc());
    if (!packet)
        return std::unexpected(QCoreApplication::translate("VideoProbe", "Out of memory."));
    PacketScan scan;
    for (;;) {
        const int ret = av_read_frame(format, packet.get());
        if (ret == AVERROR_EOF)
            return scan;
        if (ret < 0) {
            return std::unexpected(QCoreApplication::translate("VideoProbe",
                                                               "Could not read %1 (damaged or "
                                                               "truncated?): %2")
                                           .arg(path, av::errorText(ret)));
        }
        if (packet->stream_index == streamIndex) {
            ++scan.count;
            scan.corrupt |= (packet->flags & AV_PKT_FLAG_CORRUPT) != 0;
            if (packet->pts != AV_NOPTS_VALUE) {
                if (scan.firstPts == AV_NOPTS_VALUE || packet->pts < scan.firstPts)
                    scan.firstPts = packet->pts;
                const int64_t end = packet->pts + packet->duration;
                if (scan.endPts == AV_NOPTS_VALUE || end > scan.endPts)
                    scan.endPts = end;
            }
        }
        av_packet_unref(packet.get());
    }
}

qint64 durationMsOf(const AVFormatContext *format, const AVStream *stream, const PacketScan &scan)
{
    if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0)
        return av_rescale_q(stream->duration, stream->time_base, Milliseconds);
    if (format->duration != AV_NOPTS_VALUE && format->duration > 0)
        return av_rescale_q(format->duration, AV_TIME_BASE_Q, Milliseconds);
    if (scan.firstPts != AV_NOPTS_VALUE)
        return av_rescale_q(scan.endPts - scan.firstPts, stream->time_base, Milliseconds);
    return 0;
}

ProbeResult probeAnimatedWebpFile(const QString &path)
{
    QFile file(path);
    if (file.size() > MaxWebpBytes) {
        return std::unexpected(
                QCoreApplication::translate("VideoProbe", "%1 is too large for an animated WebP.")
                        .arg(path));
    }
    if (!file.open(QIODevice::ReadOnly)) {
        return std::unexpected(QCoreApplication::translate("VideoProbe", "Could not read %1: %2")
                                       .arg(path, file.errorString()));
    }
    auto info = probeAnimatedWebp(file.readAll());
    if (!info) {
        return std::unexpected(QCoreApplication::translate("VideoProbe", "Could not read %1: %2")
                                       .arg(path, info.error()));
    }
    return info;
}

ProbeResult describeStream(AVFormatContext *format, int streamIndex, const QString &path)
{
    const AVStream *stream = format->streams[streamIndex];
    const AVCodecParameters *par = stream->codecpar;
    VideoInfo info;
    info.container = QString::fromLatin1(format->iformat->name);
    info.codec = QString::fromLatin1(avcodec_get_name(par->codec_id));
    if (const char *pixFmt = av_get_pix_fmt_name(AVPixelFormat(par->format)))
        info.pixelFormat = QString::fromLatin1(pixFmt);
    info.width = par->width;
    info.height = par->height;
    const AVRational rate
            = isValid(stream->avg_frame_rate) ? stream->avg_frame_rate : stream->r_frame_rate;
    info.fps = isValid(rate) ? av_q2d(rate) : 0.0;

    auto scan = scanPackets(format, streamIndex, path);
    if (!scan)
        return std::unexpected(scan.error());
    if (scan->corrupt || (stream->nb_frames > 0 && scan->count < stream->nb_frames)) {
        return std::unexpected(QCoreApplication::translate("VideoProbe",
                                                           "%1 is truncated or damaged: %2 of %3 "
                                                           "frames could be read.")
                                       .arg(path)
                                       .arg(scan->count)
                                       .arg(stream->nb_frames));
    }
    if (scan->count == 0) {
        return std::unexpected(
                QCoreApplication::translate("VideoProbe", "%1 contains no video frames.")
                        .arg(path));
    }
    info.frameCount = scan->count;
    info.durationMs = durationMsOf(format, stream, *scan);
    return info;
}

} // namespace

ProbeResult probeVideo(const QString &path)
{
    if (av_log_get_level() > AV_LOG_ERROR)
        av_log_set_level(AV_LOG_ERROR);
    const QFileInfo fileInfo(path);
    if (!fileInfo.exists()) {
        return std::unexpected(
                QCoreApplication::translate("VideoProbe", "The video file %1 does not exist.")
                        .arg(path));
    }
    if (!fileInfo.isFile()) {
        return std::unexpected(
                QCoreApplication::translate("VideoProbe", "%1 is not a file.").arg(path));
    }
    AVFormatContext *rawFormat = nullptr;
    const QByteArray fileName = av::fileUrl(path);
    int ret = avformat_open_input(&rawFormat, fileName.constData(), nullptr, nullptr);
    av::InputFormatPtr format(rawFormat); // avformat_open_input frees it on failure
    if (ret < 0) {
        return std::unexpected(
                QCoreApplication::translate("VideoProbe", "Could not open %1 as a video: %2")
                        .arg(path, av::errorText(ret)));
    }
    if ((ret = avformat_find_stream_info(format.get(), nullptr)) < 0) {
        return std::unexpected(
                QCoreApplication::translate("VideoProbe", "Could not read the streams of %1: %2")
                        .arg(path, av::errorText(ret)));
    }
    ret = av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (ret < 0) {
        return std::unexpected(
                QCoreApplication::translate("VideoProbe", "%1 contains no video stream: %2")
                        .arg(path, av::errorText(ret)));
    }
    // FFmpeg 5.1 cannot parse animated WebP (it reports 0x0); read the RIFF chunks instead.
    if (qstrcmp(format->iformat->name, "webp_pipe") == 0
        && format->streams[ret]->codecpar->width == 0)
        return probeAnimatedWebpFile(path);
    return describeStream(format.get(), ret, path);
}

} // namespace comfyvideo::media
