#pragma once

// Helpers shared by the core/media tests: synthetic frames, the ffprobe/ffmpeg CLIs and
// a walk over MP4 top-level atoms.

#include <QByteArray>
#include <QColor>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRect>
#include <QStandardPaths>
#include <QtEndian>

namespace comfyvideo::media::test {

// A frame whose content moves with index: red left half, blue right half, a white square.
inline QImage makeFrame(int width, int height, int index)
{
    QImage image(width, height, QImage::Format_ARGB32);
    const int side = qMax(4, width / 8);
    const QRect square((index * 7) % qMax(1, width - side), height / 3, side, side);
    for (int y = 0; y < height; ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < width; ++x) {
            if (square.contains(x, y))
                line[x] = qRgb(255, 255, 255);
            else
                line[x] = x < width / 2 ? qRgb(220, 30, 30) : qRgb(30, 60, 200);
        }
    }
    return image;
}

inline QString ffprobePath()
{
    return QStandardPaths::findExecutable(QStringLiteral("ffprobe"));
}

inline QString ffmpegPath()
{
    return QStandardPaths::findExecutable(QStringLiteral("ffmpeg"));
}

// ffprobe's JSON for the first video stream plus "format"; empty on failure.
inline QJsonObject ffprobeJson(const QString &path)
{
    QProcess process;
    process.start(ffprobePath(),
                  {QStringLiteral("-v"),
                   QStringLiteral("error"),
                   QStringLiteral("-print_format"),
                   QStringLiteral("json"),
                   QStringLiteral("-count_packets"),
                   QStringLiteral("-show_streams"),
                   QStringLiteral("-show_format"),
                   QStringLiteral("-select_streams"),
                   QStringLiteral("v:0"),
                   path});
    if (!process.waitForFinished(30000) || process.exitCode() != 0)
        return {};
    return QJsonDocument::fromJson(process.readAllStandardOutput()).object();
}

// Decodes frame `index` of a video with the ffmpeg CLI; a null image on failure.
inline QImage decodeFrame(const QString &videoPath, const QString &pngPath, int index)
{
    QProcess process;
    process.start(ffmpegPath(),
                  {QStringLiteral("-v"),
                   QStringLiteral("error"),
                   QStringLiteral("-y"),
                   QStringLiteral("-i"),
                   videoPath,
                   QStringLiteral("-vf"),
                   QStringLiteral("select=eq(n\\,%1)").arg(index),
                   QStringLiteral("-frames:v"),
                   QStringLiteral("1"),
                   pngPath});
    if (!process.waitForFinished(30000) || process.exitCode() != 0)
        return {};
    return QImage(pngPath);
}

// Byte offset of a top-level MP4 atom ("moov", "mdat"), -1 when absent.
inline qint64 topLevelAtomOffset(const QString &path, const QByteArray &type)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray data = file.readAll();
    qint64 offset = 0;
    while (offset + 8 <= data.size()) {
        quint64 size = qFromBigEndian<quint32>(data.constData() + offset);
        if (data.mid(offset + 4, 4) == type)
            return offset;
        if (size == 1 && offset + 16 <= data.size())
            size = qFromBigEndian<quint64>(data.constData() + offset + 8);
        if (size < 8)
            return -1;
        offset += qint64(size);
    }
    return -1;
}

inline QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace comfyvideo::media::test
