#pragma once

#include "backends/backend.h"
#include "storage/jobrecord.h"

#include <QString>
#include <chrono>

// The texts the progress panel shows, as pure functions (translated in the "ProgressPanel"
// context) so the panel only places them.
namespace comfyvideo::ui::progresstexts {

QString duration(std::chrono::milliseconds value);     // "0:12", "12:05", "1:02:03"
QString phase(const backends::JobProgress &progress);  // "Sampling", "Queued (2 ahead)"
QString step(const backends::JobProgress &progress);   // "Step 12 / 20"; empty before sampling
QString frames(const backends::JobProgress &progress); // "16 frames"; empty when unknown
QString node(const backends::JobProgress &progress);   // "Node: KSampler (Sampler)"
// "Elapsed 0:12 · About 0:30 left", "Elapsed 0:12 · Estimating…"
QString timing(const backends::JobProgress &progress);
// The phase line for a job that has ended ("Done", "Failed", "Canceled"); empty otherwise.
QString terminalPhase(storage::JobState state);
// One Details line: "12:03:04  state → running  the message".
QString eventLine(const storage::JobEvent &event);

} // namespace comfyvideo::ui::progresstexts
