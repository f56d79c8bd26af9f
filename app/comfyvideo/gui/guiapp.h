#pragma once

#include "common/inmemorysecretstore.h"
#include "gui/guioptions.h"

#include <QList>
#include <QObject>
#include <QUrl>
#include <memory>

class QLockFile;
class QNetworkAccessManager;
class QSettings;

namespace comfyvideo::backends {
class ComfyBackend;
}
namespace comfyvideo::jobs {
class Scheduler;
}
namespace comfyvideo::storage {
class JobStore;
}
namespace comfyvideo::ui {
class MainWindow;
class WindowController;
} // namespace comfyvideo::ui

namespace comfyvideo::gui {

class DemoServer;
class StartupProbe;

// The window's composition root (issue 6): builds the core objects and the window, wires them,
// and owns them; no business logic. start() shows the MainWindow at once; the JobStore opens
// asynchronously, then the Scheduler (videos into <data dir>/videos), one ComfyBackend per
// server (concurrency 1) and the WindowController follow, and ready() is emitted.
//
// Servers: --server URL (this run only), else the saved list (ServerList), else demo mode (also
// --demo): a DemoServer in-process. The data dir's queue lock (cli::DataDir::lockPath, the one
// `queue run` takes) is held while the window runs; when another process holds it, the window
// shows the store read-only with a banner and submitting disabled. Servers removed in the
// Servers dialog are retired in the scheduler (Scheduler::retireBackend): no new jobs go there,
// jobs already running there finish; their objects live until the app quits.
class GuiApp : public QObject
{
    Q_OBJECT
public:
    explicit GuiApp(GuiOptions options, QObject *parent = nullptr);
    ~GuiApp() override;

    void start();

    ui::MainWindow *window() const;
    ui::WindowController *controller() const; // null before ready()
    jobs::Scheduler *scheduler() const;       // null before ready(), or without the lock
    storage::JobStore *store() const;
    QSettings *settings() const;
    QString dataDir() const { return m_options.dataDir; }
    QString videosDirectory() const;
    bool isDemo() const { return m_demo; }
    QUrl demoUrl() const;
    QString startupProblem() const { return m_startupProblem; }
    QList<backends::ComfyBackend *> servers() const; // in priority order

    // The Servers dialog was accepted: saves the list and builds backends for new servers.
    void applyServers(const QList<QUrl> &urls);

signals:
    void ready(); // the controller runs (also after a store or lock problem)

private:
    void startCore(); // after the first paint
    void openSettings();
    void prepareFolders();
    void takeLock();
    void chooseServers();
    void startDemo();
    backends::ComfyBackend *backendFor(const QUrl &url);
    void onStoreOpened(const QString &error);
    void buildScheduler();
    void buildController();

    GuiOptions m_options;
    bool m_demo = false;
    bool m_storeOpen = false;
    bool m_coreStarted = false;
    QString m_startupProblem;
    QList<QUrl> m_serverUrls; // the person's servers (not the demo server)
    // Destroyed in reverse order: the controller first, the settings last.
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<QLockFile> m_lock;
    common::InMemorySecretStore m_secrets;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<DemoServer> m_demoServer;
    std::unique_ptr<storage::JobStore> m_store;
    QList<backends::ComfyBackend *> m_backends; // children of m_backendOwner
    std::unique_ptr<QObject> m_backendOwner;
    std::unique_ptr<jobs::Scheduler> m_scheduler;
    std::unique_ptr<ui::MainWindow> m_window;
    std::unique_ptr<StartupProbe> m_probe;
    std::unique_ptr<ui::WindowController> m_controller;
};

} // namespace comfyvideo::gui
