#include "cli/requestresolution.h"

#include "backends/comfyresolution.h"
#include "comfy/catalogdefaults.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace comfyvideo::cli {

using request::GenerationRequest;
using request::Kind;

namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(WorkflowCommand)
};

// Without a catalog: the names most installs have.
void fillCommonDefaults(GenerationRequest &request, QStringList &notes)
{
    QStringList picked;
    if (request.checkpoint.isEmpty()) {
        request.checkpoint = comfy::commonDefaultCheckpoint(request);
        picked << request.checkpoint;
    }
    if (request.kind == Kind::AnimateDiff && request.motionModule.isEmpty()) {
        request.motionModule = comfy::commonDefaultMotionModule();
        picked << request.motionModule;
    }
    if (!picked.isEmpty()) {
        notes << Text::tr("No --object-info given: using the common model names %1. Pass the "
                          "server's /object_info to pick installed ones.")
                         .arg(picked.join(QStringLiteral(", ")));
    }
}

} // namespace

QStringList ResolvedWorkflow::problemLines() const
{
    QStringList lines;
    for (const auto &problem : inputProblems)
        lines << request::formatProblems({problem});
    for (const auto &problem : catalogProblems)
        lines << request::formatProblems({problem});
    return lines + workflowProblems;
}

ResolvedWorkflow resolveWorkflow(const WorkflowOptions::Result &parsed,
                                 const comfy::NodeCatalog *catalog,
                                 const QString &uploadedImageName)
{
    ResolvedWorkflow outcome;
    outcome.notes = parsed.notes;
    outcome.inputProblems = parsed.problems;
    if (catalog) {
        // The same resolution a ComfyBackend run makes (one code path for a server's catalog).
        backends::ComfyResolveOptions options;
        options.svdFramesFromCheckpoint = !parsed.framesGiven;
        options.filenamePrefix = parsed.filenamePrefix;
        options.uploadedImageName = uploadedImageName;
        const backends::ComfyResolution resolved
                = backends::resolveForCatalog(parsed.request, *catalog, options);
        outcome.request = resolved.request;
        outcome.workflow = resolved.workflow;
        outcome.notes << resolved.notes;
        outcome.inputProblems << resolved.inputProblems;
        outcome.catalogProblems = resolved.catalogProblems;
        outcome.workflowProblems = resolved.workflowProblems;
        return outcome;
    }
    GenerationRequest request = parsed.request;
    fillCommonDefaults(request, outcome.notes);
    // Without --frames, SVD makes the frame count its checkpoint was trained for.
    if (request.kind == Kind::Svd && !parsed.framesGiven)
        request.frames = request::svdDefaultFrames(request.checkpoint);
    outcome.inputProblems << request::validate(request);

    comfy::BuildOptions options = comfy::BuildOptions::forRequest(request);
    options.filenamePrefix = parsed.filenamePrefix;
    if (!uploadedImageName.isEmpty())
        options.uploadedImageName = uploadedImageName;
    else if (!request.referenceImage.isEmpty())
        options.uploadedImageName = QFileInfo(request.referenceImage).fileName();
    outcome.workflow = comfy::buildWorkflow(request, options);
    outcome.notes << outcome.workflow.notes;
    outcome.request = request;
    return outcome;
}

} // namespace comfyvideo::cli
