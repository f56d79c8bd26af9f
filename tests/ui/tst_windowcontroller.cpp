#include "backends/comfybackend.h"
#include "comfy/comfyclient.h"
#include "errorview/errorpanel.h"
#include "fakes/simprocess.h"
#include "joblist/joblistpanel.h"
#include "joblist/serversdialog.h"
#include "joblist/sessionjobsmodel.h"
#include "jobs/scheduler.h"
#include "params/choicecombo.h"
#include "params/paramsform.h"
#include "params/readinessline.h"
#include "preview/previewpanel.h"
#include "progress/progresscoalescer.h"
#include "progress/progresspanel.h"
#include "storage/jobstore.h"
#include "window/catalogmapping.h"
#include "window/mainwindow.h"
#include "window/windowcontroller.h"

#include <QAbstractButton>
#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace comfyvideo;
using namespace comfyvideo::ui;
using namespace std::chrono_literals;
using storage::JobRecord;
using storage::JobState;

namespace {

// Calls `start(reply)` and lets the event loop run until the store answers.
template<typename T, typename Start>
std::optional<T> await(Start start, int timeoutMs = 20000)
{
    auto result = std::make_shared<std::optional<T>>();
    auto answered = std::make_shared<bool>(false);
    start([result, answered](std::expected<T, storage::StoreError> r) {
        *answered = true;
        if (r)
            *result = std::move(*r);
    });
    if (!QTest::qWaitFor([&] { return *answered; }, timeoutMs))
        return std::nullopt;
    return *result;
}

request::GenerationRequest tinyAnimateDiff(int frames = 8)
{
    auto request = request::defaultRequest(request::Kind::AnimateDiff);
    request.prompt = QStringLiteral("a paper boat on a pond");
    request.frames = frames;
    request.contextLength = std::min(request.contextLength, frames);
    request.width = 64;
    request.height = 64;
    request.steps = 6;
    request.seed = 42;
    return request;
}

} // namespace

// The window controller against real parts (issue 6): a JobStore on a temporary file, a
// Scheduler, and one ComfyBackend on a comfyui-sim process.
class tst_WindowController : public QObject
{
    Q_OBJECT
private slots:
    void cleanup();
    void startFillsCatalogAndReadiness();
    void generateRunsToThePreview();
    void outOfMemoryOffersALighterRetry();
    void cancelThroughTheProgressPanel();
    void parametersSurviveARestart();
    void sessionListsUnfinishedAndLatestFinished();
    void demoBannerServersDialogAndStoreFailure();

private:
    bool setUpCore(const QStringList &simArguments, bool withServer = true);
    void makeWindow(const std::function<void(WindowContext &)> &adjust = {});
    std::optional<JobRecord> waitForState(qint64 jobId, JobState state, int timeoutMs = 60000);
    static QAbstractButton *cancelButton(ProgressPanel *panel);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<tests::SimProcess> m_sim;
    std::unique_ptr<storage::JobStore> m_store;
    std::unique_ptr<backends::ComfyBackend> m_backend;
    std::unique_ptr<jobs::Scheduler> m_scheduler;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<WindowController> m_controller;
    QHash<qint64, JobRecord> m_latest;
    QHash<qint64, QList<JobState>> m_states; // every announced state, per job
};

void tst_WindowController::cleanup()
{
    m_controller.reset();
    m_window.reset();
    m_scheduler.reset();
    m_backend.reset();
    m_store.reset();
    m_sim.reset();
    m_settings.reset();
    m_latest.clear();
    m_states.clear();
    m_dir.reset();
}

bool tst_WindowController::setUpCore(const QStringList &simArguments, bool withServer)
{
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid())
        return false;
    QDir(m_dir->path()).mkpath(QStringLiteral("out"));
    QDir(m_dir->path()).mkpath(QStringLiteral("work"));
    m_settings = std::make_unique<QSettings>(m_dir->filePath(QStringLiteral("settings.ini")),
                                             QSettings::IniFormat);
    m_store = std::make_unique<storage::JobStore>(m_dir->filePath(QStringLiteral("jobs.sqlite")));
    if (!await<int>([&](auto done) { m_store->open(done); }))
        return false;

    jobs::Scheduler::Options options;
    options.overallTimeout = 60s;
    options.stallTimeout = 30s;
    options.retryBaseDelay = 20ms;
    options.retryMaxDelay = 100ms;
    options.cancelGrace = 2s;
    options.assessmentTtl = 50ms;
    options.outputDirectory = m_dir->filePath(QStringLiteral("out"));
    m_scheduler = std::make_unique<jobs::Scheduler>(m_store.get(), options);
    connect(m_scheduler.get(), &jobs::Scheduler::jobChanged, this, [this](const JobRecord &job) {
        m_latest.insert(job.id, job);
        m_states[job.id] << job.state;
    });
    if (!withServer)
        return true;

    m_sim = std::make_unique<tests::SimProcess>(simArguments);
    if (!m_sim->start())
        return false;
    comfy::ServerConfig config;
    config.baseUrl = m_sim->baseUrl();
    config.requestTimeout = 10s;
    m_backend = std::make_unique<backends::ComfyBackend>(config, nullptr);
    backends::ComfyRun::Options runOptions;
    runOptions.tracker.pollInterval = 150ms;
    runOptions.tracker.historyRetryDelay = 50ms;
    m_backend->setRunOptions(runOptions);
    m_scheduler->addBackend(m_backend.get());
    m_scheduler->start();
    return true;
}

void tst_WindowController::makeWindow(const std::function<void(WindowContext &)> &adjust)
{
    m_controller.reset();
    m_window = std::make_unique<MainWindow>();
    WindowContext context;
    context.store = m_store.get();
    context.scheduler = m_scheduler.get();
    if (m_backend)
        context.servers = {m_backend.get()};
    context.settings = m_settings.get();
    context.workDirectory = m_dir->filePath(QStringLiteral("work"));
    context.outputDirectory = m_dir->filePath(QStringLiteral("out"));
    if (adjust)
        adjust(context);
    m_controller = std::make_unique<WindowController>(m_window.get(), context);
    m_window->show();
}

std::optional<JobRecord>
tst_WindowController::waitForState(qint64 jobId, JobState state, int timeoutMs)
{
    const bool reached = QTest::qWaitFor(
            [&] { return m_latest.contains(jobId) && m_latest.value(jobId).state == state; },
            timeoutMs);
    if (!reached)
        return std::nullopt;
    return m_latest.value(jobId);
}

QAbstractButton *tst_WindowController::cancelButton(ProgressPanel *panel)
{
    for (QAbstractButton *button : panel->findChildren<QAbstractButton *>()) {
        const QString label = button->text() + button->accessibleName();
        if (label.contains(QStringLiteral("Cancel"), Qt::CaseInsensitive))
            return button;
    }
    return nullptr;
}

void tst_WindowController::startFillsCatalogAndReadiness()
{
    QVERIFY(setUpCore({}));
    makeWindow();
    QSignalSpy catalog(m_controller.get(), &WindowController::catalogLoaded);
    QSignalSpy readiness(m_controller.get(), &WindowController::readinessUpdated);
    m_controller->start();
    QVERIFY(catalog.wait(20000));

    // The mapping itself, on the sim's real catalog.
    std::optional<comfy::NodeCatalog> nodes;
    m_backend->client()->objectInfo([&](auto result) {
        if (result)
            nodes = *result;
    });
    QTRY_VERIFY_WITH_TIMEOUT(nodes.has_value(), 20000);
    const CatalogChoices choices = catalogChoices(*nodes);
    QCOMPARE(choices.animateDiffCheckpoints,
             QStringList{QStringLiteral("v1-5-pruned-emaonly.safetensors")});
    QCOMPARE(
            choices.svdCheckpoints,
            (QStringList{QStringLiteral("svd.safetensors"), QStringLiteral("svd_xt.safetensors")}));
    QVERIFY(choices.motionModules.contains(QStringLiteral("mm_sd_v15_v2.ckpt")));
    QVERIFY(choices.motionModules.contains(QStringLiteral("v3_sd15_mm.ckpt")));
    QVERIFY(choices.samplers.contains(QStringLiteral("euler")));
    QVERIFY(choices.schedulers.contains(QStringLiteral("karras")));

    // The form's combos carry those names.
    QStringList offered;
    for (const ChoiceCombo *combo : m_window->paramsForm()->findChildren<ChoiceCombo *>())
        offered += combo->choices();
    QVERIFY2(offered.contains(QStringLiteral("v1-5-pruned-emaonly.safetensors")),
             qPrintable(offered.join(u',')));
    QVERIFY(offered.contains(QStringLiteral("mm_sd_v15_v2.ckpt")));
    QVERIFY(offered.contains(QStringLiteral("euler")));

    // Readiness: the default AnimateDiff request is ready on the sim.
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->readiness().has_value(), 20000);
    QCOMPARE(m_controller->readiness()->level, backends::Assessment::Level::Ready);
    QVERIFY(readiness.count() >= 1);
    auto *line = m_window->paramsForm()->findChild<ReadinessLine *>();
    QVERIFY(line);
    QCOMPARE(line->text(),
             ReadinessLine::describe(m_backend->displayName(), m_controller->readiness()));
    QVERIFY(m_window->bannerText().isEmpty());
}

void tst_WindowController::generateRunsToThePreview()
{
    QVERIFY(setUpCore({QStringLiteral("--step-ms"), QStringLiteral("60")}));
    makeWindow();
    m_controller->start();
    QSignalSpy added(m_controller.get(), &WindowController::jobAdded);
    QSignalSpy delivered(m_controller->coalescer(), &ProgressCoalescer::progressReady);

    // What the progress panel showed after each coalesced delivery.
    auto seen = std::make_shared<QList<int>>();
    ProgressPanel *panel = m_window->progressPanel();
    connect(m_controller->coalescer(), &ProgressCoalescer::progressReady, panel, [seen, panel] {
        *seen << panel->progressPercent();
    });
    m_controller->generate(tinyAnimateDiff());
    QVERIFY(added.wait(20000));
    const qint64 jobId = added.first().first().toLongLong();
    QVERIFY(jobId > 0);
    QCOMPARE(m_controller->selectedJobId(), jobId);
    QCOMPARE(m_window->jobList()->currentJobId(), jobId);
    QCOMPARE(m_window->progressPanel()->jobId(), jobId);
    QVERIFY(m_window->jobsModel()->job(jobId));

    const auto done = waitForState(jobId, JobState::Completed);
    QVERIFY2(done, "the job did not complete");
    QVERIFY(QFileInfo(done->outputPath).size() > 0);
    QVERIFY2(delivered.count() >= 1, "no coalesced progress reached the window");
    const QList<int> percents = *seen;
    const bool intermediate = std::any_of(
            percents.cbegin(), percents.cend(), [](int p) { return p > 0 && p < 100; });
    QVERIFY2(intermediate, qPrintable(QStringLiteral("percents seen: %1").arg(percents.size())));
    QVERIFY(std::is_sorted(percents.cbegin(), percents.cend())); // never goes back
    QVERIFY(m_window->progressPanel()->refreshCount() >= 1);
    QTRY_COMPARE(m_window->previewPanel()->videoPath(), done->outputPath);
    QCOMPARE(m_window->progressPanel()->jobId(), jobId);
    QCOMPARE(m_window->jobsModel()->job(jobId)->state, JobState::Completed);
    QTRY_COMPARE(m_window->queueStatusText(),
                 QStringLiteral("0 waiting · 0 running · 1 done · 0 failed"));
    QCOMPARE(m_window->jobsModel()->job(jobId)->priority, 1);

    // Add to queue: a job at priority 0 that does not take the selection.
    m_controller->addToQueue(tinyAnimateDiff());
    QVERIFY(added.wait(20000));
    const qint64 queuedId = added.last().first().toLongLong();
    QVERIFY(queuedId != jobId);
    QCOMPARE(m_controller->selectedJobId(), jobId);
    QVERIFY(m_window->jobsModel()->job(queuedId));
    QCOMPARE(m_window->jobsModel()->job(queuedId)->priority, 0);
    QVERIFY(m_window->jobsModel()->job(queuedId)->chain.contains(m_backend->id()));
    QVERIFY(waitForState(queuedId, JobState::Completed));
    QCOMPARE(m_window->previewPanel()->videoPath(), done->outputPath); // still the selected one
}

void tst_WindowController::outOfMemoryOffersALighterRetry()
{
    // 64×64×16 frames exceeds the limit, 8 frames fit.
    QVERIFY(setUpCore({QStringLiteral("--step-ms"),
                       QStringLiteral("10"),
                       QStringLiteral("--fault"),
                       QStringLiteral("oom:limit=%1").arg(64 * 64 * 12)}));
    makeWindow();
    m_controller->start();
    QSignalSpy added(m_controller.get(), &WindowController::jobAdded);

    m_controller->generate(tinyAnimateDiff(16));
    QVERIFY(added.wait(20000));
    const qint64 failedId = added.first().first().toLongLong();
    const auto failed = waitForState(failedId, JobState::Failed);
    QVERIFY2(failed, "the job did not fail");
    QVERIFY(failed->error);
    QCOMPARE(failed->error->kind, errors::ErrorKind::InsufficientVram);

    ErrorPanel *panel = m_window->errorPanel();
    QTRY_VERIFY(panel->isVisible());
    QCOMPARE(panel->jobId(), failedId);
    QVERIFY2(panel->visibleActions().contains(QStringLiteral("retry_lighter")),
             qPrintable(panel->visibleActions().join(u',')));
    QVERIFY(!panel->visibleActions().contains(QStringLiteral("other_server"))); // only one

    // Retry: the same job runs again (and fails again: the request did not change).
    panel->trigger(QStringLiteral("retry"));
    QTRY_VERIFY_WITH_TIMEOUT(m_states.value(failedId).count(JobState::Failed) == 2, 60000);
    QVERIFY(m_states.value(failedId).contains(JobState::Queued));
    QCOMPARE(added.count(), 1); // no new job
    QTRY_VERIFY(panel->isVisible());
    QCOMPARE(panel->jobId(), failedId);

    panel->trigger(QStringLiteral("retry_lighter"));
    QVERIFY(added.wait(20000));
    const qint64 lighterId = added.last().first().toLongLong();
    QVERIFY(lighterId != failedId);
    QCOMPARE(m_controller->selectedJobId(), lighterId);
    const JobRecord *lighter = m_window->jobsModel()->job(lighterId);
    QVERIFY(lighter);
    QVERIFY(lighter->request.frames < 16);
    QCOMPARE(lighter->request.prompt, failed->request.prompt);
    QVERIFY(waitForState(lighterId, JobState::Completed));
    QTRY_VERIFY(!panel->isVisible());
}

void tst_WindowController::cancelThroughTheProgressPanel()
{
    QVERIFY(setUpCore({QStringLiteral("--step-ms"), QStringLiteral("300")}));
    makeWindow();
    m_controller->start();
    QSignalSpy added(m_controller.get(), &WindowController::jobAdded);
    auto request = tinyAnimateDiff();
    request.steps = 40;
    m_controller->generate(request);
    QVERIFY(added.wait(20000));
    const qint64 jobId = added.first().first().toLongLong();
    QVERIFY(waitForState(jobId, JobState::Running));

    ProgressPanel *progress = m_window->progressPanel();
    QCOMPARE(progress->jobId(), jobId);
    QTRY_VERIFY(progress->cancelEnabled());
    QAbstractButton *cancel = cancelButton(progress);
    QVERIFY2(cancel, "no Cancel button in the progress panel");
    QVERIFY(cancel->isVisible() && cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    const auto canceled = waitForState(jobId, JobState::Canceled, 30000);
    QVERIFY2(canceled, "the job was not canceled");
    QTRY_COMPARE(m_window->jobsModel()->job(jobId)->state, JobState::Canceled);
    QTRY_VERIFY(!progress->cancelEnabled());
}

void tst_WindowController::parametersSurviveARestart()
{
    QVERIFY(setUpCore({}, false));
    makeWindow();
    m_controller->start();
    auto request = m_window->paramsForm()->request();
    request.prompt = QStringLiteral("a lighthouse in a storm, waves crashing");
    request.frames = 24;
    m_window->paramsForm()->setRequest(request);
    QVERIFY(m_window->close()); // closing: the controller saves at once
    QVERIFY(m_settings->contains(QStringLiteral("window/lastRequest")));

    makeWindow();
    m_controller->start();
    QCOMPARE(m_window->paramsForm()->request().prompt, request.prompt);
    QCOMPARE(m_window->paramsForm()->request().frames, 24);

    // Saved JSON that cannot be read: the defaults.
    m_controller.reset();
    m_window.reset();
    m_settings->setValue(QStringLiteral("window/lastRequest"), QStringLiteral("{\"frames\": "));
    makeWindow();
    m_controller->start();
    const auto defaults = request::defaultRequest(request::Kind::AnimateDiff);
    QCOMPARE(m_window->paramsForm()->request().prompt, defaults.prompt);
    QCOMPARE(m_window->paramsForm()->request().frames, defaults.frames);
}

void tst_WindowController::sessionListsUnfinishedAndLatestFinished()
{
    QVERIFY(setUpCore({}, false)); // no server: the queued jobs stay queued
    QList<JobRecord> jobs;
    for (int i = 0; i < 30; ++i) {
        JobRecord job;
        job.request = tinyAnimateDiff();
        job.request.prompt = QStringLiteral("finished %1").arg(i);
        job.state = i % 3 == 0 ? JobState::Failed : JobState::Completed;
        if (job.state == JobState::Failed) {
            job.error = errors::Error::make(errors::ErrorKind::InsufficientVram,
                                            QStringLiteral("The GPU ran out of memory."));
            job.backend = QStringLiteral("comfyui:http://127.0.0.1:1");
        }
        jobs << job;
    }
    for (int i = 0; i < 2; ++i) {
        JobRecord job;
        job.request = tinyAnimateDiff();
        job.request.prompt = QStringLiteral("queued %1").arg(i);
        jobs << job;
    }
    const auto stored = await<QList<JobRecord>>([&](auto done) { m_store->addJobs(jobs, done); });
    QVERIFY(stored && stored->size() == 32);

    makeWindow();
    m_controller->start();
    SessionJobsModel *model = m_window->jobsModel();
    QTRY_COMPARE(model->rowCount(), 22);
    for (int i = 0; i < 32; ++i) {
        const qint64 id = stored->at(i).id;
        const bool expected = i >= 10; // the 20 newest finished and the 2 queued
        QVERIFY2((model->job(id) != nullptr) == expected, qPrintable(QString::number(i)));
    }
    QCOMPARE(model->job(stored->at(31).id)->state, JobState::Queued);
    // 20 listed finished: indexes 10..29, every third failed (12, 15, ..., 27).
    QTRY_COMPARE(m_window->queueStatusText().section(QStringLiteral(" · "), 2),
                 QStringLiteral("14 done · 6 failed"));

    m_controller->selectJob(stored->at(12).id); // a failed one: the error panel shows
    QCOMPARE(m_window->progressPanel()->jobId(), stored->at(12).id);
    QCOMPARE(m_window->jobList()->currentJobId(), stored->at(12).id);
    QTRY_VERIFY(m_window->errorPanel()->isVisible());
    QCOMPARE(m_window->errorPanel()->jobId(), stored->at(12).id);
    QCOMPARE(m_window->errorPanel()->messageText(), QStringLiteral("The GPU ran out of memory."));

    m_controller->selectJob(stored->at(13).id); // a done one: no error panel
    QTRY_VERIFY(!m_window->errorPanel()->isVisible());
}

void tst_WindowController::demoBannerServersDialogAndStoreFailure()
{
    QVERIFY(setUpCore({}, false));
    comfy::ServerConfig config;
    config.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:1")); // nothing listens there
    config.requestTimeout = 2s;
    backends::ComfyBackend demo(config, nullptr);
    QList<QList<QUrl>> applied;
    makeWindow([&](WindowContext &context) {
        context.servers = {&demo};
        context.demo = true;
        context.serverTester = [](const QUrl &, std::function<void(bool, const QString &)> answer) {
            QTimer::singleShot(0, [answer] { answer(true, QStringLiteral("ComfyUI 0.3.64")); });
        };
        context.applyServers = [&applied](const QList<QUrl> &urls) {
            applied << urls;
        };
    });
    m_controller->start();
    QCOMPARE(m_window->bannerText(),
             QStringLiteral("Demo server — renders a test animation, not AI."));
    QCOMPARE(m_window->bannerLevel(), MainWindow::BannerLevel::Info);

    // Servers… opens the dialog without the demo server; OK hands the list to the app.
    auto *action = m_window->findChild<QAction *>(QStringLiteral("serversAction"));
    QVERIFY(action);
    action->trigger();
    ServersDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<ServersDialog *>()) != nullptr);
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->servers().isEmpty());
    QVERIFY(dialog->addServer(QStringLiteral("http://10.0.0.5:8188")));
    dialog->accept();
    QCOMPARE(applied.size(), 1);
    QCOMPARE(applied.first(), QList<QUrl>{QUrl(QStringLiteral("http://10.0.0.5:8188"))});

    // The app rebuilt the servers without the demo one (none here): no demo banner any more.
    m_controller->setServers({});
    QCOMPARE(m_window->bannerLevel(), MainWindow::BannerLevel::Warning);
    QVERIFY(!m_window->bannerText().contains(QStringLiteral("Demo")));

    emit m_scheduler->storeFailed(QStringLiteral("The disk holding the jobs is full."));
    QCOMPARE(m_window->bannerLevel(), MainWindow::BannerLevel::Error);
    QVERIFY(m_window->bannerText().contains(QStringLiteral("The disk holding the jobs is full.")));
}

QTEST_MAIN(tst_WindowController)
#include "tst_windowcontroller.moc"
