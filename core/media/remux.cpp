#include "remux.h"

#include "avhandles.h"

#include <QCoreApplication>
#include <vector>

namespace comfyvideo::media {

namespace {

using Result = std::expected<void, QString>;

struct Remuxer
{
    Q_DECLARE_TR_FUNCTIONS(comfyvideo::media::VideoExporter)

public:
    const QString &source;
    const QString &target;
    const ExportControl &control;

    av::InputFormatPtr input;
    av::OutputFormatPtr output;
    std::vector<int> streamMap; // input stream index -> output index, -1: dropped
    int videoIndex = -1;

    Result openInput();
    Result createOutput();
    Result copyPackets();
    Result writeError(int ret) const
    {
        return std::unexpected(tr("Could not write %1: %2").arg(target, av::errorText(ret)));
    }
};

Result Remuxer::openInput()
{
    AVFormatContext *raw = nullptr;
    int ret = avformat_open_input(&raw, av::fileUrl(source).constData(), nullptr, nullptr);
    input.reset(raw);
    if (ret < 0) {
        return std::unexpected(
                tr("Could not open %1 as a video: %2").arg(source, av::errorText(ret)));
    }
    if ((ret = avformat_find_stream_info(input.get(), nullptr)) < 0) {
        return std::unexpected(
                tr("Could not read the streams of %1: %2").arg(source, av::errorText(ret)));
    }
    videoIndex = av_find_best_stream(input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (videoIndex < 0) {
        return std::unexpected(
                tr("%1 contains no video stream: %2").arg(source, av::errorText(videoIndex)));
    }
    return {};
}

Result Remuxer::createOutput()
{
    AVFormatContext *raw = nullptr;
    // The muxer keeps the file name: the faststart pass reopens the file to move 'moov'.
    int ret = avformat_alloc_output_context2(&raw, nullptr, "mp4", av::fileUrl(target).constData());
    output.reset(raw);
    if (ret < 0 || !output)
        return std::unexpected(
                tr("This FFmpeg build has no MP4 muxer: %1").arg(av::errorText(ret)));
    streamMap.assign(input->nb_streams, -1);
    for (unsigned i = 0; i < input->nb_streams; ++i) {
        const AVCodecParameters *par = input->streams[i]->codecpar;
        const bool keep
                = int(i) == videoIndex
                  || (par->codec_type == AVMEDIA_TYPE_AUDIO
                      && avformat_query_codec(output->oformat, par->codec_id, FF_COMPLIANCE_NORMAL)
                                 == 1);
        if (!keep)
            continue;
        AVStream *stream = avformat_new_stream(output.get(), nullptr);
        if (!stream)
            return std::unexpected(tr("Out of memory while exporting %1.").arg(source));
        if ((ret = avcodec_parameters_copy(stream->codecpar, par)) < 0)
            return writeError(ret);
        stream->codecpar->codec_tag = 0;
        stream->time_base = input->streams[i]->time_base;
        stream->avg_frame_rate = input->streams[i]->avg_frame_rate;
        streamMap[i] = stream->index;
    }
    if ((ret = avio_open(&output->pb, output->url, AVIO_FLAG_WRITE)) < 0)
        return writeError(ret);
    av::Dictionary options;
    options.set("movflags", "+faststart");
    if ((ret = avformat_write_header(output.get(), options.get())) < 0)
        return writeError(ret);
    return {};
}

Result Remuxer::copyPackets()
{
    av::PacketPtr packet(av_packet_alloc());
    if (!packet)
        return std::unexpected(tr("Out of memory while exporting %1.").arg(source));
    int videoPackets = 0;
    for (;;) {
        if (control.isCanceled())
            return std::unexpected(tr("Export canceled."));
        int ret = av_read_frame(input.get(), packet.get());
        if (ret == AVERROR_EOF)
            return {};
        if (ret < 0) {
            return std::unexpected(tr("Could not read %1 (damaged or truncated?): %2")
                                           .arg(source, av::errorText(ret)));
        }
        const int inIndex = packet->stream_index;
        if (inIndex < 0 || inIndex >= int(streamMap.size()) || streamMap[inIndex] < 0) {
            av_packet_unref(packet.get());
            continue;
        }
        const AVStream *outStream = output->streams[streamMap[inIndex]];
        av_packet_rescale_ts(
                packet.get(), input->streams[inIndex]->time_base, outStream->time_base);
        packet->stream_index = outStream->index;
        packet->pos = -1;
        if ((ret = av_interleaved_write_frame(output.get(), packet.get())) < 0)
            return writeError(ret);
        if (inIndex == videoIndex)
            control.report(++videoPackets);
    }
}

} // namespace

Result remuxToMp4(const QString &source, const QString &target, const ExportControl &control)
{
    if (av_log_get_level() > AV_LOG_ERROR)
        av_log_set_level(AV_LOG_ERROR);
    Remuxer remuxer{source, target, control, {}, {}, {}, -1};
    if (auto opened = remuxer.openInput(); !opened)
        return opened;
    if (auto created = remuxer.createOutput(); !created)
        return created;
    if (auto copied = remuxer.copyPackets(); !copied)
        return copied;
    if (const int ret = av_write_trailer(remuxer.output.get()); ret < 0)
        return remuxer.writeError(ret);
    if (const int ret = avio_closep(&remuxer.output->pb); ret < 0)
        return remuxer.writeError(ret);
    return {};
}

} // namespace comfyvideo::media
