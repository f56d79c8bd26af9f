#pragma once

#include "request/generationrequest.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace comfyvideo::request {

// One problem with one field. `field` is the request's JSON key ("frames", "width",
// "referenceImage", ...); `message` is a translated sentence that says what to change.
struct FieldProblem
{
    QString field;
    QString message;
    bool operator==(const FieldProblem &) const = default;
};
using FieldProblems = QList<FieldProblem>;

// Limits the form, the CLI and validation share.
namespace limits {
inline constexpr int AnimateDiffMinFrames = 8;
inline constexpr int AnimateDiffMaxFrames = 128;
inline constexpr int SvdMinFrames = 1;
inline constexpr int SvdMaxFrames = 4096; // SVD_img2vid_Conditioning.video_frames
inline constexpr int MinFps = 6;
inline constexpr int MaxFps = 24;
inline constexpr int MinSteps = 1;
inline constexpr int MaxSteps = 10000;
inline constexpr double MinCfg = 0.0;
inline constexpr double MaxCfg = 100.0;
inline constexpr int MinSide = 64;
inline constexpr int MaxSide = 2048; // a sane ceiling for video on a single GPU
inline constexpr int SideStep = 8;
inline constexpr int MaxCrf = 51;
inline constexpr int MinMotionBucket = 1;
inline constexpr int MaxMotionBucket = 1023;
inline constexpr double MaxAugmentation = 10.0;
inline constexpr int MaxContextLength = 128;
inline constexpr int MaxContextStride = 32;
inline constexpr int MinConditioningFps = 1; // SVD_img2vid_Conditioning.fps
inline constexpr int MaxConditioningFps = 1024;
// Reference images: refuse absurd sizes from the header alone.
inline constexpr int MinImageSide = 16; // smaller pictures carry nothing SVD can animate
inline constexpr int MaxImageSide = 8192;
inline constexpr qint64 MaxImagePixels = 8192LL * 8192LL;
inline constexpr qint64 MaxImageFileBytes = 100LL * 1024 * 1024; // ComfyUI's upload limit
} // namespace limits

// Every problem at once (empty = valid). Checks the reference image file for SVD (readable,
// an image format Qt knows, sane dimensions read from the header without decoding pixels).
// Only the fields that apply to request.kind are checked (an AnimateDiff request is not
// refused for an SVD-only field and vice versa); shared fields are always checked. At most one
// problem per field, in the order of the struct's fields.
FieldProblems validate(const GenerationRequest &request);

// Just the reference-image check, for the drop zone: an empty path, a missing file, a folder or
// other non-regular file, an unreadable or empty file, a file over limits::MaxImageFileBytes
// (by size, before opening), a file that is not a PNG/JPEG/WEBP/BMP/GIF/TIFF picture (decided
// from its content, not its suffix), and dimensions outside MinImageSide..MaxImageSide or over
// MaxImagePixels (read from the header only) each get their own message. Field "referenceImage".
FieldProblems validateReferenceImage(const QString &path);

// Image formats (as QImageReader names them, lowercase) accepted as reference images: PNG, JPEG,
// WEBP, BMP, GIF and TIFF, where Qt's plugin for them is installed. Other formats Qt can read
// (PPM, XPM, ICO, ...) are refused with their own message.
QStringList referenceImageFormats();

// Seeds typed by people or read from text: decimal digits only (surrounding spaces allowed),
// 0..18446744073709551615. On failure returns false, leaves *out untouched, and puts a
// translated sentence in *error ("-1", "abc", "18446744073709551616", "" are refused).
bool parseSeed(const QString &text, quint64 *out, QString *error = nullptr);

// "field: message" lines, for the command line and logs.
QString formatProblems(const FieldProblems &problems);

} // namespace comfyvideo::request
