#pragma once

#include "window/windowcontroller.h"

#include <QTimer>
#include <optional>

namespace comfyvideo::ui {

class ParamsForm;

// The controller's state and its helpers (shared by windowcontroller.cpp, controllerjobs.cpp
// and controllerserver.cpp; not installed anywhere else).
class WindowController::Private
{
public:
    Private(WindowController *q, MainWindow *window, WindowContext context);

    WindowController *q;
    QPointer<MainWindow> window;
    WindowContext context;
    ProgressCoalescer *coalescer = nullptr;
    QString demoBackendId; // the built-in simulator's id (demo mode), else empty
    qint64 selected = 0;
    bool selecting = false;
    bool restoring = false; // setRequest() during start(): no save, no readiness yet
    QTimer readinessTimer;
    QTimer saveTimer;
    quint64 readinessGeneration = 0;
    quint64 catalogGeneration = 0;
    quint64 selectionGeneration = 0;
    QMetaObject::Connection catalogConnection;
    std::optional<backends::Assessment> readiness;

    ParamsForm *form() const;
    bool canSubmit() const;

    // windowcontroller.cpp
    void connectWindow();
    void connectScheduler();
    void showSelected();
    void showRecord(const storage::JobRecord &job);
    void loadEvents(qint64 jobId);
    void loadSession();
    void upsertIfUnknown(const storage::JobRecord &job);

    // controllerjobs.cpp
    QStringList chainFor(const QString &firstBackendId) const;
    void submit(const request::GenerationRequest &request,
                int priority,
                bool select,
                QStringList excludedBackends = {});
    void onJobChanged(const storage::JobRecord &job);
    void showError(const storage::JobRecord &job);
    void retryLighter(qint64 jobId);
    void tryOtherServer(qint64 jobId);
    void updateQueueStatus();
    void onStoreFailed(const QString &message);

    // controllerserver.cpp
    backends::ComfyBackend *chosenServer() const;
    void publishServers(const QString &preferredId);
    void onServerChanged();
    void fetchCatalog();
    void scheduleReadiness();
    void checkReadiness();
    void restoreParameters();
    void saveParameters();
    void openServersDialog();
    void openOutputFolder();
    void showStartupBanner();
};

} // namespace comfyvideo::ui
