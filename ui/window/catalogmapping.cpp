#include "window/catalogmapping.h"

#include "comfy/catalogdefaults.h"
#include "comfy/nodecatalog.h"

namespace comfyvideo::ui {

CatalogChoices catalogChoices(const comfy::NodeCatalog &catalog)
{
    CatalogChoices choices;
    const QStringList checkpoints = catalog.models(QStringLiteral("checkpoints"));
    for (const QString &name : checkpoints) {
        if (comfy::isSvdModelName(name))
            choices.svdCheckpoints.append(name);
        else
            choices.animateDiffCheckpoints.append(name);
    }
    choices.motionModules = catalog.models(QStringLiteral("animatediff_models"));
    const QString sampler = QStringLiteral("KSampler");
    choices.samplers = catalog.comboOptions(sampler, QStringLiteral("sampler_name"));
    choices.schedulers = catalog.comboOptions(sampler, QStringLiteral("scheduler"));
    return choices;
}

} // namespace comfyvideo::ui
