#pragma once

#include "request/generationrequest.h"

#include <QList>
#include <QString>

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
inline constexpr int MaxSide = 2048;  // a sane ceiling for video on a single GPU
inline constexpr int SideStep = 8;
inline constexpr int MaxCrf = 51;
inline constexpr int MinMotionBucket = 1;
inline constexpr int MaxMotionBucket = 1023;
inline constexpr double MaxAugmentation = 10.0;
inline constexpr int MaxContextLength = 128;
inline constexpr int MaxContextStride = 32;
// Reference images: refuse absurd sizes from the header alone.
inline constexpr int MaxImageSide = 8192;
inline constexpr qint64 MaxImagePixels = 8192LL * 8192LL;
inline constexpr qint64 MaxImageFileBytes = 100LL * 1024 * 1024; // ComfyUI's upload limit
} // namespace limits

// Every problem at once (empty = valid). Checks the reference image file for SVD (readable,
// an image format Qt knows, sane dimensions read from the header without decoding pixels).
FieldProblems validate(const GenerationRequest &request);

// Just the reference-image check, for the drop zone.
FieldProblems validateReferenceImage(const QString &path);

} // namespace comfyvideo::request
