#pragma once

#include "backends/backend.h"
#include "storage/jobrecord.h"

#include <QList>
#include <chrono>
#include <optional>

namespace comfyvideo::jobs {

// What past runs predict for one request on one backend.
struct EtaPrediction
{
    double secondsPerStep = 0;      // sampling, scaled to the request's pixels x frames
    double postSecondsPerFrame = 0; // decode + encode + download, scaled to its pixels
    int samples = 0;                // how many past runs the prediction rests on

    bool isValid() const { return samples > 0 && secondsPerStep > 0; }
    std::chrono::milliseconds sampling(int steps) const;
    std::chrono::milliseconds post(int frames) const;
};

// ETAs learned from past runs (JobStore::runSamples) per backend and kind. Sampling cost grows
// with the latent volume (width x height x frames) and the steps; post-processing per frame
// with the pixels of a frame. The median of the scaled samples keeps one odd run from
// dominating.
class EtaModel
{
public:
    static EtaPrediction
    predict(const QList<storage::RunSample> &samples, int width, int height, int frames);

    // The remaining time of a run: the live ETA when the progress has one (the step rate after
    // two steps), else from the prediction: the whole run before sampling, the remaining steps
    // plus post-processing while sampling, and the rest of the post-processing after it
    // (`postElapsed`: time since sampling ended). std::nullopt without either.
    static std::optional<std::chrono::milliseconds>
    remaining(const backends::JobProgress &progress,
              const EtaPrediction &prediction,
              int steps,
              int frames,
              std::chrono::milliseconds postElapsed);
};

} // namespace comfyvideo::jobs
