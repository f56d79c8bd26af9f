#include "storage/jobrecord.h"

#include <QCoreApplication>

namespace comfyvideo::storage {

QString stateDisplayName(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QCoreApplication::translate("JobState", "Queued");
    case JobState::Dispatching:
        return QCoreApplication::translate("JobState", "Starting");
    case JobState::Uploading:
        return QCoreApplication::translate("JobState", "Uploading");
    case JobState::Submitted:
        return QCoreApplication::translate("JobState", "Waiting on server");
    case JobState::Running:
        return QCoreApplication::translate("JobState", "Running");
    case JobState::Fetching:
        return QCoreApplication::translate("JobState", "Downloading");
    case JobState::Completed:
        return QCoreApplication::translate("JobState", "Done");
    case JobState::Failed:
        return QCoreApplication::translate("JobState", "Failed");
    case JobState::Canceled:
        return QCoreApplication::translate("JobState", "Canceled");
    }
    return {};
}

QString stateName(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QStringLiteral("queued");
    case JobState::Dispatching:
        return QStringLiteral("dispatching");
    case JobState::Uploading:
        return QStringLiteral("uploading");
    case JobState::Submitted:
        return QStringLiteral("submitted");
    case JobState::Running:
        return QStringLiteral("running");
    case JobState::Fetching:
        return QStringLiteral("fetching");
    case JobState::Completed:
        return QStringLiteral("completed");
    case JobState::Failed:
        return QStringLiteral("failed");
    case JobState::Canceled:
        return QStringLiteral("canceled");
    }
    return {};
}

QList<JobState> allStates()
{
    return {JobState::Queued,
            JobState::Dispatching,
            JobState::Uploading,
            JobState::Submitted,
            JobState::Running,
            JobState::Fetching,
            JobState::Completed,
            JobState::Failed,
            JobState::Canceled};
}

std::optional<JobState> parseState(const QString &name)
{
    for (JobState state : allStates()) {
        if (stateName(state) == name)
            return state;
    }
    return std::nullopt;
}

bool isTerminal(JobState state)
{
    return state == JobState::Completed || state == JobState::Failed || state == JobState::Canceled;
}

bool isActive(JobState state)
{
    return !isTerminal(state) && state != JobState::Queued;
}

bool hasRemoteWork(JobState state)
{
    return state == JobState::Submitted || state == JobState::Running
           || state == JobState::Fetching;
}

} // namespace comfyvideo::storage
