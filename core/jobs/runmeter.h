#pragma once

#include "backends/backend.h"
#include "storage/jobrecord.h"

#include <optional>

namespace comfyvideo::jobs {

// Measures one run from its progress reports, for the ETA model: sampling time per step (from
// the first Sampling report to the first report after Sampling) and post-processing time per
// frame (from then to the end). Times are milliseconds on any monotonic clock.
class RunMeter
{
public:
    void begin(qint64 nowMs);
    void observe(const backends::JobProgress &progress, qint64 nowMs);

    bool sawSampling() const { return m_samplingStartMs >= 0; }
    bool samplingEnded() const { return m_samplingEndMs >= 0; }
    qint64 samplingEndMs() const { return m_samplingEndMs; }

    // The sample of a successful run that ended at `nowMs`; std::nullopt when no sampling was
    // seen (a cached run teaches nothing about the speed).
    std::optional<storage::RunSample> finish(const request::GenerationRequest &request,
                                             qint64 nowMs) const;

private:
    qint64 m_beginMs = -1;
    qint64 m_samplingStartMs = -1;
    qint64 m_samplingEndMs = -1;
    int m_firstStep = 0;
    int m_lastStep = 0;
    int m_steps = 0;
    int m_frames = 0;
};

} // namespace comfyvideo::jobs
