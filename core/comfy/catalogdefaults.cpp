#include "comfy/catalogdefaults.h"

#include "comfy/workflowbuilder.h"

#include <QCoreApplication>

#include <algorithm>
#include <functional>
#include <limits>

namespace comfyvideo::comfy {

using request::FieldProblem;
using request::GenerationRequest;
using request::Kind;

namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(CatalogDefaults)
};

// SVD checkpoints are trained for 14 frames, SVD-XT for 25.
constexpr int SvdFrames = 14;

QString lowerBaseName(const QString &name)
{
    const qsizetype slash = std::max(name.lastIndexOf(u'/'), name.lastIndexOf(u'\\'));
    return name.mid(slash + 1).toLower();
}

bool containsAny(const QString &text, std::initializer_list<const char *> needles)
{
    return std::any_of(needles.begin(), needles.end(), [&](const char *needle) {
        return text.contains(QLatin1String(needle));
    });
}

// 0: the name says SD1.5; 1: it says nothing; 2: it names another model family.
int familyRank(const QString &name)
{
    const QString base = lowerBaseName(name);
    if (containsAny(base,
                    {"sd15",
                     "sd_15",
                     "sd-15",
                     "sd1.5",
                     "sd_1.5",
                     "sd-1.5",
                     "v1-5",
                     "v1_5",
                     "v15",
                     "1.5"})) {
        return 0;
    }
    if (containsAny(base,
                    {"xl",
                     "sd3",
                     "sd2",
                     "sd_2",
                     "v2-1",
                     "v2_1",
                     "768",
                     "flux",
                     "cascade",
                     "hunyuan",
                     "ltx",
                     "cosmos",
                     "mochi",
                     "hotshot",
                     "pony"})) {
        return 2;
    }
    return 1;
}

int checkpointScore(const QString &name)
{
    return familyRank(name);
}

// SD1.5 motion modules first, v2/v3 (32-frame window, trained better) before v1.
int motionModuleScore(const QString &name)
{
    const QString base = lowerBaseName(name);
    const bool newer = containsAny(base, {"v2", "v3"});
    return familyRank(name) * 2 + (newer ? 0 : 1);
}

// The first name with the lowest score (the server lists names sorted, so ties are stable).
QString bestOf(const QStringList &names, const std::function<int(const QString &)> &score)
{
    QString best;
    int bestScore = std::numeric_limits<int>::max();
    for (const QString &name : names) {
        const int s = score(name);
        if (s < bestScore) {
            best = name;
            bestScore = s;
        }
    }
    return best;
}

QString installedList(const QStringList &names)
{
    return names.join(QStringLiteral(", "));
}

QStringList checkpointsFor(const NodeCatalog &catalog, Kind kind)
{
    const QString loader = kind == Kind::Svd ? QStringLiteral("ImageOnlyCheckpointLoader")
                                             : QStringLiteral("CheckpointLoaderSimple");
    if (catalog.hasNode(loader))
        return catalog.comboOptions(loader, QStringLiteral("ckpt_name"));
    return catalog.models(QStringLiteral("checkpoints"));
}

QString notOnServer(const QString &name, const QStringList &installed, bool motionModule)
{
    if (installed.isEmpty()) {
        return motionModule
                       ? Text::tr("Motion module '%1' is not on this server. No motion modules "
                                  "are installed.")
                                 .arg(name)
                       : Text::tr("Checkpoint '%1' is not on this server. No checkpoints are "
                                  "installed.")
                                 .arg(name);
    }
    return motionModule ? Text::tr("Motion module '%1' is not on this server. Installed: %2")
                                  .arg(name, installedList(installed))
                        : Text::tr("Checkpoint '%1' is not on this server. Installed: %2")
                                  .arg(name, installedList(installed));
}

void resolveAnimateDiffCheckpoint(const NodeCatalog &catalog, ResolvedRequest &resolved)
{
    GenerationRequest &request = resolved.request;
    const QStringList installed = checkpointsFor(catalog, Kind::AnimateDiff);
    const auto field = QStringLiteral("checkpoint");
    if (!request.checkpoint.isEmpty()) {
        if (!installed.contains(request.checkpoint)) {
            resolved.problems << FieldProblem{field,
                                              notOnServer(request.checkpoint, installed, false)};
        } else if (isSvdModelName(request.checkpoint)) {
            resolved.problems << FieldProblem{field,
                                              Text::tr("Checkpoint '%1' is an SVD model; "
                                                       "AnimateDiff needs a Stable Diffusion 1.5 "
                                                       "checkpoint.")
                                                      .arg(request.checkpoint)};
        }
        return;
    }
    QStringList usable = installed;
    usable.removeIf([](const QString &name) { return isSvdModelName(name); });
    if (usable.isEmpty()) {
        resolved.problems << FieldProblem{field,
                                          Text::tr("No Stable Diffusion 1.5 checkpoint is "
                                                   "installed on this server (AnimateDiff cannot "
                                                   "use SVD models). Put one, e.g. "
                                                   "v1-5-pruned-emaonly.safetensors, in "
                                                   "models/checkpoints.")};
        return;
    }
    request.checkpoint = bestOf(usable, checkpointScore);
    resolved.choices << Text::tr("Using checkpoint %1.").arg(request.checkpoint);
}

void resolveMotionModule(const NodeCatalog &catalog, ResolvedRequest &resolved)
{
    GenerationRequest &request = resolved.request;
    const QStringList installed = catalog.models(QStringLiteral("animatediff_models"));
    const auto field = QStringLiteral("motionModule");
    if (!request.motionModule.isEmpty()) {
        if (!installed.contains(request.motionModule))
            resolved.problems << FieldProblem{field,
                                              notOnServer(request.motionModule, installed, true)};
        return;
    }
    if (installed.isEmpty()) {
        resolved.problems << FieldProblem{field,
                                          Text::tr("No AnimateDiff motion module is installed on "
                                                   "this server. Put one, e.g. "
                                                   "mm_sd_v15_v2.ckpt, in "
                                                   "models/animatediff_models.")};
        return;
    }
    request.motionModule = bestOf(installed, motionModuleScore);
    resolved.choices << Text::tr("Using motion module %1.").arg(request.motionModule);
}

void checkAnimateDiffNodes(const NodeCatalog &catalog, ResolvedRequest &resolved)
{
    GenerationRequest &request = resolved.request;
    const bool gen2 = catalog.hasAnimateDiffGen2();
    const QString sampling = gen2 ? QStringLiteral("ADE_UseEvolvedSampling")
                                  : QStringLiteral("ADE_AnimateDiffLoaderWithContext");
    const QStringList schedules = catalog.comboOptions(sampling, QStringLiteral("beta_schedule"));
    // ADE releases before "autoselect" existed: use what it selects for SD1.5 motion modules.
    const QString sd15Schedule = QStringLiteral("sqrt_linear (AnimateDiff)");
    if (request.betaSchedule == QLatin1String("autoselect") && !schedules.isEmpty()
        && !schedules.contains(request.betaSchedule) && schedules.contains(sd15Schedule)) {
        request.betaSchedule = sd15Schedule;
        resolved.choices << Text::tr("Using beta schedule %1 (this AnimateDiff-Evolved has no "
                                     "autoselect).")
                                    .arg(sd15Schedule);
    }
    if (!schedules.isEmpty() && !schedules.contains(request.betaSchedule)) {
        resolved.problems << FieldProblem{
                QStringLiteral("betaSchedule"),
                Text::tr("Beta schedule '%1' is not offered by this "
                         "server. Available: %2")
                        .arg(request.betaSchedule, installedList(schedules))};
    }
    if (request.frames > request.contextLength
        && BuildOptions::forCatalog(catalog, request).contextNodeClass.isEmpty()) {
        resolved.problems << FieldProblem{QStringLiteral("frames"),
                                          Text::tr("%1 frames need AnimateDiff context options "
                                                   "(more than one window of %2 frames), but "
                                                   "this server has none. Use at most %2 frames "
                                                   "or update AnimateDiff-Evolved.")
                                                  .arg(request.frames)
                                                  .arg(request.contextLength)};
    }
}

void resolveAnimateDiff(const NodeCatalog &catalog, ResolvedRequest &resolved)
{
    resolveAnimateDiffCheckpoint(catalog, resolved);
    if (!catalog.hasAnimateDiffGen2() && !catalog.hasAnimateDiffLegacy()) {
        resolved.problems << FieldProblem{QStringLiteral("kind"),
                                          Text::tr("AnimateDiff-Evolved is not installed on this "
                                                   "server: install the "
                                                   "ComfyUI-AnimateDiff-Evolved custom nodes.")};
        return;
    }
    resolveMotionModule(catalog, resolved);
    checkAnimateDiffNodes(catalog, resolved);
}

QString pickSvdCheckpoint(const QStringList &installed, int frames)
{
    QStringList svd = installed;
    svd.removeIf([](const QString &name) {
        return !isSvdModelName(name) || lowerBaseName(name).contains(QLatin1String("decoder"));
    });
    const bool wantXt = frames > SvdFrames;
    return bestOf(svd,
                  [wantXt](const QString &name) { return isSvdXtName(name) == wantXt ? 0 : 1; });
}

void resolveSvd(const NodeCatalog &catalog, ResolvedRequest &resolved)
{
    GenerationRequest &request = resolved.request;
    QStringList missing;
    for (const char *node :
         {"ImageOnlyCheckpointLoader", "SVD_img2vid_Conditioning", "VideoLinearCFGGuidance"}) {
        if (!catalog.hasNode(QLatin1String(node)))
            missing << QLatin1String(node);
    }
    if (!missing.isEmpty()) {
        resolved.problems << FieldProblem{QStringLiteral("kind"),
                                          Text::tr("This server lacks the SVD nodes (%1): update "
                                                   "ComfyUI.")
                                                  .arg(missing.join(QStringLiteral(", ")))};
    }
    const QStringList installed = checkpointsFor(catalog, Kind::Svd);
    const auto field = QStringLiteral("checkpoint");
    if (!request.checkpoint.isEmpty()) {
        if (!installed.contains(request.checkpoint))
            resolved.problems << FieldProblem{field,
                                              notOnServer(request.checkpoint, installed, false)};
        return;
    }
    request.checkpoint = pickSvdCheckpoint(installed, request.frames);
    if (request.checkpoint.isEmpty()) {
        resolved.problems << FieldProblem{field,
                                          Text::tr("No SVD checkpoint is installed on this "
                                                   "server. Put svd_xt.safetensors (25 frames) or "
                                                   "svd.safetensors (14 frames) in "
                                                   "models/checkpoints.")};
        return;
    }
    resolved.choices << Text::tr("Using SVD checkpoint %1.").arg(request.checkpoint);
}

void checkSampling(const NodeCatalog &catalog, ResolvedRequest &resolved)
{
    const GenerationRequest &request = resolved.request;
    const auto check = [&](const QString &field,
                           const QString &input,
                           const QString &value,
                           bool isSampler) {
        const QStringList offered = catalog.comboOptions(QStringLiteral("KSampler"), input);
        if (offered.isEmpty() || offered.contains(value))
            return;
        const QString message = isSampler ? Text::tr("Sampler '%1' is not offered by this server. "
                                                     "Available: %2")
                                          : Text::tr("Scheduler '%1' is not offered by this "
                                                     "server. Available: %2");
        resolved.problems << FieldProblem{field, message.arg(value, installedList(offered))};
    };
    check(QStringLiteral("sampler"), QStringLiteral("sampler_name"), request.sampler, true);
    check(QStringLiteral("scheduler"), QStringLiteral("scheduler"), request.scheduler, false);
    if (!catalog.hasVideoHelperSuite() && !catalog.hasNode(QStringLiteral("SaveAnimatedWEBP"))) {
        resolved.problems << FieldProblem{QStringLiteral("format"),
                                          Text::tr("This server has neither VideoHelperSuite nor "
                                                   "SaveAnimatedWEBP, so it cannot save a "
                                                   "video.")};
    }
}

} // namespace

ResolvedRequest resolveAgainstCatalog(const GenerationRequest &request, const NodeCatalog &catalog)
{
    ResolvedRequest resolved;
    resolved.request = request;
    if (request.kind == Kind::Svd)
        resolveSvd(catalog, resolved);
    else
        resolveAnimateDiff(catalog, resolved);
    checkSampling(catalog, resolved);
    return resolved;
}

QString commonDefaultCheckpoint(const GenerationRequest &request)
{
    if (request.kind == Kind::AnimateDiff)
        return QStringLiteral("v1-5-pruned-emaonly.safetensors");
    return request.frames > SvdFrames ? QStringLiteral("svd_xt.safetensors")
                                      : QStringLiteral("svd.safetensors");
}

QString commonDefaultMotionModule()
{
    return QStringLiteral("mm_sd_v15_v2.ckpt");
}

bool isSvdModelName(const QString &name)
{
    const QString base = lowerBaseName(name);
    return base.startsWith(QLatin1String("svd"))
           || containsAny(base, {"stable-video-diffusion", "stable_video_diffusion", "img2vid"});
}

bool isSvdXtName(const QString &name)
{
    return isSvdModelName(name) && lowerBaseName(name).contains(QLatin1String("xt"));
}

} // namespace comfyvideo::comfy
