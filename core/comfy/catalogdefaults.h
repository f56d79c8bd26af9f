#pragma once

#include "comfy/nodecatalog.h"
#include "request/generationrequest.h"
#include "request/validation.h"

#include <QStringList>

namespace comfyvideo::comfy {

struct ResolvedRequest
{
    request::GenerationRequest request; // with empty model names filled in
    QStringList choices;                // "Using checkpoint v1-5-pruned-emaonly.safetensors."
    request::FieldProblems problems;    // what the server lacks, naming the field
};

// Fills empty checkpoint / motion module from what the catalog has: an SD1.5 checkpoint for
// AnimateDiff (never an svd* one), svd_xt for SVD with more than 14 frames, svd for 14 or
// fewer (falling back to whichever SVD model exists). Names a missing model, node pack or
// sampler/scheduler in `problems`.
//
// Problem fields: "kind" (AnimateDiff-Evolved or the SVD nodes missing), "checkpoint",
// "motionModule", "sampler", "scheduler", "betaSchedule", "format" (no node can save the
// video), "frames" (more frames than one window and no context-options node).
ResolvedRequest resolveAgainstCatalog(const request::GenerationRequest &request,
                                      const NodeCatalog &catalog);

// The model names the catalog-free CLI uses: "v1-5-pruned-emaonly.safetensors",
// "mm_sd_v15_v2.ckpt", "svd_xt.safetensors" (more than 14 frames) or "svd.safetensors".
QString commonDefaultCheckpoint(const request::GenerationRequest &request);
QString commonDefaultMotionModule();

// Name heuristics, exposed for tests. They look at the file's base name, case-insensitively.
bool isSvdModelName(const QString &name); // svd*.safetensors, stable-video-diffusion*, ...
bool isSvdXtName(const QString &name);    // the 25-frame SVD-XT family

} // namespace comfyvideo::comfy
