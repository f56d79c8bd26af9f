#pragma once

#include "storage/jobrecord.h"

#include <QList>
#include <optional>

// The job's life (design.md): which state may follow which. The store only records; the
// scheduler asks here before every transition it makes.
//
//   Queued -> Dispatching -> Uploading -> Submitted -> Running -> Fetching -> Completed
//   Dispatching may go straight to Submitted (a backend that lets us choose the remote id and
//   needs no upload), Submitted straight to Fetching (a fully cached run).
//   Dispatching .. Fetching -> Failed, and -> Queued (retry, fallback, restart recovery).
//   Any non-terminal state -> Canceled. Failed / Canceled -> Queued (a manual retry).
namespace comfyvideo::jobs {

bool isAllowedTransition(storage::JobState from, storage::JobState to);
QList<storage::JobState> allowedTargets(storage::JobState from);

// The position of a state along the pipeline: Queued 0, Dispatching 1, ..., Completed 6;
// Failed and Canceled -1. Used to move only forward on a run's stage reports.
int pipelineRank(storage::JobState state);

// The next pipeline state on the way from `from` to the later `to` (taking the allowed short
// cuts), or std::nullopt when `to` is not ahead of `from` on the pipeline.
std::optional<storage::JobState> nextStepTowards(storage::JobState from, storage::JobState to);

// A manual retry: a Failed or Canceled job back to Queued with a fresh start (attempts,
// exclusions, error, remote id, cancel request and timestamps cleared; the output path kept).
// One definition for the scheduler and the CLI (`jobs retry`, another process).
storage::JobUpdate manualRetryUpdate(const QString &eventMessage);

} // namespace comfyvideo::jobs
