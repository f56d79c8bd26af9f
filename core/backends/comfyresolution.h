#pragma once

#include "comfy/nodecatalog.h"
#include "comfy/workflowbuilder.h"
#include "errors/error.h"
#include "request/generationrequest.h"
#include "request/validation.h"

#include <QString>
#include <QStringList>

namespace comfyvideo::backends {

// A request made into a workflow for one ComfyUI server's catalog, with every problem found on
// the way (the checks `comfyvideo generate` has always made before submitting).
struct ComfyResolution
{
    request::GenerationRequest request; // models (and maybe the SVD frame count) filled in
    comfy::BuiltWorkflow workflow;
    QStringList notes;                      // choices made ("Using checkpoint ...")
    request::FieldProblems inputProblems;   // request::validate on the resolved request
    request::FieldProblems catalogProblems; // what the catalog lacks (models, node packs)
    QStringList workflowProblems;           // the built workflow checked against the catalog

    bool ok() const
    {
        return inputProblems.isEmpty() && catalogProblems.isEmpty() && workflowProblems.isEmpty();
    }
    // Input problems are invalid_params; otherwise a missing node pack missing_custom_node,
    // then a missing model model_not_found, then (sampler, scheduler, workflow checks)
    // invalid_params.
    errors::ErrorKind problemKind() const;
    // The error a job gets for the problems (only meaningful when !ok()).
    errors::Error problemError() const;
};

struct ComfyResolveOptions
{
    // SVD: make the frame count the resolved checkpoint was trained for (the CLI without
    // --frames); otherwise the request's frames are kept.
    bool svdFramesFromCheckpoint = false;
    QString filenamePrefix;    // empty: the builder's default
    QString uploadedImageName; // the start image's name on the server; empty: the file's name
};

ComfyResolution resolveForCatalog(const request::GenerationRequest &request,
                                  const comfy::NodeCatalog &catalog,
                                  const ComfyResolveOptions &options = {});

} // namespace comfyvideo::backends
