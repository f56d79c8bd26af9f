#include "jobs/runmeter.h"

#include <algorithm>

namespace comfyvideo::jobs {

using Phase = backends::JobProgress::Phase;

void RunMeter::begin(qint64 nowMs)
{
    *this = RunMeter();
    m_beginMs = nowMs;
}

void RunMeter::observe(const backends::JobProgress &progress, qint64 nowMs)
{
    if (m_beginMs < 0)
        m_beginMs = nowMs;
    if (progress.targetFrames > 0)
        m_frames = progress.targetFrames;
    if (progress.phase == Phase::Sampling) {
        if (m_samplingStartMs < 0) {
            m_samplingStartMs = nowMs;
            m_firstStep = progress.step;
        }
        m_lastStep = std::max(m_lastStep, progress.step);
        m_steps = std::max(m_steps, progress.steps);
        return;
    }
    const bool after = progress.phase == Phase::Decoding || progress.phase == Phase::Encoding
                       || progress.phase == Phase::Downloading || progress.phase == Phase::Done;
    if (after && m_samplingStartMs >= 0 && m_samplingEndMs < 0)
        m_samplingEndMs = nowMs;
}

std::optional<storage::RunSample> RunMeter::finish(const request::GenerationRequest &request,
                                                   qint64 nowMs) const
{
    if (m_samplingStartMs < 0)
        return std::nullopt;
    const qint64 samplingEnd = m_samplingEndMs >= 0 ? m_samplingEndMs : nowMs;
    const int steps = m_steps > 0 ? m_steps : request.steps;
    // The first report arrives when step m_firstStep is done: the time covers the rest.
    const int measuredSteps = std::max(1, std::max(m_lastStep, steps) - m_firstStep);
    const int frames = m_frames > 0 ? m_frames : request.frames;
    storage::RunSample sample;
    sample.kind = request::kindName(request.kind);
    sample.width = request.width;
    sample.height = request.height;
    sample.frames = frames;
    sample.steps = steps;
    sample.secondsPerStep = double(samplingEnd - m_samplingStartMs) / 1000.0 / measuredSteps;
    sample.postSecondsPerFrame = double(nowMs - samplingEnd) / 1000.0 / std::max(frames, 1);
    sample.totalSeconds = double(nowMs - std::max<qint64>(m_beginMs, 0)) / 1000.0;
    sample.succeeded = true;
    return sample;
}

} // namespace comfyvideo::jobs
