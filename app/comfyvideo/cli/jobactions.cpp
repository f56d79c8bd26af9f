#include "cli/jobactions.h"

#include "cli/datadir.h"
#include "cli/jobformat.h"
#include "jobs/statemachine.h"

#include <QLockFile>

#include <csignal>
#include <memory>

namespace comfyvideo::cli {

using storage::JobRecord;
using storage::JobState;
using storage::JobUpdate;
using storage::StoreError;

namespace {

constexpr int MaxConflicts = 5;

struct Context
{
    JobActions::Action action;
    storage::JobStore &store;
    qint64 jobId;
    QString dataDir;
    Console &console;
    Finish finish;
    int conflicts = 0;
};

void attempt(const std::shared_ptr<Context> &context);

QList<JobState> activeStates()
{
    QList<JobState> states;
    for (JobState state : storage::allStates()) {
        if (storage::isActive(state))
            states << state;
    }
    return states;
}

JobUpdate cancelQueued()
{
    JobUpdate update;
    update.state = JobState::Canceled;
    update.expectedStates = {JobState::Queued};
    update.finishedAt = QDateTime::currentDateTimeUtc();
    update.eventType = QStringLiteral("canceled");
    update.eventMessage = QStringLiteral("Canceled from the command line.");
    return update;
}

JobUpdate requestCancel()
{
    JobUpdate update;
    update.cancelRequested = true;
    update.expectedStates = activeStates();
    update.eventType = QStringLiteral("cancel_requested");
    update.eventMessage = QStringLiteral("Cancel requested from the command line.");
    return update;
}

JobUpdate requeue()
{
    return jobs::manualRetryUpdate(QStringLiteral("Queued again from the command line."));
}

void report(const std::shared_ptr<Context> &c, const JobRecord &job)
{
    const QString id = u'#' + QString::number(job.id);
    if (c->action == JobActions::Action::Retry) {
        c->console.out << JobActions::tr("Job %1 is queued again.").arg(id) << Qt::endl;
    } else if (job.state == JobState::Canceled) {
        c->console.out << JobActions::tr("Job %1 is canceled.").arg(id) << Qt::endl;
    } else if (JobActions::runnerActive(c->dataDir)) {
        c->console.out << JobActions::tr("Job %1 is %2 on %3: the running 'queue run' cancels it "
                                         "within a second or so.")
                                  .arg(id,
                                       storage::stateName(job.state),
                                       JobFormat::backendLabel(job.backend))
                       << Qt::endl;
    } else {
        c->console.out << JobActions::tr("Job %1 was left %2 by a 'queue run' that is not running "
                                         "now: the next 'queue run' cancels it.")
                                  .arg(id, storage::stateName(job.state))
                       << Qt::endl;
    }
    c->finish(ExitOk);
}

void fail(const std::shared_ptr<Context> &c, const QString &message)
{
    c->console.err << message << Qt::endl;
    c->finish(ExitFailure);
}

// Decides from the job's current state; nullopt after reporting why nothing can be done.
std::optional<JobUpdate> updateFor(const std::shared_ptr<Context> &c, const JobRecord &job)
{
    const QString id = u'#' + QString::number(job.id);
    const QString state = storage::stateName(job.state);
    if (c->action == JobActions::Action::Cancel) {
        if (job.state == JobState::Queued)
            return cancelQueued();
        if (storage::isActive(job.state))
            return requestCancel();
        fail(c, JobActions::tr("Job %1 is already %2; there is nothing to cancel.").arg(id, state));
        return std::nullopt;
    }
    if (job.state == JobState::Failed || job.state == JobState::Canceled)
        return requeue();
    if (job.state == JobState::Completed)
        fail(c, JobActions::tr("Job %1 is completed; there is nothing to retry.").arg(id));
    else
        fail(c,
             JobActions::tr("Job %1 is %2, not failed or canceled; there is nothing to retry.")
                     .arg(id, state));
    return std::nullopt;
}

void onJob(const std::shared_ptr<Context> &c, const JobRecord &job)
{
    std::optional<JobUpdate> update = updateFor(c, job);
    if (!update)
        return;
    c->store.update(c->jobId, std::move(*update), [c](std::expected<JobRecord, StoreError> stored) {
        if (stored) {
            report(c, *stored);
        } else if (stored.error().kind == StoreError::Kind::Conflict
                   && ++c->conflicts < MaxConflicts) {
            attempt(c); // the job moved meanwhile: decide again
        } else {
            fail(c, storeErrorText(stored.error()));
        }
    });
}

void attempt(const std::shared_ptr<Context> &c)
{
    c->store.job(c->jobId, [c](std::expected<JobRecord, StoreError> job) {
        if (!job)
            fail(c, storeErrorText(job.error()));
        else
            onJob(c, *job);
    });
}

} // namespace

void JobActions::apply(Action action,
                       storage::JobStore &store,
                       qint64 jobId,
                       const QString &dataDir,
                       Console &console,
                       const Finish &finish)
{
    attempt(std::make_shared<Context>(Context{action, store, jobId, dataDir, console, finish}));
}

bool JobActions::runnerActive(const QString &dataDir)
{
    QLockFile lock(DataDir::lockPath(dataDir));
    qint64 pid = 0;
    QString host;
    QString application;
    if (!lock.getLockInfo(&pid, &host, &application) || pid <= 0)
        return false;
    // Signal 0 checks that the process exists without touching it.
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

} // namespace comfyvideo::cli
