#pragma once

// RAII owners for the FFmpeg structs used by core/media (internal header, FFmpeg types leak
// into nothing public). Every AV object lives in one of these, so early returns free it.

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

#include <QByteArray>
#include <QFile>
#include <QFileInfo>
#include <QString>
#include <memory>

namespace comfyvideo::media::av {

struct CodecContextDeleter
{
    void operator()(AVCodecContext *c) const { avcodec_free_context(&c); }
};
struct FrameDeleter
{
    void operator()(AVFrame *f) const { av_frame_free(&f); }
};
struct PacketDeleter
{
    void operator()(AVPacket *p) const { av_packet_free(&p); }
};
struct SwsDeleter
{
    void operator()(SwsContext *s) const { sws_freeContext(s); }
};
// A context opened with avformat_open_input (demuxing).
struct InputFormatDeleter
{
    void operator()(AVFormatContext *f) const { avformat_close_input(&f); }
};
// A context made with avformat_alloc_output_context2; closes its AVIOContext when one is open.
struct OutputFormatDeleter
{
    void operator()(AVFormatContext *f) const
    {
        if (f->pb && !(f->oformat->flags & AVFMT_NOFILE))
            avio_closep(&f->pb);
        avformat_free_context(f);
    }
};

using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;
using InputFormatPtr = std::unique_ptr<AVFormatContext, InputFormatDeleter>;
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;

// An AVDictionary of options; whatever the consumer did not take is freed with it.
class Dictionary
{
public:
    Dictionary() = default;
    ~Dictionary() { av_dict_free(&m_dict); }
    Dictionary(const Dictionary &) = delete;
    Dictionary &operator=(const Dictionary &) = delete;

    void set(const char *key, const char *value) { av_dict_set(&m_dict, key, value, 0); }
    AVDictionary **get() { return &m_dict; }

private:
    AVDictionary *m_dict = nullptr;
};

// A local path as an FFmpeg URL. The "file:" prefix keeps a name such as "clip:1.mp4" from
// being taken for a protocol.
inline QByteArray fileUrl(const QString &path)
{
    return "file:" + QFile::encodeName(QFileInfo(path).absoluteFilePath());
}

// FFmpeg's text for an error code (av_strerror), e.g. "No such file or directory".
inline QString errorText(int errnum)
{
    char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(errnum, buffer, sizeof buffer);
    return QString::fromLocal8Bit(buffer);
}

} // namespace comfyvideo::media::av
