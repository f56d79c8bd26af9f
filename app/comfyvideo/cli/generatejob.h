#pragma once

#include "cli/console.h"
#include "cli/progressbar.h"
#include "cli/workflowoptions.h"
#include "errors/error.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <memory>

namespace comfyvideo::backends {
class ComfyBackend;
class ComfyRun;
struct RunOutcome;
} // namespace comfyvideo::backends

namespace comfyvideo::cli {

// One headless generation on the event loop: ONE backends::ComfyRun on a ComfyBackend for
// --server (the scheduler's code path: catalog checks, the start image's upload, submission,
// tracking, the download to the output file), with progress on stderr. Emits finished() once
// with the process exit code; stop() cancels on the server first.
class GenerateJob : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        WorkflowOptions::Result parsed;
        QUrl server;
        QString caFile;     // extra trusted CAs (PEM) for an https server; empty: none
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

signals:
    void finished(int exitCode);

private:
    enum class StopReason { None, Canceled, Timeout };

    void onNotes(const QStringList &notes);
    void onOutcome(const backends::RunOutcome &outcome);
    void onSucceeded(const backends::RunOutcome &outcome);
    void beginStop(StopReason reason);
    errors::Error stopError() const;
    void fail(const errors::Error &error);
    void done(int exitCode);

    Settings m_settings;
    Console &m_console;
    ProgressBar m_bar;
    std::unique_ptr<backends::ComfyBackend> m_backend;
    QPointer<backends::ComfyRun> m_run;
    bool m_submitted = false;
    QTimer m_overallTimer;
    QTimer m_cancelGrace;
    StopReason m_stopReason = StopReason::None;
    bool m_done = false;
};

} // namespace comfyvideo::cli
