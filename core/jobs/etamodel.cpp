#include "jobs/etamodel.h"

#include <algorithm>
#include <cmath>

namespace comfyvideo::jobs {

namespace {

std::chrono::milliseconds fromSeconds(double seconds)
{
    return std::chrono::milliseconds(qint64(std::llround(std::max(seconds, 0.0) * 1000.0)));
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    if (n == 0)
        return 0;
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

} // namespace

std::chrono::milliseconds EtaPrediction::sampling(int steps) const
{
    return fromSeconds(secondsPerStep * std::max(steps, 0));
}

std::chrono::milliseconds EtaPrediction::post(int frames) const
{
    return fromSeconds(postSecondsPerFrame * std::max(frames, 0));
}

EtaPrediction
EtaModel::predict(const QList<storage::RunSample> &samples, int width, int height, int frames)
{
    const double pixels = double(std::max(width, 1)) * double(std::max(height, 1));
    const double volume = pixels * double(std::max(frames, 1));
    QList<double> perStep;
    QList<double> perFrame;
    for (const storage::RunSample &s : samples) {
        if (!s.succeeded || s.width <= 0 || s.height <= 0 || s.frames <= 0 || s.secondsPerStep <= 0)
            continue;
        const double samplePixels = double(s.width) * double(s.height);
        perStep << s.secondsPerStep * volume / (samplePixels * double(s.frames));
        perFrame << std::max(s.postSecondsPerFrame, 0.0) * pixels / samplePixels;
    }
    EtaPrediction prediction;
    prediction.samples = int(perStep.size());
    prediction.secondsPerStep = median(perStep);
    prediction.postSecondsPerFrame = median(perFrame);
    return prediction;
}

std::optional<std::chrono::milliseconds> EtaModel::remaining(const backends::JobProgress &progress,
                                                             const EtaPrediction &prediction,
                                                             int steps,
                                                             int frames,
                                                             std::chrono::milliseconds postElapsed)
{
    using Phase = backends::JobProgress::Phase;
    if (progress.eta)
        return progress.eta;
    if (!prediction.isValid())
        return std::nullopt;
    const int totalSteps = progress.steps > 0 ? progress.steps : steps;
    const int totalFrames = progress.targetFrames > 0 ? progress.targetFrames : frames;
    const auto post = prediction.post(totalFrames);
    switch (progress.phase) {
    case Phase::Submitting:
    case Phase::Queued:
    case Phase::Loading:
        return prediction.sampling(totalSteps) + post;
    case Phase::Sampling:
        return prediction.sampling(totalSteps - std::clamp(progress.step, 0, totalSteps)) + post;
    case Phase::Decoding:
    case Phase::Encoding:
    case Phase::Downloading:
        return std::max(post - postElapsed, std::chrono::milliseconds(0));
    case Phase::Done:
        return std::chrono::milliseconds(0);
    }
    return std::nullopt;
}

} // namespace comfyvideo::jobs
