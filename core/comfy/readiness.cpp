#include "comfy/readiness.h"

#include "comfy/catalogdefaults.h"

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy {

using request::GenerationRequest;
using request::Kind;

namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(Readiness)
};

constexpr double GiB = 1024.0 * 1024.0 * 1024.0;

struct Profile
{
    double width;
    double height;
    double model;
    double minActivation;
    double recActivation;
};

constexpr Profile AnimateDiffProfile{512, 512, 4, 2, 4};
constexpr Profile SvdProfile{1024, 576, 7, 3, 5};
constexpr int AnimateDiffReferenceFrames = 16;

QString gb(double value)
{
    return QString::number(value, 'f', 1);
}

bool meets(double serverGb, double thresholdGb)
{
    return serverGb >= thresholdGb * (1.0 - VramTolerance);
}

QStringList missingNodes(const NodeCatalog &catalog, std::initializer_list<const char *> nodes)
{
    QStringList missing;
    for (const char *node : nodes) {
        if (!catalog.hasNode(QLatin1String(node)))
            missing << QLatin1String(node);
    }
    return missing;
}

QStringList installedCheckpoints(const NodeCatalog &catalog, Kind kind)
{
    const QString loader
            = kind == Kind::Svd ? u"ImageOnlyCheckpointLoader"_s : u"CheckpointLoaderSimple"_s;
    if (catalog.hasNode(loader))
        return catalog.comboOptions(loader, u"ckpt_name"_s);
    return catalog.models(u"checkpoints"_s);
}

ReadinessReason blocking(ReadinessReason::Kind kind,
                         const QString &field,
                         const QString &message,
                         const QString &missingName = {})
{
    return {kind, true, field, message, missingName};
}

ReadinessReason warning(ReadinessReason::Kind kind,
                        const QString &field,
                        const QString &message,
                        const QString &missingName = {})
{
    return {kind, false, field, message, missingName};
}

ReadinessReason missingPack(const request::FieldProblem &problem,
                            const GenerationRequest &request,
                            const NodeCatalog &catalog)
{
    if (request.kind == Kind::Svd) {
        const QStringList nodes = missingNodes(catalog,
                                               {"ImageOnlyCheckpointLoader",
                                                "SVD_img2vid_Conditioning",
                                                "VideoLinearCFGGuidance"});
        return blocking(ReadinessReason::MissingNodePack,
                        problem.field,
                        problem.message,
                        nodes.join(u", "_s));
    }
    const QStringList nodes = missingNodes(catalog,
                                           {"ADE_LoadAnimateDiffModel",
                                            "ADE_ApplyAnimateDiffModelSimple",
                                            "ADE_UseEvolvedSampling"});
    return blocking(ReadinessReason::MissingNodePack,
                    problem.field,
                    Text::tr("AnimateDiff-Evolved is not installed on this server (%1 missing): "
                             "install the ComfyUI-AnimateDiff-Evolved custom nodes.")
                            .arg(nodes.join(u", "_s)),
                    u"AnimateDiff-Evolved"_s);
}

ReadinessReason fromProblem(const request::FieldProblem &problem,
                            const GenerationRequest &request,
                            const NodeCatalog &catalog)
{
    using R = ReadinessReason;
    if (problem.field == "kind"_L1)
        return missingPack(problem, request, catalog);
    if (problem.field == "checkpoint"_L1) {
        const QString &name = request.checkpoint;
        if (!name.isEmpty() && installedCheckpoints(catalog, request.kind).contains(name))
            return blocking(R::IncompatibleModel, problem.field, problem.message);
        return blocking(R::MissingModel,
                        problem.field,
                        problem.message,
                        name.isEmpty() ? commonDefaultCheckpoint(request) : name);
    }
    if (problem.field == "motionModule"_L1) {
        const QString &name = request.motionModule;
        return blocking(R::MissingModel,
                        problem.field,
                        problem.message,
                        name.isEmpty() ? commonDefaultMotionModule() : name);
    }
    if (problem.field == "format"_L1)
        return blocking(R::MissingNodePack, problem.field, problem.message, u"VideoHelperSuite"_s);
    return blocking(R::UnsupportedOption, problem.field, problem.message);
}

void checkCatalog(const ResolvedRequest &resolved,
                  const NodeCatalog &catalog,
                  QList<ReadinessReason> &reasons)
{
    const GenerationRequest &request = resolved.request;
    for (const request::FieldProblem &problem : resolved.problems)
        reasons << fromProblem(problem, request, catalog);
    if (!catalog.hasVideoHelperSuite() && catalog.hasNode(u"SaveAnimatedWEBP"_s)) {
        reasons << warning(ReadinessReason::MissingNodePack,
                           u"format"_s,
                           Text::tr("VideoHelperSuite is not installed on this server "
                                    "(VHS_VideoCombine missing): the video will be saved as an "
                                    "animated WEBP instead of %1.")
                                   .arg(request::formatDisplayName(request.format)),
                           u"VideoHelperSuite"_s);
    }
}

void checkDeviceVram(const SystemStats::Device &device,
                     const VramEstimate &need,
                     QList<ReadinessReason> &reasons)
{
    using R = ReadinessReason;
    const double total = double(device.vramTotal) / GiB;
    if (!meets(total, need.minimumGb)) {
        reasons << blocking(R::VramBelowMinimum,
                            {},
                            Text::tr("This clip needs about %1 GB of VRAM; the server has %2 GB. "
                                     "Use fewer frames or a smaller size.")
                                    .arg(gb(need.minimumGb), gb(total)));
        return;
    }
    if (!meets(total, need.recommendedGb)) {
        reasons << warning(R::VramBelowRecommended,
                           {},
                           Text::tr("This clip should have about %1 GB of VRAM; the server has "
                                    "%2 GB, so it may be slow or run out of memory.")
                                   .arg(gb(need.recommendedGb), gb(total)));
    }
    const double free = double(device.vramFree) / GiB;
    if (device.vramFree > 0 && !meets(free, need.minimumGb)) {
        reasons << warning(R::VramFreeLow,
                           {},
                           Text::tr("Only %1 GB of the server's VRAM is free right now; this clip "
                                    "needs about %2 GB. Other programs using the GPU may make it "
                                    "run out of memory.")
                                   .arg(gb(free), gb(need.minimumGb)));
    }
}

std::optional<double> checkVram(const VramEstimate &need,
                                const std::optional<SystemStats> &stats,
                                QList<ReadinessReason> &reasons)
{
    using R = ReadinessReason;
    if (!stats || stats->devices.isEmpty()) {
        reasons << warning(R::UnknownVram,
                           {},
                           Text::tr("The server did not report its GPU, so whether it has the "
                                    "about %1 GB of VRAM this clip needs is unknown.")
                                   .arg(gb(need.minimumGb)));
        return std::nullopt;
    }
    const SystemStats::Device &device = stats->devices.constFirst();
    if (device.type.compare("cpu"_L1, Qt::CaseInsensitive) == 0) {
        reasons << warning(R::NoGpu,
                           {},
                           Text::tr("The server runs ComfyUI without a GPU (on the CPU): it will "
                                    "be very slow."));
        return std::nullopt;
    }
    if (device.vramTotal <= 0) {
        reasons << warning(R::UnknownVram,
                           {},
                           Text::tr("The server did not report the VRAM of %1, so whether it has "
                                    "the about %2 GB this clip needs is unknown.")
                                   .arg(device.name, gb(need.minimumGb)));
        return std::nullopt;
    }
    checkDeviceVram(device, need, reasons);
    return double(device.vramTotal) / GiB;
}

} // namespace

VramEstimate estimateVram(const GenerationRequest &request)
{
    const bool svd = request.kind == Kind::Svd;
    const Profile &p = svd ? SvdProfile : AnimateDiffProfile;
    VramEstimate e;
    if (svd) {
        const QString checkpoint = request.checkpoint.isEmpty() ? commonDefaultCheckpoint(request)
                                                                : request.checkpoint;
        e.referenceFrames = request::svdDefaultFrames(checkpoint);
    } else {
        e.referenceFrames = AnimateDiffReferenceFrames;
    }
    if (request.width > 0 && request.height > 0 && request.frames > 0) {
        const double workload = double(request.width) * request.height * request.frames;
        e.ratio = workload / (p.width * p.height * e.referenceFrames);
    }
    e.modelGb = p.model;
    e.minimumGb = p.model + p.minActivation * e.ratio;
    e.recommendedGb = p.model + p.recActivation * e.ratio;
    return e;
}

Readiness assessReadiness(const GenerationRequest &request,
                          const NodeCatalog &catalog,
                          const std::optional<SystemStats> &stats)
{
    Readiness readiness;
    const ResolvedRequest resolved = resolveAgainstCatalog(request, catalog);
    checkCatalog(resolved, catalog, readiness.reasons);
    // Estimate with the models the catalog picks (svd vs svd_xt changes the reference).
    const VramEstimate need = estimateVram(resolved.request);
    readiness.requiredVramGb = need.minimumGb;
    readiness.recommendedVramGb = need.recommendedGb;
    readiness.serverVramGb = checkVram(need, stats, readiness.reasons);
    const bool blocked = std::ranges::any_of(readiness.reasons, &ReadinessReason::blocking);
    readiness.level = blocked                       ? ReadinessLevel::Blocked
                      : readiness.reasons.isEmpty() ? ReadinessLevel::Ready
                                                    : ReadinessLevel::ReadyWithWarnings;
    return readiness;
}

} // namespace comfyvideo::comfy
