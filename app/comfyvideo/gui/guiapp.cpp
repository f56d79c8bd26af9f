#include "gui/guiapp.h"

#include "backends/comfybackend.h"
#include "cli/datadir.h"
#include "cli/serverurl.h"
#include "comfy/comfyclient.h"
#include "gui/demoserver.h"
#include "gui/firstpaintwatcher.h"
#include "gui/serverlist.h"
#include "gui/servertester.h"
#include "gui/startupprobe.h"
#include "jobs/scheduler.h"
#include "storage/jobstore.h"
#include "window/mainwindow.h"
#include "window/windowcontroller.h"

#include <QDir>
#include <QLockFile>
#include <QNetworkAccessManager>
#include <QSettings>

namespace comfyvideo::gui {

GuiApp::GuiApp(GuiOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_network(std::make_unique<QNetworkAccessManager>())
    , m_backendOwner(std::make_unique<QObject>())
{}

GuiApp::~GuiApp() = default;

void GuiApp::start()
{
    openSettings();
    prepareFolders();
    m_window = std::make_unique<ui::MainWindow>();
    m_window->restoreState(*m_settings);
    if (StartupProbe::enabled()) {
        m_probe = std::make_unique<StartupProbe>();
        m_probe->watch(m_window.get());
    }
    m_window->show();
    // First paint waits for nothing: the lock, the servers (the demo simulator) and the store
    // start once the window was painted (or half a second later, when it is not shown).
    auto *watcher = new FirstPaintWatcher(m_window.get());
    connect(watcher, &FirstPaintWatcher::painted, this, &GuiApp::startCore, Qt::QueuedConnection);
}

void GuiApp::startCore()
{
    if (m_coreStarted)
        return;
    m_coreStarted = true;
    takeLock();
    chooseServers();
    m_store = std::make_unique<storage::JobStore>(cli::DataDir::databasePath(m_options.dataDir));
    m_store->open([this](std::expected<int, storage::StoreError> opened) {
        onStoreOpened(opened ? QString() : opened.error().message);
    });
}

void GuiApp::openSettings()
{
    if (m_options.settingsFile.isEmpty())
        m_settings = std::make_unique<QSettings>();
    else
        m_settings = std::make_unique<QSettings>(m_options.settingsFile, QSettings::IniFormat);
}

void GuiApp::prepareFolders()
{
    // A few mkdir calls: the only file work on the GUI thread before the window shows.
    QDir().mkpath(m_options.dataDir);
    QDir().mkpath(videosDirectory());
}

QString GuiApp::videosDirectory() const
{
    return cli::DataDir::videosPath(m_options.dataDir);
}

void GuiApp::takeLock()
{
    auto lock = std::make_unique<QLockFile>(cli::DataDir::lockPath(m_options.dataDir));
    lock->setStaleLockTime(0); // a queue runs for hours: only a dead owner frees it
    if (lock->tryLock(0)) {
        m_lock = std::move(lock);
        return;
    }
    const QString dir = QDir::toNativeSeparators(m_options.dataDir);
    if (lock->error() == QLockFile::LockFailedError) {
        qint64 pid = 0;
        QString host;
        QString application;
        lock->getLockInfo(&pid, &host, &application);
        m_startupProblem = tr("Another ComfyVideo is running the queue of %1 (process %2): this "
                              "window shows its jobs but cannot add any until that one stops.")
                                   .arg(dir)
                                   .arg(pid);
    } else {
        m_startupProblem = tr("Cannot create the lock file in %1; check the folder's "
                              "permissions. Submitting is disabled.")
                                   .arg(dir);
    }
}

void GuiApp::chooseServers()
{
    if (!m_options.server.isEmpty()) {
        backendFor(m_options.server);
        return;
    }
    m_serverUrls = ServerList::load(*m_settings);
    if (m_options.demo || m_serverUrls.isEmpty())
        startDemo();
    for (const QUrl &url : std::as_const(m_serverUrls))
        backendFor(url);
}

void GuiApp::startDemo()
{
    m_demo = true;
    m_demoServer = std::make_unique<DemoServer>(
            QDir(m_options.dataDir).filePath(QStringLiteral("demo-server")));
    if (!m_demoServer->start()) {
        if (m_startupProblem.isEmpty())
            m_startupProblem = m_demoServer->errorString();
        return;
    }
    backendFor(m_demoServer->baseUrl()); // first: the window chooses it
}

QUrl GuiApp::demoUrl() const
{
    return m_demoServer ? m_demoServer->baseUrl() : QUrl();
}

backends::ComfyBackend *GuiApp::backendFor(const QUrl &url)
{
    const QString id = cli::ServerUrl::backendId(url);
    for (backends::ComfyBackend *backend : std::as_const(m_backends)) {
        if (backend->id() == id)
            return backend;
    }
    comfy::ServerConfig config;
    config.baseUrl = url;
    const QString name
            = m_demoServer && url == m_demoServer->baseUrl() ? tr("Demo server") : QString();
    auto *backend = new backends::ComfyBackend(
            config, &m_secrets, m_network.get(), name, m_backendOwner.get());
    m_backends.append(backend);
    if (m_scheduler)
        m_scheduler->addBackend(backend, 1);
    return backend;
}

void GuiApp::onStoreOpened(const QString &error)
{
    m_storeOpen = error.isEmpty();
    if (!m_storeOpen)
        m_startupProblem = error; // the store stays (it cannot be destroyed inside its callback)
    else if (m_lock) {
        buildScheduler();
    }
    buildController();
    emit ready();
}

void GuiApp::buildScheduler()
{
    jobs::Scheduler::Options options;
    options.outputDirectory = videosDirectory();
    m_scheduler = std::make_unique<jobs::Scheduler>(m_store.get(), options);
    for (backends::ComfyBackend *backend : std::as_const(m_backends))
        m_scheduler->addBackend(backend, 1);
    m_scheduler->start();
}

void GuiApp::buildController()
{
    ui::WindowContext context;
    context.store = m_storeOpen ? m_store.get() : nullptr;
    context.scheduler = m_scheduler.get();
    context.servers = servers();
    context.settings = m_settings.get();
    context.workDirectory = QDir(m_options.dataDir).filePath(QStringLiteral("references"));
    QDir().mkpath(context.workDirectory);
    context.outputDirectory = videosDirectory();
    context.demo = m_demo && m_demoServer && !m_demoServer->baseUrl().isEmpty();
    context.startupProblem = m_startupProblem;
    context.serverTester = [this](const QUrl &url, ServerTester::Answer answer) {
        ServerTester::test(url, &m_secrets, m_network.get(), std::move(answer), this);
    };
    context.applyServers = [this](const QList<QUrl> &urls) {
        applyServers(urls);
    };
    m_controller = std::make_unique<ui::WindowController>(m_window.get(), std::move(context));
    m_controller->start();
}

QList<backends::ComfyBackend *> GuiApp::servers() const
{
    if (!m_options.server.isEmpty())
        return m_backends; // --server first, then any added in the Servers dialog
    // Demo mode: the demo server first (the window chooses it), then the person's servers.
    QList<backends::ComfyBackend *> ordered;
    const QUrl demoAddress = demoUrl();
    for (backends::ComfyBackend *backend : m_backends) {
        if (!demoAddress.isEmpty() && backend->client()->config().baseUrl == demoAddress)
            ordered.append(backend);
    }
    for (const QUrl &url : m_serverUrls) {
        const QString id = cli::ServerUrl::backendId(url);
        for (backends::ComfyBackend *backend : m_backends) {
            if (backend->id() == id && !ordered.contains(backend))
                ordered.append(backend);
        }
    }
    return ordered;
}

void GuiApp::applyServers(const QList<QUrl> &urls)
{
    ServerList::save(*m_settings, urls);
    m_serverUrls = urls;
    QList<backends::ComfyBackend *> kept;
    for (const QUrl &url : urls) {
        backends::ComfyBackend *backend = backendFor(url);
        kept.append(backend);
        if (m_scheduler)
            m_scheduler->addBackend(backend, 1); // back in use if it was removed before
    }
    const QUrl demoAddress = demoUrl();
    for (backends::ComfyBackend *backend : std::as_const(m_backends)) {
        const bool demo
                = !demoAddress.isEmpty() && backend->client()->config().baseUrl == demoAddress;
        // Removed: no new jobs; the object lives on for the runs already placed there.
        if (!demo && !kept.contains(backend) && m_scheduler)
            m_scheduler->retireBackend(backend);
    }
    if (m_controller)
        m_controller->setServers(servers());
}

ui::MainWindow *GuiApp::window() const
{
    return m_window.get();
}

ui::WindowController *GuiApp::controller() const
{
    return m_controller.get();
}

jobs::Scheduler *GuiApp::scheduler() const
{
    return m_scheduler.get();
}

storage::JobStore *GuiApp::store() const
{
    return m_store.get();
}

QSettings *GuiApp::settings() const
{
    return m_settings.get();
}

} // namespace comfyvideo::gui
