#pragma once

#include "params/catalogchoices.h"

namespace comfyvideo::comfy {
class NodeCatalog;
}

namespace comfyvideo::ui {

// The form's combo contents from a server's /object_info catalog: checkpoints split into SD 1.5
// (AnimateDiff) and SVD names, the motion modules, and KSampler's samplers and schedulers.
CatalogChoices catalogChoices(const comfy::NodeCatalog &catalog);

} // namespace comfyvideo::ui
