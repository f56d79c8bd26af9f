#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>

namespace comfyvideo::request {
Q_NAMESPACE

// What the user wants made.
enum class Kind {
    AnimateDiff, // text-to-video
    Svd,         // image-to-video (SVD / SVD-XT)
};
Q_ENUM_NS(Kind)

enum class OutputFormat {
    H264Mp4, // VideoHelperSuite "video/h264-mp4" (the default)
    Webm,    // "video/webm" (VP9)
    Gif,     // "image/gif"
};
Q_ENUM_NS(OutputFormat)

// How AnimateDiff slides its motion-module window over clips longer than the window.
enum class ContextSchedule {
    StandardUniform, // ADE_StandardUniformContextOptions
    StandardStatic,  // ADE_StandardStaticContextOptions
    LoopedUniform, // ADE_LoopedUniformContextOptions (closed_loop = GenerationRequest::closedLoop)
};
Q_ENUM_NS(ContextSchedule)

// One value type for both kinds of request. Fields that do not apply to a kind are ignored by
// it (and kept, so switching kinds in the form loses nothing). Empty model names mean "pick an
// installed one from the server's catalog".
struct GenerationRequest
{
    Kind kind = Kind::AnimateDiff;

    // Shared
    QString prompt;         // AnimateDiff: required. SVD: unused.
    QString negativePrompt; // AnimateDiff only.
    QString checkpoint;     // checkpoints folder name, sent back exactly as the server listed it
    int frames = 16;        // AnimateDiff 8..128; SVD 1..4096 (14 for svd, 25 for svd_xt)
    int fps = 8;            // output frame rate, 6..24
    int steps = 20;
    double cfg = 7.5;
    QString sampler = QStringLiteral("euler");
    QString scheduler = QStringLiteral("normal");
    quint64 seed = 0; // the full unsigned 64-bit range ComfyUI's KSampler accepts
    int width = 512;  // multiple of 8
    int height = 512; // multiple of 8
    OutputFormat format = OutputFormat::H264Mp4;
    int crf = 19; // quality: 0 (lossless) .. 51 (worst) for h264; VHS accepts 0..100

    // AnimateDiff
    QString motionModule; // animatediff_models folder name
    QString betaSchedule = QStringLiteral("autoselect");
    int contextLength = 16; // used when frames > contextLength
    int contextOverlap = 4;
    int contextStride = 1;
    ContextSchedule contextSchedule = ContextSchedule::StandardUniform;
    bool closedLoop = false; // seamless loop (LoopedUniform)

    // SVD
    QString referenceImage; // local file path of the start frame
    int motionBucketId = 127;
    double augmentationLevel = 0.0;
    double minCfg = 1.0;
    int conditioningFps = 6; // SVD_img2vid_Conditioning.fps (not the output rate)

    bool operator==(const GenerationRequest &) const = default;
};

// Sensible values for a kind: AnimateDiff 512x512, 16 frames @ 8 fps, 20 steps, cfg 7.5,
// euler/normal; SVD-XT 1024x576, 25 frames @ 8 fps, 20 steps, cfg 2.5, euler/karras.
GenerationRequest defaultRequest(Kind kind);

// Stable lowercase names used in JSON, on the command line and in the job store.
QString kindName(Kind kind);             // "animatediff", "svd"
QString formatName(OutputFormat f);      // "h264-mp4", "webm", "gif"
QString scheduleName(ContextSchedule s); // "standard-uniform", "standard-static", "looped-uniform"
// Parsing accepts exactly those names, ignoring case and surrounding spaces; on failure `out` is
// left untouched and false is returned.
bool parseKind(const QString &name, Kind *out);
bool parseFormat(const QString &name, OutputFormat *out);
bool parseSchedule(const QString &name, ContextSchedule *out);

// Every accepted name, in enum order (for --help texts and error messages).
QStringList kindNames();
QStringList formatNames();
QStringList scheduleNames();

// Translated names for people: "AnimateDiff (text to video)", "H.264 MP4", "Looped uniform".
QString kindDisplayName(Kind kind);
QString formatDisplayName(OutputFormat f);
QString scheduleDisplayName(ContextSchedule s);

// The frame count an SVD checkpoint was trained for: 25 for SVD-XT files ("svd_xt.safetensors",
// "svd_xt_1_1.safetensors", "video/SVD-XT.safetensors"), 14 for other names ("svd.safetensors");
// 25 when empty (the default request is SVD-XT). Case-insensitive, '-' and ' ' count as '_'.
int svdDefaultFrames(const QString &checkpoint);

} // namespace comfyvideo::request

Q_DECLARE_METATYPE(comfyvideo::request::GenerationRequest)
