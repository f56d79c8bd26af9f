#pragma once

#include "comfy/nodecatalog.h"
#include "request/generationrequest.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace comfyvideo::comfy {

// Which node forms a server can run.
struct BuildOptions
{
    enum class AnimateDiffForm { Gen2, Legacy };
    enum class Saver { VideoCombine, AnimatedWebp };

    AnimateDiffForm animateDiffForm = AnimateDiffForm::Gen2;
    Saver saver = Saver::VideoCombine;
    // Context-options node class actually installed; the request's schedule is used when the
    // server has it, else the closest installed one. Empty: the server has none (no context
    // node is added then, whatever the frame count).
    QString contextNodeClass = QStringLiteral("ADE_StandardUniformContextOptions");
    // Name of the reference image as the server knows it (the /upload/image answer, with
    // "subfolder/" prepended when the subfolder is not empty). SVD only.
    QString uploadedImageName = QStringLiteral("init_frame.png");
    QString filenamePrefix; // empty: "ComfyVideo/animatediff" or "ComfyVideo/svd"
    // The VHS format to write when it differs from the request's (the server's VideoHelperSuite
    // lacks the requested one). Unset: the request's format.
    std::optional<request::OutputFormat> outputFormat;

    // The forms the catalog supports, preferring Gen2 and VideoHelperSuite; notes explain any
    // fallback ("VideoHelperSuite is not installed: saving an animated WEBP instead").
    static BuildOptions forCatalog(const NodeCatalog &catalog,
                                   const request::GenerationRequest &request,
                                   QStringList *notes = nullptr);
    // Options for a server whose catalog is unknown: Gen2, VideoHelperSuite and the context
    // node of the request's schedule.
    static BuildOptions forRequest(const request::GenerationRequest &request);
};

struct BuiltWorkflow
{
    QJsonObject prompt;   // API format: {node_id: {class_type, inputs, _meta: {title}}}
    QString outputNodeId; // the saver whose UI output carries the video
    QStringList notes;    // choices made while building, for the user
};

// AnimateDiff (Gen2 or legacy loader, context options when frames > contextLength) or
// SVD / SVD-XT, ending in VHS_VideoCombine with the request's format, or SaveAnimatedWEBP.
// Seeds above INT64_MAX are written as decimal strings (ComfyUI converts INT inputs with int()).
//
// Node ids are stable. AnimateDiff (reference §6.1-6.3): "1" checkpoint, "2" motion model,
// "3" apply motion model, "4" evolved sampling (or the legacy loader), "5"/"6" positive/negative
// prompt, "7" empty latent, "8" KSampler, "9" VAE decode, "10" saver, "11" context options.
// SVD (§6.4): "1" checkpoint, "2" LoadImage, "3" conditioning, "4" linear CFG guidance,
// "5" KSampler, "6" VAE decode, "7" saver.
BuiltWorkflow buildWorkflow(const request::GenerationRequest &request, const BuildOptions &options);

// The context-options node class for a schedule ("ADE_StandardUniformContextOptions", ...).
QString contextOptionsClass(request::ContextSchedule schedule);
// The VHS_VideoCombine format value: "video/h264-mp4", "video/webm" or "image/gif".
QString videoCombineFormat(request::OutputFormat format);
// SaveAnimatedWEBP quality (0..100) for an h264-style crf (0 best .. 51 worst): crf 0 gives
// 100, the default crf 19 gives 85 (the official SVD example), crf 51 gives 10.
int webpQualityForCrf(int crf);

} // namespace comfyvideo::comfy
