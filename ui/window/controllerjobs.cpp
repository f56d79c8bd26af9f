#include "backends/comfybackend.h"
#include "errorview/errorpanel.h"
#include "joblist/sessionjobsmodel.h"
#include "params/paramsform.h"
#include "progress/progresscoalescer.h"
#include "progress/progresspanel.h"
#include "request/lighter.h"
#include "storage/jobstore.h"
#include "window/controllerprivate.h"
#include "window/mainwindow.h"

// The controller's job side: new jobs from the form and the error panel, the scheduler's
// job changes, the queue counts.
namespace comfyvideo::ui {

using storage::JobRecord;
using storage::JobState;

// The chosen server first, then the others in their priority order.
QStringList WindowController::Private::chainFor(const QString &firstBackendId) const
{
    QStringList chain;
    for (const backends::ComfyBackend *server : context.servers) {
        if (server)
            chain.append(server->id());
    }
    if (chain.removeOne(firstBackendId))
        chain.prepend(firstBackendId);
    return chain;
}

void WindowController::Private::submit(const request::GenerationRequest &request,
                                       int priority,
                                       bool select,
                                       QStringList excludedBackends)
{
    if (!canSubmit() || !window)
        return;
    JobRecord job;
    job.request = request;
    job.priority = priority;
    job.chain = chainFor(form()->currentServerId());
    job.excludedBackends = std::move(excludedBackends);
    QPointer<WindowController> guard(q);
    context.scheduler->enqueue({job}, [this, guard, select](auto result) {
        if (!guard || !window)
            return;
        if (!result) {
            onStoreFailed(result.error().message);
            return;
        }
        for (const JobRecord &added : *result) {
            upsertIfUnknown(added);
            emit q->jobAdded(added.id);
        }
        if (select && !result->isEmpty())
            q->selectJob(result->first().id);
        updateQueueStatus();
    });
}

void WindowController::Private::onJobChanged(const JobRecord &job)
{
    if (!window)
        return;
    window->jobsModel()->upsert(job);
    if (storage::isTerminal(job.state))
        coalescer->forget(job.id);
    if (job.id == selected) {
        showRecord(job);
        loadEvents(job.id);
    }
    updateQueueStatus();
}

void WindowController::Private::showError(const JobRecord &job)
{
    const errors::Error &error = *job.error;
    ErrorPanel::Options options;
    const bool heavy = error.kind == errors::ErrorKind::InsufficientVram
                       || error.kind == errors::ErrorKind::Timeout;
    if (heavy) {
        QString description;
        options.canRetryLighter = request::lighterRequest(job.request, &description).has_value();
        options.lighterDescription = description;
    }
    if (error.fallbackAllowed) {
        for (const backends::ComfyBackend *server : context.servers) {
            if (server && server->id() != job.backend)
                options.otherServerAvailable = true;
        }
    }
    window->errorPanel()->showError(job.id, error, options);
    window->errorPanel()->show();
}

void WindowController::Private::retryLighter(qint64 jobId)
{
    const JobRecord *job = window->jobsModel()->job(jobId);
    if (!job)
        return;
    const auto lighter = request::lighterRequest(job->request);
    if (!lighter)
        return;
    submit(*lighter, job->priority, true);
}

void WindowController::Private::tryOtherServer(qint64 jobId)
{
    const JobRecord *job = window->jobsModel()->job(jobId);
    if (!job)
        return;
    QStringList excluded = job->excludedBackends;
    if (!job->backend.isEmpty() && !excluded.contains(job->backend))
        excluded.append(job->backend);
    submit(job->request, job->priority, true, excluded);
}

void WindowController::Private::updateQueueStatus()
{
    if (!window)
        return;
    int done = 0;
    int failed = 0;
    const SessionJobsModel *model = window->jobsModel();
    for (int row = 0; row < model->rowCount(); ++row) {
        const auto state
                = JobState(model->data(model->index(row), SessionJobsModel::StateRole).toInt());
        done += state == JobState::Completed ? 1 : 0;
        failed += state == JobState::Failed ? 1 : 0;
    }
    const int waiting = context.scheduler ? context.scheduler->waitingCount() : 0;
    const int active = context.scheduler ? context.scheduler->activeCount() : 0;
    window->setQueueStatus(waiting, active, done, failed);
}

void WindowController::Private::onStoreFailed(const QString &message)
{
    if (!window)
        return;
    window->setBanner(tr("The job store failed: %1").arg(message), MainWindow::BannerLevel::Error);
}

} // namespace comfyvideo::ui
