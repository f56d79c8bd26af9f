#include "comfy/progress.h"

#include <QCoreApplication>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy {

namespace {

using Phase = Progress::Phase;
constexpr Phase Ordered[] = {Phase::Submitting,
                             Phase::Queued,
                             Phase::Loading,
                             Phase::Sampling,
                             Phase::Decoding,
                             Phase::Encoding,
                             Phase::Downloading,
                             Phase::Done};

double phaseStart(Phase phase)
{
    double sum = 0;
    for (Phase p : Ordered) {
        if (p == phase)
            break;
        sum += phaseWeight(p);
    }
    return sum;
}

} // namespace

double phaseWeight(Phase phase)
{
    switch (phase) {
    case Phase::Loading:
    case Phase::Decoding:
    case Phase::Encoding:
    case Phase::Downloading:
        return 0.05;
    case Phase::Sampling:
        return 0.80;
    case Phase::Submitting:
    case Phase::Queued:
    case Phase::Done:
        return 0.0;
    }
    return 0.0;
}

double overallFraction(Phase phase, double phaseFraction)
{
    if (phase == Phase::Done)
        return 1.0;
    const double f = std::clamp(phaseFraction, 0.0, 1.0);
    return std::clamp(phaseStart(phase) + phaseWeight(phase) * f, 0.0, 1.0);
}

Phase phaseForNodeClass(const QString &classType)
{
    if (classType.startsWith(u"KSampler") || classType.startsWith(u"SamplerCustom")
        || classType == u"ADE_UseEvolvedSampling_Sample")
        return Phase::Sampling;
    if (classType.startsWith(u"VAEDecode"))
        return Phase::Decoding;
    if (classType == u"VHS_VideoCombine" || classType == u"SaveAnimatedWEBP"
        || classType == u"SaveAnimatedPNG" || classType == u"SaveVideo"
        || classType == u"CreateVideo" || classType == u"SaveWEBM" || classType == u"SaveImage")
        return Phase::Encoding;
    return Phase::Loading;
}

std::optional<std::chrono::milliseconds> estimateRemaining(
        Phase phase, int step, int steps, std::chrono::milliseconds samplingElapsed, int firstStep)
{
    if (phase != Phase::Sampling || steps <= 0 || step <= firstStep || step > steps
        || samplingElapsed.count() <= 0)
        return std::nullopt;
    const double perStep = double(samplingElapsed.count()) / double(step - firstStep);
    const double remainingSampling = perStep * double(steps - step);
    const double samplingTotal = perStep * double(steps);
    const double after = phaseWeight(Phase::Decoding) + phaseWeight(Phase::Encoding)
                         + phaseWeight(Phase::Downloading);
    const double rest = samplingTotal * after / phaseWeight(Phase::Sampling);
    return std::chrono::milliseconds(qint64(remainingSampling + rest));
}

int targetFramesOf(const QJsonObject &prompt)
{
    for (auto it = prompt.begin(); it != prompt.end(); ++it) {
        const QJsonObject node = it.value().toObject();
        const QString cls = node.value("class_type"_L1).toString();
        const QJsonObject inputs = node.value("inputs"_L1).toObject();
        if (cls == u"EmptyLatentImage" && inputs.value("batch_size"_L1).isDouble())
            return inputs.value("batch_size"_L1).toInt();
        if (cls == u"SVD_img2vid_Conditioning" && inputs.value("video_frames"_L1).isDouble())
            return inputs.value("video_frames"_L1).toInt();
    }
    return 0;
}

QString phaseName(Phase phase)
{
    switch (phase) {
    case Phase::Submitting:
        return QCoreApplication::translate("Progress", "Submitting");
    case Phase::Queued:
        return QCoreApplication::translate("Progress", "Waiting in the server queue");
    case Phase::Loading:
        return QCoreApplication::translate("Progress", "Loading models");
    case Phase::Sampling:
        return QCoreApplication::translate("Progress", "Sampling");
    case Phase::Decoding:
        return QCoreApplication::translate("Progress", "Decoding");
    case Phase::Encoding:
        return QCoreApplication::translate("Progress", "Encoding");
    case Phase::Downloading:
        return QCoreApplication::translate("Progress", "Downloading");
    case Phase::Done:
        return QCoreApplication::translate("Progress", "Done");
    }
    return {};
}

} // namespace comfyvideo::comfy
