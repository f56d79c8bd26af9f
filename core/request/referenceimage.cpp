// The reference-image part of validation.h: everything is decided from the file system and the
// image header; pixels are never decoded.

#include "common/logging.h"
#include "request/validation.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QImageReader>

#include <algorithm>
#include <array>
#include <cmath>

namespace comfyvideo::request {

namespace {

using namespace Qt::StringLiterals;

// Common formats that ComfyUI's LoadImage (Pillow) reads. The rarer ones Qt also knows (PPM,
// XPM, XBM, ICO, ...) are refused: the text-based ones are recognised so loosely from content
// that a text file could pass for one, and none of them is what people pick as a start frame.
constexpr std::array<const char *, 8> ComfyReadableFormats{
        "png", "jpeg", "jpg", "webp", "bmp", "gif", "tiff", "tif"};

bool isComfyReadable(const QByteArray &format)
{
    return std::ranges::any_of(ComfyReadableFormats,
                               [&format](const char *f) { return format == f; });
}

QString acceptedList()
{
    QStringList names;
    for (const QString &f : referenceImageFormats()) {
        const QString upper = f.toUpper();
        if (upper != u"JPG"_s && upper != u"TIF"_s) // same formats as JPEG / TIFF
            names.append(upper);
    }
    return names.join(u", "_s);
}

constexpr double MiB = 1024.0 * 1024.0;

// Rounded up to 0.1 MB, so a file just over the limit never reads as "100.0 MB".
QString megabytes(qint64 bytes)
{
    return QString::number(std::ceil(double(bytes) * 10.0 / MiB) / 10.0, 'f', 1);
}

// The problem with the file itself, before any byte of it is read.
QString fileProblem(const QString &path, const QFileInfo &info)
{
    const QString name = info.fileName();
    if (!info.exists())
        return QCoreApplication::translate("RequestValidation",
                                           "The reference image %1 does not exist; check the path.")
                .arg(QDir::toNativeSeparators(path));
    if (info.isDir())
        return QCoreApplication::translate(
                       "RequestValidation",
                       "%1 is a folder, not a picture; choose an image file inside it.")
                .arg(QDir::toNativeSeparators(path));
    if (!info.isFile())
        return QCoreApplication::translate(
                       "RequestValidation",
                       "%1 is not a regular file (a device or a pipe?); choose an image file.")
                .arg(QDir::toNativeSeparators(path));
    if (!info.isReadable())
        return QCoreApplication::translate(
                       "RequestValidation",
                       "The reference image %1 cannot be read; check its permissions.")
                .arg(name);
    if (info.size() == 0)
        return QCoreApplication::translate("RequestValidation",
                                           "The reference image %1 is empty (0 bytes); choose "
                                           "another picture.")
                .arg(name);
    if (info.size() > limits::MaxImageFileBytes)
        return QCoreApplication::translate("RequestValidation",
                                           "The reference image %1 is %2 MB; the limit is %3 MB. "
                                           "Save it smaller, for example as a JPEG.")
                .arg(name,
                     megabytes(info.size()),
                     QString::number(qRound64(double(limits::MaxImageFileBytes) / MiB)));
    return {};
}

QString dimensionProblem(const QString &name, QSize size)
{
    const qint64 pixels = qint64(size.width()) * qint64(size.height());
    if (size.width() > limits::MaxImageSide || size.height() > limits::MaxImageSide
        || pixels > limits::MaxImagePixels)
        return QCoreApplication::translate("RequestValidation",
                                           "The reference image %1 is %2×%3 pixels; the limit is "
                                           "%4 pixels a side. Scale it down first.")
                .arg(name)
                .arg(size.width())
                .arg(size.height())
                .arg(limits::MaxImageSide);
    if (size.width() < limits::MinImageSide || size.height() < limits::MinImageSide)
        return QCoreApplication::translate("RequestValidation",
                                           "The reference image %1 is only %2×%3 pixels; use a "
                                           "picture at least %4 pixels a side.")
                .arg(name)
                .arg(size.width())
                .arg(size.height())
                .arg(limits::MinImageSide);
    return {};
}

// The problem with the content, read from the header only.
QString headerProblem(const QString &path, const QString &name)
{
    QImageReader reader(path);
    reader.setAutoDetectImageFormat(true);
    reader.setDecideFormatFromContent(true); // a text file renamed .png is not a PNG
    if (!reader.canRead()) {
        qCDebug(lcRequest) << "reference image" << path << "refused:" << reader.errorString();
        return QCoreApplication::translate("RequestValidation",
                                           "%1 is not a picture ComfyVideo can read; choose a "
                                           "picture in one of these formats: %2.")
                .arg(name, acceptedList());
    }
    const QByteArray format = reader.format().toLower();
    if (!isComfyReadable(format))
        return QCoreApplication::translate("RequestValidation",
                                           "%1 is a %2 picture; ComfyVideo sends only these "
                                           "formats to ComfyUI: %3. Convert it first.")
                .arg(name, QString::fromLatin1(format.toUpper()), acceptedList());
    const QSize size = reader.size();
    if (!size.isValid())
        return QCoreApplication::translate("RequestValidation",
                                           "The size of %1 cannot be read from its header; the "
                                           "file may be damaged.")
                .arg(name);
    return dimensionProblem(name, size);
}

} // namespace

QStringList referenceImageFormats()
{
    const QList<QByteArray> installed = QImageReader::supportedImageFormats();
    QStringList formats;
    for (const char *f : ComfyReadableFormats) {
        if (installed.contains(QByteArray(f)))
            formats.append(QString::fromLatin1(f));
    }
    return formats;
}

FieldProblems validateReferenceImage(const QString &path)
{
    const auto problem = [](const QString &message) {
        return FieldProblems{FieldProblem{u"referenceImage"_s, message}};
    };
    if (path.trimmed().isEmpty())
        return problem(QCoreApplication::translate(
                "RequestValidation",
                "Choose a reference image; SVD makes the video from a picture."));
    const QFileInfo info(path);
    if (QString message = fileProblem(path, info); !message.isEmpty())
        return problem(message);
    if (QString message = headerProblem(path, info.fileName()); !message.isEmpty())
        return problem(message);
    return {};
}

} // namespace comfyvideo::request
