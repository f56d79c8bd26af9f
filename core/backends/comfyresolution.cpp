#include "backends/comfyresolution.h"

#include "comfy/catalogdefaults.h"
#include "comfy/workflowvalidator.h"
#include "errors/classification.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace comfyvideo::backends {

using errors::Error;
using errors::ErrorKind;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ComfyBackend", text);
}

bool isNodePackField(const QString &field)
{
    // "kind": AnimateDiff-Evolved or the SVD nodes; "format": no saver; "frames": no context
    // options node (catalogdefaults.h).
    return field == u"kind" || field == u"format" || field == u"frames";
}

comfy::ValidationOptions validationOptions()
{
    comfy::ValidationOptions options;
    // The start image is uploaded right before submission: it need not be on the server yet.
    options.inputFileExists = [](const QString &, const QString &, const QString &) {
        return true;
    };
    return options;
}

} // namespace

ErrorKind ComfyResolution::problemKind() const
{
    if (!inputProblems.isEmpty())
        return ErrorKind::InvalidParams;
    // The built workflow's own problems follow from the catalog's (a model not in the list):
    // the catalog problem names the cause.
    bool model = false;
    for (const auto &problem : catalogProblems) {
        if (isNodePackField(problem.field))
            return ErrorKind::MissingCustomNode;
        model = model || problem.field == u"checkpoint" || problem.field == u"motionModule";
    }
    return model ? ErrorKind::ModelNotFound : ErrorKind::InvalidParams;
}

Error ComfyResolution::problemError() const
{
    const ErrorKind kind = problemKind();
    if (kind == ErrorKind::InvalidParams) {
        QStringList lines;
        for (const auto &problem : inputProblems + catalogProblems)
            lines << request::formatProblems({problem});
        return errors::makeInvalidParams(lines + workflowProblems);
    }
    QStringList lines;
    for (const auto &problem : catalogProblems)
        lines << request::formatProblems({problem});
    Error error = Error::make(
            kind, tr("The server cannot run this request:") + u'\n' + lines.join(u'\n'));
    error.technicalDetail = workflowProblems.join(u'\n');
    error.tips << (kind == ErrorKind::ModelNotFound
                           ? tr("Put the model into the server's models folder, or name one it "
                                "has (listed above).")
                           : tr("Install the missing custom nodes (e.g. with ComfyUI-Manager) "
                                "and restart ComfyUI."));
    return error;
}

ComfyResolution resolveForCatalog(const request::GenerationRequest &request,
                                  const comfy::NodeCatalog &catalog,
                                  const ComfyResolveOptions &options)
{
    ComfyResolution outcome;
    comfy::ResolvedRequest resolved = comfy::resolveAgainstCatalog(request, catalog);
    request::GenerationRequest r = resolved.request;
    outcome.notes << resolved.choices;
    outcome.catalogProblems = resolved.problems;
    if (r.kind == request::Kind::Svd && options.svdFramesFromCheckpoint)
        r.frames = request::svdDefaultFrames(r.checkpoint);
    outcome.inputProblems = request::validate(r);

    comfy::BuildOptions build = comfy::BuildOptions::forCatalog(catalog, r, &outcome.notes);
    build.filenamePrefix = options.filenamePrefix;
    if (!options.uploadedImageName.isEmpty())
        build.uploadedImageName = options.uploadedImageName;
    else if (!r.referenceImage.isEmpty())
        build.uploadedImageName = QFileInfo(r.referenceImage).fileName();
    outcome.workflow = comfy::buildWorkflow(r, build);
    outcome.notes << outcome.workflow.notes;
    const comfy::WorkflowValidation validation
            = comfy::validateWorkflow(outcome.workflow.prompt, catalog, validationOptions());
    if (!validation.ok() || !validation.nodeErrors.isEmpty())
        outcome.workflowProblems << validation.describe();
    outcome.request = r;
    return outcome;
}

} // namespace comfyvideo::backends
