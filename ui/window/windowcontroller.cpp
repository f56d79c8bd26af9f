#include "window/windowcontroller.h"

#include "backends/comfybackend.h"
#include "errorview/errorpanel.h"
#include "joblist/joblistpanel.h"
#include "joblist/sessionjobsmodel.h"
#include "params/paramsform.h"
#include "preview/previewpanel.h"
#include "progress/progresscoalescer.h"
#include "progress/progresspanel.h"
#include "storage/jobstore.h"
#include "window/controllerprivate.h"
#include "window/mainwindow.h"

#include <QScopedValueRollback>
#include <QSettings>

namespace comfyvideo::ui {

using namespace std::chrono_literals;

namespace {
constexpr int SessionFinishedJobs = 20; // finished jobs of earlier sessions listed at start
}

WindowController::Private::Private(WindowController *q, MainWindow *window, WindowContext context)
    : q(q)
    , window(window)
    , context(std::move(context))
    , coalescer(new ProgressCoalescer(q))
{
    if (this->context.demo && !this->context.servers.isEmpty())
        demoBackendId = this->context.servers.first()->id();
    readinessTimer.setSingleShot(true);
    readinessTimer.setInterval(300ms);
    saveTimer.setSingleShot(true);
    saveTimer.setInterval(500ms);
}

ParamsForm *WindowController::Private::form() const
{
    return window->paramsForm();
}

bool WindowController::Private::canSubmit() const
{
    return context.store && context.scheduler && !context.servers.isEmpty()
           && context.startupProblem.isEmpty();
}

WindowController::WindowController(MainWindow *window, WindowContext context, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, window, std::move(context)))
{
    connect(&d->readinessTimer, &QTimer::timeout, this, [this] { d->checkReadiness(); });
    connect(&d->saveTimer, &QTimer::timeout, this, [this] { d->saveParameters(); });
    connect(d->coalescer,
            &ProgressCoalescer::progressReady,
            this,
            [this](qint64 jobId, const backends::JobProgress &progress) {
                if (!d->window)
                    return;
                d->window->jobsModel()->setProgress(jobId, progress);
                if (jobId == d->selected)
                    d->window->progressPanel()->setProgress(progress);
            });
    d->connectWindow();
    d->connectScheduler();
}

WindowController::~WindowController()
{
    if (d->saveTimer.isActive())
        d->saveParameters();
}

void WindowController::start()
{
    if (!d->window)
        return;
    // The composition root may restore the geometry before the first paint; otherwise here.
    if (d->context.settings && !d->window->isVisible())
        d->window->restoreState(*d->context.settings);
    d->showStartupBanner();
    d->form()->setWorkDirectory(d->context.workDirectory);
    QString serverId;
    if (d->context.settings)
        serverId = d->context.settings->value(QStringLiteral("window/server")).toString();
    d->publishServers(serverId);
    d->restoreParameters();
    d->form()->setSubmitEnabled(d->canSubmit());
    d->loadSession();
    d->fetchCatalog();
    d->scheduleReadiness();
    d->updateQueueStatus();
}

qint64 WindowController::selectedJobId() const
{
    return d->selected;
}

void WindowController::selectJob(qint64 jobId)
{
    if (d->selecting || !d->window)
        return;
    const QScopedValueRollback guard(d->selecting, true);
    d->selected = jobId;
    d->window->jobList()->selectJob(jobId);
    d->showSelected();
}

ProgressCoalescer *WindowController::coalescer() const
{
    return d->coalescer;
}

std::optional<backends::Assessment> WindowController::readiness() const
{
    return d->readiness;
}

void WindowController::generate(const request::GenerationRequest &request)
{
    d->submit(request, 1, true);
}

void WindowController::addToQueue(const request::GenerationRequest &request)
{
    d->submit(request, 0, false);
}

void WindowController::Private::connectWindow()
{
    ParamsForm *params = form();
    connect(params, &ParamsForm::generateRequested, q, &WindowController::generate);
    connect(params, &ParamsForm::queueRequested, q, &WindowController::addToQueue);
    connect(params, &ParamsForm::requestChanged, q, [this] {
        if (restoring)
            return;
        scheduleReadiness();
        saveTimer.start();
    });
    connect(params, &ParamsForm::serverChanged, q, [this] { onServerChanged(); });

    connect(window->jobList(), &JobListPanel::currentJobChanged, q, [this](qint64 jobId) {
        if (jobId != selected && jobId != 0)
            q->selectJob(jobId);
    });
    connect(window->jobList(), &JobListPanel::cancelRequested, q, [this](qint64 jobId) {
        if (context.scheduler)
            context.scheduler->cancel(jobId);
    });
    connect(window->progressPanel(), &ProgressPanel::cancelRequested, q, [this](qint64 jobId) {
        if (context.scheduler)
            context.scheduler->cancel(jobId);
    });
    connect(window->progressPanel(), &ProgressPanel::detailsRequested, q, [this](qint64 jobId) {
        loadEvents(jobId);
    });

    ErrorPanel *errors = window->errorPanel();
    connect(errors, &ErrorPanel::retryRequested, q, [this](qint64 jobId) {
        if (context.scheduler)
            context.scheduler->retry(jobId);
    });
    connect(errors, &ErrorPanel::retryLighterRequested, q, [this](qint64 jobId) {
        retryLighter(jobId);
    });
    connect(errors, &ErrorPanel::otherServerRequested, q, [this](qint64 jobId) {
        tryOtherServer(jobId);
    });
    connect(errors, &ErrorPanel::settingsRequested, q, [this] { openServersDialog(); });
    connect(errors, &ErrorPanel::dismissed, q, [this] { window->errorPanel()->clear(); });

    connect(window, &MainWindow::serversRequested, q, [this] { openServersDialog(); });
    connect(window, &MainWindow::outputFolderRequested, q, [this] { openOutputFolder(); });
    connect(window, &MainWindow::closing, q, [this] {
        saveTimer.stop();
        saveParameters();
        if (context.settings)
            window->saveState(*context.settings);
    });
}

void WindowController::Private::connectScheduler()
{
    if (!context.scheduler)
        return;
    connect(context.scheduler, &jobs::Scheduler::jobChanged, q, [this](const auto &job) {
        onJobChanged(job);
    });
    connect(context.scheduler,
            &jobs::Scheduler::jobProgress,
            q,
            [this](qint64 jobId, const backends::JobProgress &progress) {
                coalescer->push(jobId, progress);
            });
    connect(context.scheduler, &jobs::Scheduler::storeFailed, q, [this](const QString &message) {
        onStoreFailed(message);
    });
}

// Switches the panels to the selected job: from the session model when it is there, else
// from the store (a job of an earlier session).
void WindowController::Private::showSelected()
{
    const quint64 generation = ++selectionGeneration;
    if (selected == 0) {
        window->progressPanel()->clear();
        window->errorPanel()->clear();
        return;
    }
    if (const storage::JobRecord *job = window->jobsModel()->job(selected)) {
        showRecord(*job);
        loadEvents(selected);
        return;
    }
    if (!context.store)
        return;
    const qint64 jobId = selected;
    QPointer<WindowController> guard(q);
    context.store->job(jobId, [this, guard, generation, jobId](auto result) {
        if (!guard || !window || generation != selectionGeneration || !result)
            return;
        window->jobsModel()->upsert(*result);
        window->jobList()->selectJob(jobId);
        showRecord(*result);
        loadEvents(jobId);
    });
}

void WindowController::Private::showRecord(const storage::JobRecord &job)
{
    ProgressPanel *progress = window->progressPanel();
    progress->showJob(job);
    if (context.scheduler && storage::isActive(job.state)) {
        if (const auto latest = context.scheduler->progress(job.id))
            progress->setProgress(*latest);
    }
    if (job.state == storage::JobState::Failed && job.error)
        showError(job);
    else
        window->errorPanel()->clear();

    PreviewPanel *preview = window->previewPanel();
    if (job.state == storage::JobState::Completed && !job.outputPath.isEmpty()) {
        if (preview->videoPath() != job.outputPath)
            preview->setVideo(job.outputPath);
    } else if (!preview->videoPath().isEmpty()) {
        preview->clear();
    }
}

void WindowController::Private::loadEvents(qint64 jobId)
{
    if (!context.store || jobId == 0)
        return;
    QPointer<WindowController> guard(q);
    context.store->events(jobId, [this, guard, jobId](auto result) {
        if (!guard || !window || !result || jobId != selected)
            return;
        if (window->progressPanel()->jobId() == jobId)
            window->progressPanel()->setEvents(*result);
    });
}

// A record read from the store may be older than what jobChanged() already brought.
void WindowController::Private::upsertIfUnknown(const storage::JobRecord &job)
{
    if (!window->jobsModel()->job(job.id))
        window->jobsModel()->upsert(job);
}

// The session list at start: every unfinished job plus the latest finished ones.
void WindowController::Private::loadSession()
{
    if (!context.store)
        return;
    QPointer<WindowController> guard(q);
    context.store->unfinished([this, guard](auto result) {
        if (!guard || !window)
            return;
        if (!result) {
            onStoreFailed(result.error().message);
            return;
        }
        for (const storage::JobRecord &job : *result)
            upsertIfUnknown(job);
        updateQueueStatus();
    });
    storage::JobQuery query;
    query.states = {
            storage::JobState::Completed, storage::JobState::Failed, storage::JobState::Canceled};
    query.order = storage::JobQuery::Order::NewestFirst;
    query.limit = SessionFinishedJobs;
    context.store->query(query, [this, guard](auto result) {
        if (!guard || !window)
            return;
        if (!result) {
            onStoreFailed(result.error().message);
            return;
        }
        for (const storage::JobRecord &job : result->jobs)
            upsertIfUnknown(job);
        updateQueueStatus();
    });
}

} // namespace comfyvideo::ui
