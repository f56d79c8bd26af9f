#include "params/referenceimagework.h"

#include "request/validation.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QImageIOHandler>
#include <QImageReader>
#include <QLocale>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace comfyvideo::ui::refimage {

namespace {

constexpr int SizeMultiple = 64;
constexpr double AspectTolerance = 0.01;

int roundedSide(double side)
{
    const int rounded = int(std::lround(side / SizeMultiple)) * SizeMultiple;
    const int maxSide = request::limits::MaxSide - request::limits::MaxSide % SizeMultiple;
    return std::clamp(rounded, SizeMultiple, maxSide);
}

// Photos that carry an orientation (EXIF) are shown and sent upright: ComfyUI's LoadImage
// applies the orientation too.
bool turned(QImageReader &reader)
{
    return reader.transformation().testFlag(QImageIOHandler::TransformationRotate90);
}

std::expected<QImage, QString> readCropped(const QString &path, QSize target)
{
    QImageReader reader(path);
    reader.setDecideFormatFromContent(true);
    const QSize stored = reader.size();
    const bool upright = !turned(reader);
    QImage image;
    if (upright) {
        // Crop and scale while reading: never the full picture in memory where the format can.
        const QRect crop = centreCrop(stored, target);
        if (crop.isEmpty())
            return std::unexpected(QCoreApplication::translate(
                    "ReferenceImageZone", "The picture's size cannot be read; it may be damaged."));
        reader.setClipRect(crop);
        reader.setScaledSize(target);
        image = reader.read();
    } else {
        reader.setAutoTransform(true);
        image = reader.read();
        if (!image.isNull())
            image = image.copy(centreCrop(image.size(), target));
    }
    if (image.isNull())
        return std::unexpected(
                QCoreApplication::translate("ReferenceImageZone", "The picture cannot be read: %1")
                        .arg(reader.errorString()));
    if (image.size() != target)
        image = image.scaled(target, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    return image;
}

} // namespace

Header readHeader(const QString &path)
{
    QImageReader reader(path);
    reader.setDecideFormatFromContent(true);
    Header header;
    header.size = reader.size();
    if (turned(reader))
        header.size.transpose();
    header.format = reader.format().toLower();
    header.bytes = QFileInfo(path).size();
    return header;
}

QString describe(const Header &header)
{
    constexpr double KiB = 1024.0;
    const QLocale locale;
    const double kilobytes = double(header.bytes) / KiB;
    const QString bytes = kilobytes < KiB
                                  ? QCoreApplication::translate("ReferenceImageZone", "%1 KB")
                                            .arg(locale.toString(kilobytes, 'f', 1))
                                  : QCoreApplication::translate("ReferenceImageZone", "%1 MB")
                                            .arg(locale.toString(kilobytes / KiB, 'f', 1));
    return QCoreApplication::translate("ReferenceImageZone", "%1×%2 · %3 · %4")
            .arg(header.size.width())
            .arg(header.size.height())
            .arg(QString::fromLatin1(header.format.toUpper()), bytes);
}

QImage readThumbnail(const QString &path, QSize box)
{
    QImageReader reader(path);
    reader.setDecideFormatFromContent(true);
    reader.setAutoTransform(true);
    const QSize size = reader.size(); // as stored, before the orientation is applied
    if (!size.isValid() || box.isEmpty())
        return {};
    const QSize storedBox = turned(reader) ? box.transposed() : box;
    if (size.width() > storedBox.width() || size.height() > storedBox.height())
        reader.setScaledSize(size.scaled(storedBox, Qt::KeepAspectRatio));
    return reader.read();
}

bool aspectDiffers(QSize picture, QSize target)
{
    if (picture.isEmpty() || target.isEmpty())
        return false;
    const double pictureAspect = double(picture.width()) / picture.height();
    const double targetAspect = double(target.width()) / target.height();
    return std::abs(pictureAspect / targetAspect - 1.0) > AspectTolerance;
}

QRect centreCrop(QSize picture, QSize target)
{
    if (picture.isEmpty() || target.isEmpty())
        return {};
    const QSize cropped = target.scaled(picture, Qt::KeepAspectRatio);
    return QRect(QPoint((picture.width() - cropped.width()) / 2,
                        (picture.height() - cropped.height()) / 2),
                 cropped);
}

std::expected<QString, QString>
writeCrop(const QString &path, QSize target, const QString &directory)
{
    auto image = readCropped(path, target);
    if (!image)
        return std::unexpected(image.error());
    const QString name = QStringLiteral("%1-%2x%3.png")
                                 .arg(QFileInfo(path).completeBaseName())
                                 .arg(target.width())
                                 .arg(target.height());
    const QString out = QDir(directory).filePath(name);
    QSaveFile file(out);
    if (!file.open(QIODevice::WriteOnly) || !image->save(&file, "PNG") || !file.commit())
        return std::unexpected(
                QCoreApplication::translate("ReferenceImageZone",
                                            "The cropped picture cannot be written to %1: %2")
                        .arg(QDir::toNativeSeparators(out), file.errorString()));
    return out;
}

QSize suggestedSize(QSize picture, QSize target)
{
    if (picture.isEmpty() || target.isEmpty())
        return target;
    const double pixels = double(target.width()) * target.height();
    const double aspect = double(picture.width()) / picture.height();
    return QSize(roundedSide(std::sqrt(pixels * aspect)), roundedSide(std::sqrt(pixels / aspect)));
}

} // namespace comfyvideo::ui::refimage
