#pragma once

#include "request/generationrequest.h"

#include <QList>
#include <QString>

namespace comfyvideo::request {

struct Preset
{
    QString id;   // stable, e.g. "animatediff-16-quick"
    QString name; // translated, e.g. "AnimateDiff — 16 frames, quick"
    GenerationRequest request;
};

// The built-in presets, in menu order:
//   animatediff-16-quick   AnimateDiff — 16 frames, quick    (one motion window, no context)
//   animatediff-48-loop    AnimateDiff — 48 frames, looping  (looped uniform, closed loop)
//   animatediff-128-long   AnimateDiff — 128 frames, long    (standard uniform windows)
//   svd-14                 SVD — 14 frames                   (catalog picks svd)
//   svd-xt-25              SVD-XT — 25 frames                (catalog picks svd_xt)
// Model names are empty (the catalog fills them). AnimateDiff presets carry an example prompt, so
// they validate clean as they are; SVD presets carry no reference image (a preset cannot know
// the picture), so validate() reports exactly one problem for them, on "referenceImage".
QList<Preset> builtinPresets();
// nullptr-free lookup: returns false when no preset has that id.
bool findPreset(const QString &id, Preset *out);

// What the form does when a preset is picked: the preset's request, keeping what the person
// chose themselves: prompt and negative prompt (when not empty), reference image, seed, output
// format and quality, and the motion module and checkpoint when the preset is of the same kind
// (an SVD checkpoint only when it was trained for the preset's frame count: svd for 14, svd_xt
// for 25; otherwise it is left empty for the catalog to pick).
GenerationRequest applyPreset(const Preset &preset, const GenerationRequest &current);

} // namespace comfyvideo::request
