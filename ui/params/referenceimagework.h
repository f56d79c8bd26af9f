#pragma once

#include <QByteArray>
#include <QImage>
#include <QSize>
#include <QString>
#include <expected>

// The reference image zone's work, as plain functions: what runs on the GUI thread reads headers
// only; thumbnail and crop run on a worker thread (QtConcurrent).
namespace comfyvideo::ui::refimage {

struct Header
{
    QSize size;        // from the header
    QByteArray format; // "png", "jpeg", ...
    qint64 bytes = 0;  // file size
};

Header readHeader(const QString &path);
// "1024×576 · PNG · 312.5 KB"
QString describe(const Header &header);

// Worker thread: the picture scaled while reading to fit `box` (device pixels), never decoded at
// full size when the format can scale while reading.
QImage readThumbnail(const QString &path, QSize box);

// True when the picture's aspect ratio differs from the target's by more than 1%.
bool aspectDiffers(QSize picture, QSize target);

// A centred crop to the target's aspect, scaled to exactly `target`.
QRect centreCrop(QSize picture, QSize target);

// Worker thread: writes the crop as <directory>/<basename>-<W>x<H>.png; returns its path, or a
// translated sentence saying why not.
std::expected<QString, QString>
writeCrop(const QString &path, QSize target, const QString &directory);

// About the target's pixel count with the picture's aspect, each side a multiple of 64 within
// request::limits::MinSide..MaxSide.
QSize suggestedSize(QSize picture, QSize target);

} // namespace comfyvideo::ui::refimage
