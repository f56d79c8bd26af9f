#include "webpprobe.h"

#include <QCoreApplication>
#include <QtEndian>

namespace comfyvideo::media {

namespace {

constexpr qsizetype RiffHeaderSize = 12; // "RIFF" size "WEBP"
constexpr qsizetype ChunkHeaderSize = 8; // fourcc size
constexpr qsizetype Vp8xPayloadSize = 10;
constexpr qsizetype AnmfHeaderSize = 16;
constexpr quint8 Vp8xAnimationFlag = 0x02;

quint32 uint24At(const char *p)
{
    const auto *u = reinterpret_cast<const uchar *>(p);
    return quint32(u[0]) | (quint32(u[1]) << 8) | (quint32(u[2]) << 16);
}

struct Chunk
{
    QByteArrayView fourcc;
    QByteArrayView payload;
};

// Splits data into RIFF chunks; false when a chunk runs past the end (a truncated file).
bool readChunks(QByteArrayView data, QList<Chunk> &chunks)
{
    qsizetype offset = 0;
    while (offset + ChunkHeaderSize <= data.size()) {
        const quint32 size = qFromLittleEndian<quint32>(data.data() + offset + 4);
        const qsizetype start = offset + ChunkHeaderSize;
        if (size > quint32(data.size() - start))
            return false;
        chunks.append({data.sliced(offset, 4), data.sliced(start, size)});
        offset = start + size + (size & 1); // payloads are padded to an even size
    }
    return offset >= data.size();
}

QString pixelFormatOfFrame(QByteArrayView anmfPayload)
{
    QList<Chunk> parts;
    if (anmfPayload.size() < AnmfHeaderSize
        || !readChunks(anmfPayload.sliced(AnmfHeaderSize), parts))
        return {};
    bool alpha = false;
    for (const Chunk &part : std::as_const(parts)) {
        if (part.fourcc == "ALPH")
            alpha = true;
        else if (part.fourcc == "VP8L")
            return QStringLiteral("argb");
        else if (part.fourcc == "VP8 ")
            return alpha ? QStringLiteral("yuva420p") : QStringLiteral("yuv420p");
    }
    return {};
}

} // namespace

std::expected<VideoInfo, QString> probeAnimatedWebp(const QByteArray &data)
{
    if (data.size() < RiffHeaderSize || !data.startsWith("RIFF") || data.sliced(8, 4) != "WEBP")
        return std::unexpected(
                QCoreApplication::translate("VideoProbe", "This is not a WebP file."));
    QList<Chunk> chunks;
    if (!readChunks(QByteArrayView(data).sliced(RiffHeaderSize), chunks))
        return std::unexpected(
                QCoreApplication::translate("VideoProbe", "The WebP file is truncated."));
    if (chunks.isEmpty() || chunks.front().fourcc != "VP8X"
        || chunks.front().payload.size() < Vp8xPayloadSize
        || !(uchar(chunks.front().payload[0]) & Vp8xAnimationFlag)) {
        return std::unexpected(
                QCoreApplication::translate("VideoProbe", "The WebP file is not animated."));
    }
    VideoInfo info;
    info.container = QStringLiteral("webp");
    info.codec = QStringLiteral("webp");
    info.width = int(uint24At(chunks.front().payload.data() + 4) + 1);
    info.height = int(uint24At(chunks.front().payload.data() + 7) + 1);
    qint64 totalMs = 0;
    for (const Chunk &chunk : std::as_const(chunks)) {
        if (chunk.fourcc != "ANMF")
            continue;
        if (chunk.payload.size() < AnmfHeaderSize)
            return std::unexpected(QCoreApplication::translate(
                    "VideoProbe", "The WebP file has a damaged animation frame."));
        if (info.frameCount == 0)
            info.pixelFormat = pixelFormatOfFrame(chunk.payload);
        ++info.frameCount;
        totalMs += uint24At(chunk.payload.data() + 12);
    }
    if (info.frameCount == 0)
        return std::unexpected(
                QCoreApplication::translate("VideoProbe", "The WebP animation has no frames."));
    info.durationMs = totalMs;
    if (totalMs > 0)
        info.fps = info.frameCount * 1000.0 / double(totalMs);
    return info;
}

} // namespace comfyvideo::media
