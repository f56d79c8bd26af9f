#pragma once

#include "comfy/nodecatalog.h"
#include "request/generationrequest.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace comfyvideo::comfy {

// Which node forms a server can run.
struct BuildOptions
{
    enum class AnimateDiffForm { Gen2, Legacy };
    enum class Saver { VideoCombine, AnimatedWebp };

    AnimateDiffForm animateDiffForm = AnimateDiffForm::Gen2;
    Saver saver = Saver::VideoCombine;
    // Context-options node class actually installed; the request's schedule is used when the
    // server has it, else the closest installed one.
    QString contextNodeClass = QStringLiteral("ADE_StandardUniformContextOptions");
    // Name of the reference image as the server knows it (the /upload/image answer, with
    // "subfolder/" prepended when the subfolder is not empty). SVD only.
    QString uploadedImageName = QStringLiteral("init_frame.png");
    QString filenamePrefix; // empty: "ComfyVideo/animatediff" or "ComfyVideo/svd"

    // The forms the catalog supports, preferring Gen2 and VideoHelperSuite; notes explain any
    // fallback ("VideoHelperSuite is not installed: saving an animated WEBP instead").
    static BuildOptions forCatalog(const NodeCatalog &catalog,
                                   const request::GenerationRequest &request,
                                   QStringList *notes = nullptr);
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
BuiltWorkflow buildWorkflow(const request::GenerationRequest &request, const BuildOptions &options);

} // namespace comfyvideo::comfy
