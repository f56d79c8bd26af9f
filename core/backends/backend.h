#pragma once

#include "comfy/progress.h"
#include "errors/error.h"
#include "request/generationrequest.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

// The jobs' Backend port (design.md, "The job's life"): something that can turn a request into
// a video file. The scheduler (core/jobs) knows backends only through this interface; ComfyUI
// servers implement it in comfybackend.h, the cloud providers later.
namespace comfyvideo::backends {

// Where a run stands, as the scheduler stores it. Progress details go through JobProgress.
using JobProgress = comfy::Progress;

enum class RunStage {
    Uploading, // sending inputs (the SVD start image)
    Submitted, // the backend accepted the job (remote id known)
    Running,   // the backend reported execution (first node started / cached)
    Fetching,  // downloading the output
};

// One job handed to a backend.
struct RunSpec
{
    QString jobId; // the store's id, for logs only
    request::GenerationRequest request;
    QString outputDirectory; // exists; the file is written there under a temporary name first
    QString outputBaseName;  // the app-made name without suffix ("2026-11-24_animatediff_cat_42")
    // Non-empty: the exact file name to write (the CLI's --output), kept even when the backend
    // made another format; empty: outputBaseName + the suffix of what the backend made.
    QString outputFileName;
    qint64 maxOutputBytes = 4LL * 1024 * 1024 * 1024;
    // Non-empty: the remote id chosen before start (newRemoteId()) or stored by an earlier run
    // of this job. With `attach` set, the run re-attaches to it instead of submitting.
    QString remoteId;
    bool attach = false;
};

struct RunOutcome
{
    enum class Kind {
        Succeeded, // outputPath is the whole file, renamed into place
        Failed,    // error says why (its kind, retryable and fallbackAllowed decide what's next)
        Canceled,  // cancel() took effect (verified on the backend where it can be)
        Lost,      // attach: the backend does not know the remote id (it restarted): resubmit
    };
    Kind kind = Kind::Failed;
    QString remoteId;
    QString outputPath; // absolute; suffix from what the backend made (.mp4, .webm, .gif, .webp)
    std::optional<errors::Error> error;
    // A cached re-run: the backend made no new file and the earlier run's file was fetched.
    bool reusedEarlierOutput = false;
};

// One attempt of one job on one backend. Owned by whoever created it (deleteLater after
// finished). Signals are emitted on the thread the run lives on, never synchronously from
// start() or cancel().
class BackendRun : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual void start() = 0;  // submit (or attach); finished() follows exactly once
    virtual void cancel() = 0; // interrupt/delete on the backend, then finished(Canceled)
    virtual QString remoteId() const = 0;

signals:
    void stageChanged(comfyvideo::backends::RunStage stage);
    // The backend's id for this run when it differs from RunSpec::remoteId (a server that
    // ignores the client's prompt_id, a cloud operation name). Store it at once.
    void remoteIdChanged(const QString &remoteId);
    void progressChanged(const comfyvideo::backends::JobProgress &progress);
    void finished(const comfyvideo::backends::RunOutcome &outcome);
};

// A backend's answer to "could you run this request now?".
struct Assessment
{
    enum class Level { Ready, ReadyWithWarnings, Blocked, Unreachable };
    Level level = Level::Unreachable;
    QStringList reasons; // translated sentences, naming exactly what is missing
    // Blocked or Unreachable: the error the job gets if no backend of its chain can run it.
    std::optional<errors::Error> error;
    int queueDepth = 0; // prompts waiting or running on the backend (all its clients)
    // The checkpoint and motion module the request resolves to on this backend (for the
    // scheduler's "same models as the last run" preference).
    QString checkpoint;
    QString motionModule;

    bool canRun() const { return level == Level::Ready || level == Level::ReadyWithWarnings; }
};

enum class BackendType { ComfyUI, Cloud };

class Backend : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Stable across restarts; stored with each job ("comfyui:http://10.0.0.5:8188").
    virtual QString id() const = 0;
    virtual QString displayName() const = 0; // for people
    virtual BackendType type() const = 0;

    // Readiness and load for `request`; `done` is called once, later, on this object's thread.
    virtual void assess(const request::GenerationRequest &request,
                        std::function<void(Assessment)> done)
            = 0;

    // The remote id a new run will use, when the backend lets the client choose it (ComfyUI's
    // prompt_id): the scheduler stores it before start(), so a crash right after submission
    // can still re-attach. Empty when the backend assigns ids itself.
    virtual QString newRemoteId() const { return {}; }

    virtual BackendRun *createRun(RunSpec spec, QObject *parent) = 0;
};

QString stageName(RunStage stage); // "uploading", ... (stable, stored)

} // namespace comfyvideo::backends

Q_DECLARE_METATYPE(comfyvideo::backends::RunOutcome)
