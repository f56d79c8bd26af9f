#pragma once

// The validation rules under test: each changes a valid request in one way and names the field
// and a piece of the message that must come back.

#include "request/validation.h"

#include <QList>
#include <QString>

#include <functional>
#include <limits>

namespace validationrules {

using namespace comfyvideo::request;
using namespace Qt::StringLiterals;

inline constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double Inf = std::numeric_limits<double>::infinity();

using Change = std::function<void(GenerationRequest &)>;

struct Rule
{
    const char *name;
    Kind kind;
    Change change;
    QString field;
    QString fragment; // a piece of the message that tells what to change
};

inline QList<Rule> rules()
{
    const auto AD = Kind::AnimateDiff;
    const auto SVD = Kind::Svd;
    return {
            {"empty prompt", AD, [](auto &r) { r.prompt.clear(); }, u"prompt"_s, u"prompt"_s},
            {"blank prompt", AD, [](auto &r) { r.prompt = u" \n\t "_s; }, u"prompt"_s, u"prompt"_s},
            {"frames 0",
             AD,
             [](auto &r) { r.frames = 0; },
             u"frames"_s,
             u"Frames must be between 8 and 128 for AnimateDiff; you asked for 0."_s},
            {"frames 7", AD, [](auto &r) { r.frames = 7; }, u"frames"_s, u"you asked for 7"_s},
            {"frames 129",
             AD,
             [](auto &r) { r.frames = 129; },
             u"frames"_s,
             u"Frames must be between 8 and 128 for AnimateDiff; you asked for 129."_s},
            {"svd frames 0",
             SVD,
             [](auto &r) { r.frames = 0; },
             u"frames"_s,
             u"Frames must be between 1 and 4096 for SVD; you asked for 0."_s},
            {"svd frames 4097", SVD, [](auto &r) { r.frames = 4097; }, u"frames"_s, u"4097"_s},
            {"fps 5", AD, [](auto &r) { r.fps = 5; }, u"fps"_s, u"between 6 and 24"_s},
            {"fps 25", SVD, [](auto &r) { r.fps = 25; }, u"fps"_s, u"you asked for 25"_s},
            {"steps 0", AD, [](auto &r) { r.steps = 0; }, u"steps"_s, u"between 1 and 10000"_s},
            {"steps 10001", SVD, [](auto &r) { r.steps = 10001; }, u"steps"_s, u"10001"_s},
            {"cfg negative", AD, [](auto &r) { r.cfg = -0.5; }, u"cfg"_s, u"you asked for -0.5"_s},
            {"cfg 100.5", SVD, [](auto &r) { r.cfg = 100.5; }, u"cfg"_s, u"between 0 and 100"_s},
            {"cfg NaN", AD, [](auto &r) { r.cfg = NaN; }, u"cfg"_s, u"not a number"_s},
            {"cfg +inf", AD, [](auto &r) { r.cfg = Inf; }, u"cfg"_s, u"not a number"_s},
            {"cfg -inf", SVD, [](auto &r) { r.cfg = -Inf; }, u"cfg"_s, u"not a number"_s},
            {"empty sampler", AD, [](auto &r) { r.sampler.clear(); }, u"sampler"_s, u"sampler"_s},
            {"blank sampler", SVD, [](auto &r) { r.sampler = u" "_s; }, u"sampler"_s, u"euler"_s},
            {"empty scheduler",
             AD,
             [](auto &r) { r.scheduler.clear(); },
             u"scheduler"_s,
             u"scheduler"_s},
            {"width 513",
             AD,
             [](auto &r) { r.width = 513; },
             u"width"_s,
             u"Width must be a multiple of 8; you asked for 513. Try 512 or 520."_s},
            {"width 56", AD, [](auto &r) { r.width = 56; }, u"width"_s, u"between 64 and 2048"_s},
            {"width 2056", SVD, [](auto &r) { r.width = 2056; }, u"width"_s, u"2056"_s},
            {"width 0", AD, [](auto &r) { r.width = 0; }, u"width"_s, u"between 64 and 2048"_s},
            {"width -8", AD, [](auto &r) { r.width = -8; }, u"width"_s, u"-8"_s},
            {"height 577", SVD, [](auto &r) { r.height = 577; }, u"height"_s, u"Try 576 or 584"_s},
            {"height 4096", AD, [](auto &r) { r.height = 4096; }, u"height"_s, u"4096"_s},
            {"crf -1", AD, [](auto &r) { r.crf = -1; }, u"crf"_s, u"between 0 (best) and 51"_s},
            {"crf 52", SVD, [](auto &r) { r.crf = 52; }, u"crf"_s, u"you asked for 52"_s},
            {"empty beta schedule",
             AD,
             [](auto &r) { r.betaSchedule.clear(); },
             u"betaSchedule"_s,
             u"autoselect"_s},
            {"context length 0",
             AD,
             [](auto &r) { r.contextLength = 0; },
             u"contextLength"_s,
             u"between 1 and 128"_s},
            {"context length 129",
             AD,
             [](auto &r) { r.contextLength = 129; },
             u"contextLength"_s,
             u"129"_s},
            {"negative overlap",
             AD,
             [](auto &r) { r.contextOverlap = -1; },
             u"contextOverlap"_s,
             u"negative"_s},
            {"overlap equals length",
             AD,
             [](auto &r) { r.contextOverlap = 16; },
             u"contextOverlap"_s,
             u"smaller than the context length (16); you asked for 16"_s},
            {"overlap above length",
             AD,
             [](auto &r) {
                 r.contextLength = 8;
                 r.contextOverlap = 12;
             },
             u"contextOverlap"_s,
             u"(8)"_s},
            {"stride 0",
             AD,
             [](auto &r) { r.contextStride = 0; },
             u"contextStride"_s,
             u"between 1 and 32"_s},
            {"stride 33", AD, [](auto &r) { r.contextStride = 33; }, u"contextStride"_s, u"33"_s},
            {"loop without looped schedule",
             AD,
             [](auto &r) {
                 r.closedLoop = true;
                 r.contextSchedule = ContextSchedule::StandardStatic;
             },
             u"closedLoop"_s,
             u"looped uniform"_s},
            {"no reference image",
             SVD,
             [](auto &r) { r.referenceImage.clear(); },
             u"referenceImage"_s,
             u"Choose a reference image"_s},
            {"motion bucket 0",
             SVD,
             [](auto &r) { r.motionBucketId = 0; },
             u"motionBucketId"_s,
             u"between 1 and 1023"_s},
            {"motion bucket 1024",
             SVD,
             [](auto &r) { r.motionBucketId = 1024; },
             u"motionBucketId"_s,
             u"1024"_s},
            {"augmentation negative",
             SVD,
             [](auto &r) { r.augmentationLevel = -0.1; },
             u"augmentationLevel"_s,
             u"between 0 and 10"_s},
            {"augmentation 10.5",
             SVD,
             [](auto &r) { r.augmentationLevel = 10.5; },
             u"augmentationLevel"_s,
             u"10.5"_s},
            {"augmentation NaN",
             SVD,
             [](auto &r) { r.augmentationLevel = NaN; },
             u"augmentationLevel"_s,
             u"not a number"_s},
            {"min cfg negative",
             SVD,
             [](auto &r) { r.minCfg = -1; },
             u"minCfg"_s,
             u"between 0 and 100"_s},
            {"min cfg 101", SVD, [](auto &r) { r.minCfg = 101; }, u"minCfg"_s, u"101"_s},
            {"min cfg inf", SVD, [](auto &r) { r.minCfg = Inf; }, u"minCfg"_s, u"not a number"_s},
            {"conditioning fps 0",
             SVD,
             [](auto &r) { r.conditioningFps = 0; },
             u"conditioningFps"_s,
             u"between 1 and 1024"_s},
            {"conditioning fps 1025",
             SVD,
             [](auto &r) { r.conditioningFps = 1025; },
             u"conditioningFps"_s,
             u"1025"_s},
    };
}

inline QList<Rule> validEdges()
{
    const auto AD = Kind::AnimateDiff;
    const auto SVD = Kind::Svd;
    return {
            {"frames 8", AD, [](auto &r) { r.frames = 8; }, {}, {}},
            {"frames 128", AD, [](auto &r) { r.frames = 128; }, {}, {}},
            {"svd frames 1", SVD, [](auto &r) { r.frames = 1; }, {}, {}},
            {"svd frames 4096", SVD, [](auto &r) { r.frames = 4096; }, {}, {}},
            {"fps 6", AD, [](auto &r) { r.fps = 6; }, {}, {}},
            {"fps 24", SVD, [](auto &r) { r.fps = 24; }, {}, {}},
            {"steps 1", AD, [](auto &r) { r.steps = 1; }, {}, {}},
            {"steps 10000", AD, [](auto &r) { r.steps = 10000; }, {}, {}},
            {"cfg 0", AD, [](auto &r) { r.cfg = 0; }, {}, {}},
            {"cfg 100", SVD, [](auto &r) { r.cfg = 100; }, {}, {}},
            {"cfg 7.25", AD, [](auto &r) { r.cfg = 7.25; }, {}, {}},
            {"64x2048",
             AD,
             [](auto &r) {
                 r.width = 64;
                 r.height = 2048;
             },
             {},
             {}},
            {"crf 0", AD, [](auto &r) { r.crf = 0; }, {}, {}},
            {"crf 51 gif",
             AD,
             [](auto &r) {
                 r.crf = 51;
                 r.format = OutputFormat::Gif;
             },
             {},
             {}},
            {"context 1 overlap 0",
             AD,
             [](auto &r) {
                 r.contextLength = 1;
                 r.contextOverlap = 0;
             },
             {},
             {}},
            {"context 128 overlap 127 stride 32",
             AD,
             [](auto &r) {
                 r.contextLength = 128;
                 r.contextOverlap = 127;
                 r.contextStride = 32;
             },
             {},
             {}},
            {"closed loop",
             AD,
             [](auto &r) {
                 r.frames = 48;
                 r.closedLoop = true;
                 r.contextSchedule = ContextSchedule::LoopedUniform;
             },
             {},
             {}},
            {"largest seed",
             AD,
             [](auto &r) { r.seed = std::numeric_limits<quint64>::max(); },
             {},
             {}},
            {"motion 1", SVD, [](auto &r) { r.motionBucketId = 1; }, {}, {}},
            {"motion 1023", SVD, [](auto &r) { r.motionBucketId = 1023; }, {}, {}},
            {"augmentation 10 min cfg 100",
             SVD,
             [](auto &r) {
                 r.augmentationLevel = 10;
                 r.minCfg = 100; // above cfg is allowed
             },
             {},
             {}},
            {"conditioning fps 1", SVD, [](auto &r) { r.conditioningFps = 1; }, {}, {}},
            {"conditioning fps 1024", SVD, [](auto &r) { r.conditioningFps = 1024; }, {}, {}},
    };
}

} // namespace validationrules
