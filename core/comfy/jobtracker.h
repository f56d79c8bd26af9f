#pragma once

#include "comfy/comfytypes.h"
#include "comfy/downloader.h"
#include "comfy/progress.h"
#include "comfy/workflowbuilder.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace comfyvideo::comfy {

class ComfyClient;

struct JobOutcome
{
    enum class Kind {
        Succeeded,
        Failed,      // failure says why (Rejected, Execution, Network, Download, ...)
        Interrupted, // someone else interrupted it (failure.executionError holds the data)
        Canceled,    // cancel() took effect, verified on the server
        Lost,        // the server no longer knows the prompt (restart): resubmit
    };
    Kind kind = Kind::Failed;
    QString promptId;
    QList<OutputFileRef> files;         // every output file reported
    std::optional<OutputFileRef> video; // the saver node's file
    bool noNewOutput = false; // a cached re-run: the file is the earlier run's, not rewritten
    std::optional<DownloadResult> download;
    std::optional<Failure> failure;
    QJsonObject historyEntry;
    bool operator==(const JobOutcome &) const = default;
};

// Follows ONE prompt from submission to completion (reference §3.5): over the event stream,
// with /queue + /history polling while the socket is down; then downloads the video.
class JobTracker : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::chrono::milliseconds pollInterval = 1500ms;
        std::chrono::milliseconds historyRetryDelay = 250ms; // empty history after success
        int historyRetries = 8;
        int absentPollsForLost = 2; // in neither /queue nor /history this many times: lost
        std::chrono::milliseconds unreachableTimeout = 60s; // polls failing that long: failed
        QString downloadDirectory;                          // empty: do not download
        QString localName; // the downloaded file's name (given by the caller)
        // Used when localName is empty: localBaseName + "." + localSuffixFor(the server's file)
        // (empty too: the prompt id as the base name).
        QString localBaseName;
        // Non-empty: submit with this prompt id (a lowercase UUID chosen beforehand, e.g. stored
        // first so a crash right after submission can re-attach); empty: a new one.
        QString promptId;
        qint64 maxDownloadBytes = 4LL * 1024 * 1024 * 1024;
        // The file of an earlier identical run, used when a cached re-run reports none.
        std::optional<OutputFileRef> previousOutput;
        // How long start() waits for the WebSocket's first status before submitting anyway
        // (then polling covers the run). Submitting earlier would lose the prompt's messages:
        // the server routes them to a client id only while its socket is registered.
        std::chrono::milliseconds connectWait = 5s;
    };

    JobTracker(ComfyClient *client,
               BuiltWorkflow workflow,
               Options options,
               QObject *parent = nullptr);
    ~JobTracker() override;

    void start(); // submit, then track
    // Tracks a prompt submitted earlier (by this or another process) without submitting:
    // finished -> its /history entry decides (and the video is downloaded); pending or running
    // in /queue -> tracked by polling (its messages go to the socket that submitted it);
    // in neither (absentPollsForLost times) -> Lost.
    void attach(const QString &promptId);
    void cancel(); // interrupt when running, delete when pending, then verify

    // The suffix (without dot) for a downloaded copy of `file`: the server file's own suffix
    // when it is one of mp4, webm, gif, webp, mov, mkv, png (lowercased), else the one its
    // `format` names ("video/h264-mp4" -> mp4), else "bin". Server names are data, never paths.
    static QString localSuffixFor(const OutputFileRef &file);

    QString promptId() const { return m_promptId; }
    const Progress &progress() const { return m_progress; }
    bool isFinished() const { return m_state == State::Done; }

signals:
    void submitted(const QString &promptId);
    void progressChanged(const comfyvideo::comfy::Progress &progress);
    void finished(const comfyvideo::comfy::JobOutcome &outcome);

private:
    enum class State { Idle, Submitting, Tracking, Finalizing, Downloading, Done };
    enum class Hint { None, Success, Error, Interrupted };

    void submitNow();
    void onSubmitted(Result<SubmitResult> result);
    static bool submitMayHaveQueued(const Failure &failure);
    void checkUnconfirmedSubmit(const Failure &failure);
    void onEvent(const ws::Event &event);
    void onBinary(const ws::BinaryEvent &event);
    void onConnectedChanged(bool connected);
    void onExecuting(const ws::Executing &e);
    void onProgressEvent(const ws::Progress &p);
    void enterPhase(Progress::Phase phase);
    void publish(double phaseFraction);

    // A callback for ComfyClient (whose requests may outlive this tracker) that does nothing
    // once the tracker is gone.
    template<typename F>
    auto guarded(F f)
    {
        return [self = QPointer<JobTracker>(this), f = std::move(f)](auto &&...args) {
            if (self)
                f(std::forward<decltype(args)>(args)...);
        };
    }

    // jobtrackerfinish.cpp
    void poll();
    void onQueue(const QueueState &queue);
    void onPromptDone();
    void fetchHistory(int attempt);
    void finishFromHistory(const QJsonObject &entry);
    void finishFromEvents();
    void succeed(QList<OutputFileRef> files, const QJsonObject &entry);
    std::optional<OutputFileRef> pickVideo(const QList<OutputFileRef> &files) const;
    void startDownload();
    void finish(JobOutcome::Kind kind, std::optional<Failure> failure = std::nullopt);
    void continueCancel();
    void updatePolling();

    QPointer<ComfyClient> m_client;
    BuiltWorkflow m_workflow;
    Options m_options;
    State m_state = State::Idle;
    bool m_submitIssued = false;
    bool m_attached = false; // attach(): nothing of ours on the socket, poll throughout
    QList<QMetaObject::Connection> m_waitForRoute;
    QString m_promptId;
    Progress m_progress;
    JobOutcome m_outcome;
    QElapsedTimer m_clock;
    QElapsedTimer m_samplingClock;
    int m_firstStep = -1;
    Hint m_hint = Hint::None;
    QJsonObject m_hintData;
    QStringList m_cachedNodes;
    int m_nodesStarted = 0;
    QList<OutputFileRef> m_executedFiles;
    QTimer m_pollTimer;
    bool m_pollInFlight = false;
    int m_absentPolls = 0;
    QString m_requestedPromptId;
    // A POST /prompt without a readable answer: set while we look for the prompt by its id.
    std::optional<Failure> m_unconfirmedSubmit;
    QElapsedTimer m_unreachableSince;
    bool m_cancelRequested = false;
    bool m_cancelInFlight = false;
    QPointer<Downloader> m_downloader;
};

} // namespace comfyvideo::comfy
