#pragma once

#include <QList>
#include <QString>

namespace comfyvideo::simulator {

// What a simulated IMAGE or LATENT holds: enough to render the frames deterministically.
struct ClipSpec
{
    int width = 512;
    int height = 512;
    int frames = 1;
    QString seed;      // the sampler seed as text ("" before sampling)
    QString prompt;    // positive prompt text
    QString imagePath; // SVD / LoadImage: the start image, animated with a slow pan/zoom
    QString videoTag;  // VHS_LoadVideo: the source file name (its frames are stand-ins)
    bool sampled = false;
};

// One output slot of a simulated node.
struct SimValue
{
    enum class Kind { Opaque, Text, Clip, Int };
    Kind kind = Kind::Opaque;
    QString type; // the declared output type ("MODEL", "CONDITIONING", ...)
    QString text;
    ClipSpec clip;
    qint64 number = 0;
};

using NodeOutputs = QList<SimValue>;

} // namespace comfyvideo::simulator
