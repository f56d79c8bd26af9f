#pragma once

#include "comfy/comfytypes.h"
#include "comfy/nodecatalog.h"
#include "request/generationrequest.h"

#include <QList>
#include <QString>
#include <optional>

namespace comfyvideo::comfy {

enum class ReadinessLevel { Ready, ReadyWithWarnings, Blocked };

// One reason a server is not (fully) ready for a request.
struct ReadinessReason
{
    enum Kind {
        MissingNodePack,      // a custom node pack (or ComfyUI's SVD nodes) is not installed
        MissingModel,         // a checkpoint or motion module is not on the server
        IncompatibleModel,    // the model exists but is the wrong family (SVD for AnimateDiff)
        UnsupportedOption,    // sampler, scheduler, beta schedule or frame count not offered
        VramBelowMinimum,     // blocking: the GPU is too small for this clip
        VramBelowRecommended, // warning: it may run out of memory or be slow
        VramFreeLow,          // warning: less VRAM free right now than the clip needs
        NoGpu,                // warning: ComfyUI runs on the CPU
        UnknownVram,          // warning: no system stats, no device or no VRAM figure
    };

    Kind kind = MissingNodePack;
    bool blocking = false;
    QString field;   // the request's JSON key ("checkpoint", ...); empty for the server
    QString message; // translated sentence naming exactly what is missing
    // What to install: the model file ("mm_sd_v15_v2.ckpt"; the common default when the request
    // named none and none is installed), the pack ("AnimateDiff-Evolved", "VideoHelperSuite") or
    // the missing SVD nodes. Empty for other kinds.
    QString missingName;

    bool operator==(const ReadinessReason &) const = default;
};

struct Readiness
{
    ReadinessLevel level = ReadinessLevel::Ready;
    QList<ReadinessReason> reasons; // blocking and warnings, in the order found
    double requiredVramGb = 0;      // estimateVram() of the request with its models resolved
    double recommendedVramGb = 0;
    std::optional<double> serverVramGb; // devices[0] total; nullopt when unknown or a CPU

    bool isBlocked() const { return level == ReadinessLevel::Blocked; }
};

// Memory a request needs on the GPU, in GiB (called "GB" in messages, as cards are sold).
//
//   ratio       = (width × height × frames) / (reference width × height × frames)
//   minimum     = model + minActivation × ratio
//   recommended = model + recActivation × ratio
//
// AnimateDiff: reference 512×512×16, model 4, minActivation 2, recActivation 4 (6 / 8 GB at
//   the reference).
// SVD: reference 1024×576×14 for svd and 1024×576×25 for svd_xt (by the checkpoint's name, see
//   request::svdDefaultFrames; an empty checkpoint counts as svd_xt above 14 frames), model 7,
//   minActivation 3, recActivation 5 (10 / 12 GB at the reference).
// The model part is fixed; only the activations grow with the frames and pixels. Non-positive
// sizes or frame counts give ratio 0.
struct VramEstimate
{
    double minimumGb = 0;
    double recommendedGb = 0;
    double modelGb = 0; // the fixed footprint
    double ratio = 0;   // the workload against the reference
    int referenceFrames = 0;
};

VramEstimate estimateVram(const request::GenerationRequest &request);

// Cards report a little less than their nominal size to CUDA (an 8 GB card shows ~7.8 GiB), so
// a total within this fraction below a threshold still meets it.
inline constexpr double VramTolerance = 0.03;

// Whether `server` can run `request`:
// - the catalog problems of resolveAgainstCatalog() all block (missing node packs, models,
//   unoffered options), each naming the missing pack, node or file;
// - VideoHelperSuite missing with SaveAnimatedWEBP present is a warning (the video is saved as
//   an animated WEBP instead);
// - VRAM: devices[0]'s total (free fluctuates) below the minimum blocks, below the recommended
//   size warns; free (when reported, non-zero) below the minimum adds a warning. The same
//   VramTolerance applies to every comparison. Estimates use the resolved models.
// - A CPU device (type "cpu") warns that it will be very slow and skips the VRAM comparison
//   (its figures are system RAM): ComfyUI with --cpu does run, so it is not blocked.
// - stats == nullopt, no device or a zero VRAM total: an UnknownVram warning, not blocked.
// Level: Blocked if any reason blocks, ReadyWithWarnings if there are reasons, else Ready.
Readiness assessReadiness(const request::GenerationRequest &request,
                          const NodeCatalog &catalog,
                          const std::optional<SystemStats> &stats);

} // namespace comfyvideo::comfy
