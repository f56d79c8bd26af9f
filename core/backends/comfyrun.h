#pragma once

#include "backends/backend.h"
#include "backends/comfyresolution.h"
#include "comfy/comfytypes.h"
#include "comfy/jobtracker.h"

#include <QPointer>

namespace comfyvideo::comfy {
class ComfyClient;
class HttpRequest;
} // namespace comfyvideo::comfy

namespace comfyvideo::backends {

// One attempt of one job on one ComfyUI server: the catalog checks, the SVD start image's
// upload, submission (or re-attachment) and tracking through comfy::JobTracker, the download
// into RunSpec::outputDirectory. Every signal is queued: none comes from start() or cancel().
class ComfyRun : public BackendRun
{
    Q_OBJECT
public:
    struct Options
    {
        // Polling and timing; its download, naming and prompt-id fields come from the spec.
        comfy::JobTracker::Options tracker;
        // The CLI's choices (see ComfyResolveOptions); uploadedImageName is ignored.
        ComfyResolveOptions resolve;
    };

    // `client` must outlive the run's work; when it goes first the run fails.
    ComfyRun(comfy::ComfyClient *client, RunSpec spec, Options options, QObject *parent = nullptr);
    ~ComfyRun() override;

    void start() override;
    void cancel() override;
    QString remoteId() const override { return m_remoteId; }

    // What was decided while resolving the request (models picked, savers substituted), in
    // the order found; complete once notesReady() was emitted.
    const QStringList &notes() const { return m_notes; }
    // The server's file the output was downloaded from (after a success).
    const std::optional<comfy::OutputFileRef> &serverFile() const { return m_serverFile; }

signals:
    void notesReady(const QStringList &notes);

private:
    void begin();
    void onCatalog(comfy::Result<comfy::NodeCatalog> catalog);
    void onUploaded(comfy::Result<comfy::UploadedImage> image);
    void track(const comfy::BuiltWorkflow &workflow);
    void onSubmitted(const QString &promptId);
    void onProgress(const comfy::Progress &progress);
    void onOutcome(const comfy::JobOutcome &outcome);
    void advanceStage(RunStage stage);
    void fail(const errors::Error &error);
    void complete(RunOutcome outcome);

    QPointer<comfy::ComfyClient> m_client;
    RunSpec m_spec;
    Options m_options;
    QString m_remoteId;
    QStringList m_notes;
    std::optional<comfy::NodeCatalog> m_catalog;
    QPointer<comfy::HttpRequest> m_pending; // catalog or upload request before submission
    QPointer<comfy::JobTracker> m_tracker;
    std::optional<RunStage> m_stage;
    std::optional<comfy::OutputFileRef> m_serverFile;
    bool m_started = false;
    bool m_cancelRequested = false;
    bool m_done = false;
};

} // namespace comfyvideo::backends
