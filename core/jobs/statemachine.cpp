#include "jobs/statemachine.h"

namespace comfyvideo::jobs {

using storage::JobState;

int pipelineRank(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return 0;
    case JobState::Dispatching:
        return 1;
    case JobState::Uploading:
        return 2;
    case JobState::Submitted:
        return 3;
    case JobState::Running:
        return 4;
    case JobState::Fetching:
        return 5;
    case JobState::Completed:
        return 6;
    case JobState::Failed:
    case JobState::Canceled:
        return -1;
    }
    return -1;
}

bool isAllowedTransition(JobState from, JobState to)
{
    if (from == to)
        return false;
    if (storage::isTerminal(from))
        return from != JobState::Completed && to == JobState::Queued;
    if (to == JobState::Canceled)
        return true;
    if (storage::isActive(from) && (to == JobState::Failed || to == JobState::Queued))
        return true;
    switch (from) {
    case JobState::Queued:
        return to == JobState::Dispatching;
    case JobState::Dispatching:
        return to == JobState::Uploading || to == JobState::Submitted;
    case JobState::Uploading:
        return to == JobState::Submitted;
    case JobState::Submitted:
        return to == JobState::Running || to == JobState::Fetching;
    case JobState::Running:
        return to == JobState::Fetching;
    case JobState::Fetching:
        return to == JobState::Completed;
    default:
        return false;
    }
}

QList<JobState> allowedTargets(JobState from)
{
    QList<JobState> targets;
    for (JobState to : storage::allStates()) {
        if (isAllowedTransition(from, to))
            targets << to;
    }
    return targets;
}

std::optional<JobState> nextStepTowards(JobState from, JobState to)
{
    const int fromRank = pipelineRank(from);
    const int toRank = pipelineRank(to);
    if (fromRank < 0 || toRank <= fromRank)
        return std::nullopt;
    if (isAllowedTransition(from, to))
        return to;
    // The next state along the pipeline.
    for (JobState state : storage::allStates()) {
        if (pipelineRank(state) == fromRank + 1)
            return state;
    }
    return std::nullopt;
}

storage::JobUpdate manualRetryUpdate(const QString &eventMessage)
{
    storage::JobUpdate update;
    update.state = JobState::Queued;
    update.expectedStates = {JobState::Failed, JobState::Canceled};
    update.attempts = 0;
    update.backendAttempts = 0;
    update.excludedBackends = QStringList();
    update.error = std::optional<errors::Error>();
    update.remoteId = QString();
    update.cancelRequested = false;
    update.notBefore = QDateTime();
    update.finishedAt = QDateTime();
    update.submittedAt = QDateTime();
    update.eventType = QStringLiteral("retry");
    update.eventMessage = eventMessage;
    return update;
}

} // namespace comfyvideo::jobs
