#include "backends/backend.h"

namespace comfyvideo::backends {

QString stageName(RunStage stage)
{
    switch (stage) {
    case RunStage::Uploading:
        return QStringLiteral("uploading");
    case RunStage::Submitted:
        return QStringLiteral("submitted");
    case RunStage::Running:
        return QStringLiteral("running");
    case RunStage::Fetching:
        return QStringLiteral("fetching");
    }
    return {};
}

} // namespace comfyvideo::backends
