#pragma once

#include "comfy/nodecatalog.h"
#include "request/generationrequest.h"
#include "request/validation.h"

#include <QStringList>

namespace comfyvideo::comfy {

struct ResolvedRequest
{
    request::GenerationRequest request; // with empty model names filled in
    QStringList choices;                // "Using checkpoint v1-5-pruned-emaonly.safetensors"
    request::FieldProblems problems;    // what the server lacks, naming the field
};

// Fills empty checkpoint / motion module from what the catalog has: an SD1.5 checkpoint for
// AnimateDiff (never an svd* one), svd_xt for SVD with more than 14 frames, svd for 14 or
// fewer (falling back to whichever SVD model exists). Names a missing model, node pack or
// sampler/scheduler in `problems`.
ResolvedRequest resolveAgainstCatalog(const request::GenerationRequest &request,
                                      const NodeCatalog &catalog);

} // namespace comfyvideo::comfy
