#include "cli/requestresolution.h"

#include "comfy/catalogdefaults.h"
#include "comfy/workflowvalidator.h"

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

comfy::ValidationOptions validationOptions()
{
    comfy::ValidationOptions options;
    // The start image is uploaded when the job is submitted, so it cannot be on the server yet.
    // (LoadImage.image is the only input file our workflows name.)
    options.inputFileExists = [](const QString &, const QString &, const QString &) {
        return true;
    };
    return options;
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
    GenerationRequest request = parsed.request;

    if (catalog) {
        comfy::ResolvedRequest resolved = comfy::resolveAgainstCatalog(request, *catalog);
        request = resolved.request;
        outcome.notes << resolved.choices;
        outcome.catalogProblems = resolved.problems;
    } else {
        fillCommonDefaults(request, outcome.notes);
    }
    // Without --frames, SVD makes the frame count its checkpoint was trained for.
    if (request.kind == Kind::Svd && !parsed.framesGiven)
        request.frames = request::svdDefaultFrames(request.checkpoint);
    outcome.inputProblems = parsed.problems;
    outcome.inputProblems << request::validate(request);

    comfy::BuildOptions options
            = catalog ? comfy::BuildOptions::forCatalog(*catalog, request, &outcome.notes)
                      : comfy::BuildOptions::forRequest(request);
    options.filenamePrefix = parsed.filenamePrefix;
    if (!uploadedImageName.isEmpty())
        options.uploadedImageName = uploadedImageName;
    else if (!request.referenceImage.isEmpty())
        options.uploadedImageName = QFileInfo(request.referenceImage).fileName();
    outcome.workflow = comfy::buildWorkflow(request, options);
    outcome.notes << outcome.workflow.notes;
    if (catalog) {
        const comfy::WorkflowValidation validation
                = comfy::validateWorkflow(outcome.workflow.prompt, *catalog, validationOptions());
        if (!validation.ok() || !validation.nodeErrors.isEmpty())
            outcome.workflowProblems << validation.describe();
    }
    outcome.request = request;
    return outcome;
}

} // namespace comfyvideo::cli
