#pragma once

#include "backends/backend.h"
#include "jobs/scheduler.h"
#include "request/generationrequest.h"
#include "storage/jobrecord.h"

#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>
#include <optional>

class QSettings;

namespace comfyvideo::backends {
class ComfyBackend;
}
namespace comfyvideo::storage {
class JobStore;
}

namespace comfyvideo::ui {

class MainWindow;
class ProgressCoalescer;

// Everything the window drives, built by the composition root (app/comfyvideo/gui).
struct WindowContext
{
    storage::JobStore *store = nullptr;      // open (or failed: storeError set)
    jobs::Scheduler *scheduler = nullptr;    // started
    QList<backends::ComfyBackend *> servers; // in priority order; catalogs come from these
    QSettings *settings = nullptr;           // last parameters, geometry, chosen server
    QString workDirectory;                   // exists; cropped reference pictures go here
    QString outputDirectory;                 // where the scheduler writes videos
    bool demo = false;                       // servers.first() is the built-in simulator
    QString startupProblem; // non-empty: shown as an error banner, submitting disabled
    // Tests a URL for the Servers dialog (ok + one-line summary or the error's message).
    std::function<void(const QUrl &, std::function<void(bool, const QString &)>)> serverTester;
    // The Servers dialog was accepted with this list: the composition root saves it and
    // rebuilds the backends (new servers take jobs at once).
    std::function<void(const QList<QUrl> &)> applyServers;
};

// Wires the window to core (issue 6): the form's requests become persistent jobs in the
// scheduler (Generate: priority 1 and selected at once; Add to queue: priority 0), chained
// through the chosen server first and then the others; the scheduler's job changes and
// (coalesced) progress reach the job list and the panels of the selected job; Failed jobs show
// the error panel with its actions (Retry → Scheduler::retry; Retry lighter → a new job with
// request::lighterRequest; Try another server → a new job whose chain leaves out the failed
// server); Completed jobs open in the preview. The chosen server's catalog fills the combos and
// its readiness (Backend::assess, debounced ~300 ms after the last edit) fills the readiness
// line. Last parameters and the chosen server are saved to QSettings (debounced) and restored.
// At start it lists, without blocking, the store's unfinished jobs and the latest 20 finished
// ones. The window never talks to a server itself: only through these core objects.
class WindowController : public QObject
{
    Q_OBJECT
public:
    WindowController(MainWindow *window, WindowContext context, QObject *parent = nullptr);
    ~WindowController() override;

    // Loads the session list, the catalog and the readiness; restores the last parameters (and
    // the window's geometry when the window is not shown yet). The window's state and the
    // parameters are saved when the window closes (MainWindow::closing).
    void start();

    qint64 selectedJobId() const;
    void selectJob(qint64 jobId);
    ProgressCoalescer *coalescer() const;
    // The chosen server's latest readiness answer shown in the form (nullopt: none yet).
    std::optional<backends::Assessment> readiness() const;

    // What the buttons do (public for tests and the menu).
    void generate(const request::GenerationRequest &request);
    void addToQueue(const request::GenerationRequest &request);

    // The servers after the Servers dialog was applied (the composition root rebuilt them), in
    // priority order. The chosen server stays chosen when it is still there. Call it before a
    // backend that left the list is deleted.
    void setServers(QList<backends::ComfyBackend *> servers);

signals:
    void jobAdded(qint64 jobId); // a job this window created is in the store
    void catalogLoaded();
    void readinessUpdated();

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace comfyvideo::ui
