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

QList<Preset> builtinPresets();
// nullptr-free lookup: returns false when no preset has that id.
bool findPreset(const QString &id, Preset *out);

} // namespace comfyvideo::request
