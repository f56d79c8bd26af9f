#include "request/presets.h"

#include <QCoreApplication>

namespace comfyvideo::request {

namespace {

using namespace Qt::StringLiterals;

QString negativePrompt()
{
    return u"blurry, low quality, watermark, text, deformed"_s;
}

Preset quickAnimateDiff()
{
    GenerationRequest r = defaultRequest(Kind::AnimateDiff);
    r.prompt = u"a lighthouse on a cliff at sunset, waves crashing against the rocks, "
               "cinematic lighting"_s;
    r.negativePrompt = negativePrompt();
    r.frames = 16;
    r.fps = 8;
    return {u"animatediff-16-quick"_s,
            QCoreApplication::translate("RequestPresets", "AnimateDiff — 16 frames, quick"),
            r};
}

Preset loopingAnimateDiff()
{
    GenerationRequest r = defaultRequest(Kind::AnimateDiff);
    r.prompt = u"koi fish circling slowly in a pond seen from above, ripples, soft light"_s;
    r.negativePrompt = negativePrompt();
    r.frames = 48;
    r.fps = 12;
    r.contextLength = 16;
    r.contextOverlap = 4;
    r.contextStride = 1;
    r.contextSchedule = ContextSchedule::LoopedUniform;
    r.closedLoop = true;
    return {u"animatediff-48-loop"_s,
            QCoreApplication::translate("RequestPresets", "AnimateDiff — 48 frames, looping"),
            r};
}

Preset longAnimateDiff()
{
    GenerationRequest r = defaultRequest(Kind::AnimateDiff);
    r.prompt = u"time-lapse of clouds rolling over snowy mountains at golden hour"_s;
    r.negativePrompt = negativePrompt();
    r.frames = 128;
    r.fps = 12;
    r.contextLength = 16;
    r.contextOverlap = 4;
    r.contextStride = 1;
    r.contextSchedule = ContextSchedule::StandardUniform;
    return {u"animatediff-128-long"_s,
            QCoreApplication::translate("RequestPresets", "AnimateDiff — 128 frames, long"),
            r};
}

Preset svd14()
{
    GenerationRequest r = defaultRequest(Kind::Svd);
    r.frames = 14;
    return {u"svd-14"_s, QCoreApplication::translate("RequestPresets", "SVD — 14 frames"), r};
}

Preset svdXt25()
{
    GenerationRequest r = defaultRequest(Kind::Svd);
    r.frames = 25;
    return {u"svd-xt-25"_s, QCoreApplication::translate("RequestPresets", "SVD-XT — 25 frames"), r};
}

} // namespace

QList<Preset> builtinPresets()
{
    return {quickAnimateDiff(), loopingAnimateDiff(), longAnimateDiff(), svd14(), svdXt25()};
}

bool findPreset(const QString &id, Preset *out)
{
    for (const Preset &p : builtinPresets()) {
        if (p.id == id) {
            if (out)
                *out = p;
            return true;
        }
    }
    return false;
}

GenerationRequest applyPreset(const Preset &preset, const GenerationRequest &current)
{
    GenerationRequest r = preset.request;
    if (!current.prompt.trimmed().isEmpty())
        r.prompt = current.prompt;
    if (!current.negativePrompt.trimmed().isEmpty())
        r.negativePrompt = current.negativePrompt;
    r.referenceImage = current.referenceImage;
    r.seed = current.seed;
    r.format = current.format;
    r.crf = current.crf;
    if (current.kind == preset.request.kind) {
        r.motionModule = current.motionModule;
        // An SVD checkpoint is trained for one length: keep the person's choice only when it
        // matches the preset's, else leave it empty for the catalog to pick svd or svd_xt.
        const bool fits = r.kind != Kind::Svd || current.checkpoint.isEmpty()
                          || svdDefaultFrames(current.checkpoint) == r.frames;
        if (fits)
            r.checkpoint = current.checkpoint;
    }
    return r;
}

} // namespace comfyvideo::request
