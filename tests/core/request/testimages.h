#pragma once

// Fixture files for the reference-image checks, written at run time into a temporary folder.

#include <QByteArray>
#include <QFile>
#include <QImage>
#include <QString>
#include <QtEndian>

namespace testimages {

inline quint32 crc32(const QByteArray &bytes)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char c : bytes) {
        crc ^= quint8(c);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

inline QByteArray bigEndian(quint32 value)
{
    QByteArray bytes(4, '\0');
    qToBigEndian(value, bytes.data());
    return bytes;
}

inline QByteArray pngChunk(const QByteArray &type, const QByteArray &data)
{
    return bigEndian(quint32(data.size())) + type + data + bigEndian(crc32(type + data));
}

// A PNG that is valid up to its header: signature, a correct IHDR (8-bit RGB) claiming
// width x height, and the start of an IDAT that is nowhere near complete. No IEND.
inline QByteArray pngHeaderOnly(quint32 width, quint32 height)
{
    const QByteArray signature("\x89PNG\r\n\x1a\n", 8);
    QByteArray ihdr = bigEndian(width) + bigEndian(height);
    ihdr.append(char(8)); // bit depth
    ihdr.append(char(2)); // colour type: RGB
    ihdr.append(char(0)); // compression
    ihdr.append(char(0)); // filter
    ihdr.append(char(0)); // interlace
    const QByteArray idatStart = QByteArray::fromHex("78da");
    return signature + pngChunk("IHDR", ihdr) + bigEndian(1024 * 1024) + QByteArray("IDAT")
           + idatStart;
}

inline bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// A real picture of the given size, encoded in `format` ("PNG", "JPEG", "PPM", ...).
inline bool writeImage(const QString &path, int width, int height, const char *format)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    return image.save(path, format);
}

} // namespace testimages
