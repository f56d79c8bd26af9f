#include "params_images.h"

#include <QFile>
#include <QImage>
#include <QtEndian>

#include <array>

namespace comfyvideo::ui::testing {

namespace {

// The CRC-32 PNG chunks carry (ISO 3309, polynomial 0xEDB88320).
quint32 crc32(const QByteArray &bytes)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char c : bytes) {
        crc ^= quint8(c);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xFFFFFFFFu;
}

} // namespace

bool writePng(const QString &path, QSize size)
{
    QImage image(size, QImage::Format_RGB32);
    for (int y = 0; y < size.height(); ++y) {
        for (int x = 0; x < size.width(); ++x)
            image.setPixel(x, y, qRgb(x * 255 / size.width(), y * 255 / size.height(), 128));
    }
    return image.save(path, "PNG");
}

bool patchPngHeader(const QString &path, QSize size)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        return false;
    QByteArray bytes = file.readAll();
    // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), 5 more bytes, CRC (4).
    constexpr int TypeAt = 12;
    constexpr int WidthAt = 16;
    constexpr int CrcAt = 29;
    if (bytes.size() < CrcAt + 4 || bytes.mid(TypeAt, 4) != "IHDR")
        return false;
    qToBigEndian<quint32>(quint32(size.width()), bytes.data() + WidthAt);
    qToBigEndian<quint32>(quint32(size.height()), bytes.data() + WidthAt + 4);
    qToBigEndian<quint32>(crc32(bytes.mid(TypeAt, CrcAt - TypeAt)), bytes.data() + CrcAt);
    return file.seek(0) && file.write(bytes) == bytes.size();
}

} // namespace comfyvideo::ui::testing
