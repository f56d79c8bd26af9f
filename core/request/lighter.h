#pragma once

#include "request/generationrequest.h"

#include <QString>
#include <optional>

namespace comfyvideo::request {

// "Retry with lighter settings" for out-of-memory errors and timeouts (issue 6): the same
// request with less to compute, or nothing when it cannot get lighter within the limits.
//   - AnimateDiff: frames halved (not below limits::AnimateDiffMinFrames; the context length is
//     kept at most the frame count), else width and height scaled by 3/4 (multiples of 8, not
//     below 256), else nothing.
//   - SVD: width and height scaled by 3/4 (multiples of 8, not below 256), else frames halved
//     (not below 8; 14 for svd and 25 for svd_xt are the trained counts), else nothing. (The
//     unused context length is kept at most the frame count too, for a switch of kinds.)
// A side already at or below 256 is left as it is.
// `description` gets a translated summary ("16 frames instead of 32", "768×432 instead of
// 1024×576").
std::optional<GenerationRequest> lighterRequest(const GenerationRequest &request,
                                                QString *description = nullptr);

} // namespace comfyvideo::request
