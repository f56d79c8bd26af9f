#pragma once

#include "cli/workflowoptions.h"
#include "comfy/nodecatalog.h"
#include "comfy/workflowbuilder.h"
#include "request/validation.h"

#include <QString>
#include <QStringList>

namespace comfyvideo::cli {

// A parsed request made into a workflow, with every problem found on the way. Shared by
// `workflow` (catalog from a file, or none) and `generate` (the server's catalog).
struct ResolvedWorkflow
{
    request::GenerationRequest request; // models and SVD frame count filled in
    comfy::BuiltWorkflow workflow;
    QStringList notes;
    request::FieldProblems inputProblems;   // unparseable or out-of-range values
    request::FieldProblems catalogProblems; // what the catalog lacks (models, node packs)
    QStringList workflowProblems;           // the built workflow checked against the catalog

    bool ok() const
    {
        return inputProblems.isEmpty() && catalogProblems.isEmpty() && workflowProblems.isEmpty();
    }
    // Every problem, one "field: message" line each (input, catalog, workflow).
    QStringList problemLines() const;
};

// Resolves `parsed` against `catalog` (null: the common model names, with a note), defaults the
// SVD frame count to the checkpoint's, validates, and builds the workflow. `uploadedImageName`
// is the start image's name on the server (empty: the local file's name).
ResolvedWorkflow resolveWorkflow(const WorkflowOptions::Result &parsed,
                                 const comfy::NodeCatalog *catalog,
                                 const QString &uploadedImageName = {});

} // namespace comfyvideo::cli
