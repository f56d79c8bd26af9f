#pragma once

#include "cli/console.h"
#include "cli/progressbar.h"
#include "cli/requestresolution.h"
#include "cli/workflowoptions.h"
#include "comfy/comfytypes.h"
#include "errors/error.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

namespace comfyvideo::comfy {
class ComfyClient;
class JobTracker;
struct JobOutcome;
} // namespace comfyvideo::comfy

namespace comfyvideo::cli {

// One headless generation on the event loop: /object_info, catalog checks, the start image's
// upload (SVD), submission, progress on stderr, the download to the output file. Emits
// finished() once with the process exit code; stop() cancels on the server first.
class GenerateJob : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        WorkflowOptions::Result parsed;
        QUrl server;
        QString outputPath; // absolute; its directory exists
        int timeoutSeconds = 1200;
        bool verbose = false;
        bool interactive = false; // stderr is a terminal
    };

    GenerateJob(Settings settings, Console &console, QObject *parent = nullptr);
    ~GenerateJob() override;

    void start();
    // SIGINT / SIGTERM: cancel on the server, then finish with the canceled code. A second
    // call finishes at once.
    void stop();

    // The kind of the request problems found before anything is submitted: input problems are
    // invalid_params; otherwise missing node packs missing_custom_node, then missing models
    // model_not_found, then (sampler, scheduler, workflow checks) invalid_params.
    static errors::ErrorKind kindForProblems(const ResolvedWorkflow &resolved);

signals:
    void finished(int exitCode);

private:
    enum class StopReason { None, Canceled, Timeout };

    void onCatalog(comfy::Result<comfy::NodeCatalog> catalog);
    void onUploaded(comfy::Result<comfy::UploadedImage> image);
    void submit(const comfy::BuiltWorkflow &workflow);
    void onOutcome(const comfy::JobOutcome &outcome);
    void onSucceeded(const comfy::JobOutcome &outcome);
    void beginStop(StopReason reason);
    errors::Error stopError() const;
    void fail(const errors::Error &error);
    void done(int exitCode);

    Settings m_settings;
    Console &m_console;
    ProgressBar m_bar;
    comfy::ComfyClient *m_client = nullptr;
    QPointer<comfy::JobTracker> m_tracker;
    std::optional<comfy::NodeCatalog> m_catalog;
    QTimer m_overallTimer;
    QTimer m_cancelGrace;
    StopReason m_stopReason = StopReason::None;
    bool m_done = false;
};

} // namespace comfyvideo::cli
