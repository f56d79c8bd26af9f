#include "cli/generatejob.h"

#include "backends/comfybackend.h"
#include "comfy/comfyclient.h"
#include "errors/classification.h"

#include <QFileInfo>

namespace comfyvideo::cli {

using errors::Error;
using errors::ErrorKind;

namespace {

// How long a cancel may take to be confirmed by the server before we exit anyway.
constexpr auto CancelGrace = std::chrono::seconds(10);

} // namespace

GenerateJob::GenerateJob(Settings settings, Console &console, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_console(console)
    , m_bar(console.err, m_settings.interactive)
{
    m_overallTimer.setSingleShot(true);
    m_overallTimer.setInterval(std::chrono::seconds(m_settings.timeoutSeconds));
    connect(&m_overallTimer, &QTimer::timeout, this, [this] { beginStop(StopReason::Timeout); });
    m_cancelGrace.setSingleShot(true);
    m_cancelGrace.setInterval(CancelGrace);
    connect(&m_cancelGrace, &QTimer::timeout, this, [this] {
        m_bar.finish();
        m_console.err << tr("The server did not confirm the cancel in time.") << '\n';
        fail(stopError());
    });
}

GenerateJob::~GenerateJob()
{
    delete m_run; // before the backend whose client it uses
}

void GenerateJob::start()
{
    comfy::ServerConfig config;
    config.baseUrl = m_settings.server;
    config.extraCaFile = m_settings.caFile;
    m_backend = std::make_unique<backends::ComfyBackend>(config, nullptr);
    backends::ComfyRun::Options options;
    options.resolve.svdFramesFromCheckpoint = !m_settings.parsed.framesGiven;
    options.resolve.filenamePrefix = m_settings.parsed.filenamePrefix;
    m_backend->setRunOptions(options);

    const QFileInfo output(m_settings.outputPath);
    backends::RunSpec spec;
    spec.request = m_settings.parsed.request;
    spec.outputDirectory = output.absolutePath();
    spec.outputFileName = output.fileName();
    spec.outputBaseName = output.completeBaseName();
    spec.remoteId = m_backend->newRemoteId();
    m_run = static_cast<backends::ComfyRun *>(m_backend->createRun(spec, this));
    connect(m_run, &backends::ComfyRun::notesReady, this, &GenerateJob::onNotes);
    connect(m_run, &backends::BackendRun::stageChanged, this, [this](backends::RunStage stage) {
        m_submitted = m_submitted || stage >= backends::RunStage::Submitted;
    });
    connect(m_run, &backends::BackendRun::progressChanged, this, [this](const auto &progress) {
        if (!m_done && m_stopReason == StopReason::None)
            m_bar.update(progress);
    });
    connect(m_run, &backends::BackendRun::finished, this, &GenerateJob::onOutcome);
    m_overallTimer.start();
    m_run->start();
}

void GenerateJob::onNotes(const QStringList &notes)
{
    if (m_done || m_stopReason != StopReason::None)
        return;
    for (const QString &note : m_settings.parsed.notes + notes)
        m_console.err << note << '\n';
    m_console.err.flush();
}

void GenerateJob::onOutcome(const backends::RunOutcome &outcome)
{
    if (m_done)
        return;
    m_bar.finish();
    using Kind = backends::RunOutcome::Kind;
    if (m_stopReason != StopReason::None)
        return fail(stopError());
    switch (outcome.kind) {
    case Kind::Succeeded:
        return onSucceeded(outcome);
    case Kind::Canceled:
        return fail(errors::makeCanceled());
    case Kind::Failed:
    case Kind::Lost:
        break;
    }
    if (outcome.error)
        return fail(*outcome.error);
    fail(Error::make(ErrorKind::Unknown, tr("The job failed for an unknown reason.")));
}

void GenerateJob::onSucceeded(const backends::RunOutcome &outcome)
{
    const QFileInfo written(outcome.outputPath);
    const auto &serverFile = m_run->serverFile();
    const QString madeSuffix = serverFile ? QFileInfo(serverFile->filename).suffix() : QString();
    if (!madeSuffix.isEmpty() && madeSuffix.compare(written.suffix(), Qt::CaseInsensitive) != 0) {
        m_console.err << tr("Note: the server made a .%1 file; it was saved as %2 as asked.")
                                 .arg(madeSuffix, written.fileName())
                      << '\n';
    }
    m_console.out << written.absoluteFilePath() << '\n';
    m_console.out.flush();
    done(ExitOk);
}

void GenerateJob::stop()
{
    if (m_stopReason != StopReason::None) {
        m_bar.finish();
        return fail(stopError()); // asked twice: do not wait for the server
    }
    beginStop(StopReason::Canceled);
}

void GenerateJob::beginStop(StopReason reason)
{
    if (m_done || m_stopReason != StopReason::None)
        return;
    m_stopReason = reason;
    m_overallTimer.stop();
    m_bar.finish();
    if (!m_run)
        return fail(stopError());
    if (m_submitted) {
        m_console.err << (reason == StopReason::Timeout
                                  ? tr("Time limit of %n second(s) reached: canceling the job "
                                       "on the server...",
                                       nullptr,
                                       m_settings.timeoutSeconds)
                                  : tr("Canceling the job on the server..."))
                      << '\n';
        m_console.err.flush();
        // The run verifies its cancel through /history and /queue; ask the server directly
        // too, so a stuck poll does not keep the prompt running.
        const QString promptId = m_run->remoteId();
        comfy::ComfyClient *client = m_backend->client();
        client->interrupt(promptId, [](comfy::Result<bool>) {});
        client->deleteFromQueue({promptId}, [](comfy::Result<bool>) {});
    }
    // Before submission the run ends Canceled at once without touching the server.
    m_run->cancel();
    m_cancelGrace.start();
}

Error GenerateJob::stopError() const
{
    if (m_stopReason == StopReason::Timeout)
        return errors::makeTimeout(errors::TimeoutKind::Overall, m_settings.timeoutSeconds);
    return errors::makeCanceled();
}

void GenerateJob::fail(const Error &error)
{
    if (m_done)
        return;
    m_bar.finish();
    QTextStream &err = m_console.err;
    err << error.userMessage << '\n';
    if (!error.tips.isEmpty()) {
        err << tr("Tips:") << '\n';
        for (const QString &tip : error.tips)
            err << "  - " << tip << '\n';
    }
    if (m_settings.verbose) {
        err << tr("Error kind: %1 (exit code %2)")
                        .arg(errors::kindName(error.kind))
                        .arg(errors::exitCode(error.kind))
            << '\n';
        if (!error.nodeLabel().isEmpty())
            err << tr("Node: %1").arg(error.nodeLabel()) << '\n';
        if (error.httpStatus != 0)
            err << tr("HTTP status: %1").arg(error.httpStatus) << '\n';
        if (!error.technicalDetail.isEmpty())
            err << tr("Details:") << '\n' << error.technicalDetail << '\n';
    }
    err.flush();
    done(errors::exitCode(error.kind));
}

void GenerateJob::done(int exitCode)
{
    if (m_done)
        return;
    m_done = true;
    m_overallTimer.stop();
    m_cancelGrace.stop();
    emit finished(exitCode);
}

} // namespace comfyvideo::cli
