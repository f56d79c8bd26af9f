#pragma once

#include "simulator/simvalue.h"

#include <QImage>
#include <array>

namespace comfyvideo::simulator {

// Renders the simulator's plainly-not-AI frames: a gradient with moving shapes whose colours
// come from a hash of seed and prompt, the frame number drawn as seven-segment digits; for
// SVD/LoadImage clips a slow pan/zoom over the start image. Deterministic; needs no fonts
// (works under QCoreApplication and on worker threads).
class FrameRenderer
{
public:
    explicit FrameRenderer(const ClipSpec &clip);

    QImage frame(int index) const;
    // The sampler preview of frame 0 after `step` of `steps` (noise fading into the frame),
    // scaled to fit maxSide.
    QImage preview(int step, int steps, int maxSide = 512) const;

private:
    void drawAnimation(QImage &image, int index) const;
    void drawImagePan(QImage &image, int index) const;
    static void drawNumber(QImage &image, int number);

    ClipSpec m_clip;
    QImage m_source;
    std::array<QRgb, 4> m_palette{};
};

} // namespace comfyvideo::simulator
