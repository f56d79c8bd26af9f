#include "cli/generatejob.h"

#include "comfy/comfyclient.h"
#include "comfy/failureerror.h"
#include "comfy/jobtracker.h"
#include "errors/classification.h"

#include <QFileInfo>

namespace comfyvideo::cli {

using errors::Error;
using errors::ErrorKind;

namespace {

// How long a cancel may take to be confirmed by the server before we exit anyway.
constexpr auto CancelGrace = std::chrono::seconds(10);

bool isNodePackField(const QString &field)
{
    // "kind": AnimateDiff-Evolved or the SVD nodes; "format": no saver; "frames": no context
    // options node (catalogdefaults.h).
    return field == u"kind" || field == u"format" || field == u"frames";
}

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

GenerateJob::~GenerateJob() = default;

void GenerateJob::start()
{
    comfy::ServerConfig config;
    config.baseUrl = m_settings.server;
    m_client = new comfy::ComfyClient(config, nullptr, nullptr, this);
    m_overallTimer.start();
    m_client->objectInfo([self = QPointer<GenerateJob>(this)](auto catalog) {
        if (self)
            self->onCatalog(std::move(catalog));
    });
}

ErrorKind GenerateJob::kindForProblems(const ResolvedWorkflow &resolved)
{
    if (!resolved.inputProblems.isEmpty())
        return ErrorKind::InvalidParams;
    // The built workflow's own problems follow from the catalog's (a model not in the list):
    // the catalog problem names the cause.
    bool model = false;
    for (const auto &problem : resolved.catalogProblems) {
        if (isNodePackField(problem.field))
            return ErrorKind::MissingCustomNode;
        model = model || problem.field == u"checkpoint" || problem.field == u"motionModule";
    }
    return model ? ErrorKind::ModelNotFound : ErrorKind::InvalidParams;
}

void GenerateJob::onCatalog(comfy::Result<comfy::NodeCatalog> catalog)
{
    if (m_done || m_stopReason != StopReason::None)
        return;
    if (!catalog)
        return fail(comfy::toError(catalog.error()));
    m_catalog = std::move(*catalog);
    const ResolvedWorkflow resolved = resolveWorkflow(m_settings.parsed, &*m_catalog);
    if (!resolved.ok()) {
        const ErrorKind kind = kindForProblems(resolved);
        if (kind == ErrorKind::InvalidParams)
            return fail(errors::makeInvalidParams(resolved.problemLines()));
        QStringList lines;
        for (const auto &problem : resolved.catalogProblems)
            lines << request::formatProblems({problem});
        Error error = Error::make(
                kind, tr("The server cannot run this request:") + u'\n' + lines.join(u'\n'));
        error.technicalDetail = resolved.workflowProblems.join(u'\n');
        error.tips << (kind == ErrorKind::ModelNotFound
                               ? tr("Put the model into the server's models folder, or name one "
                                    "it has (listed above).")
                               : tr("Install the missing custom nodes (e.g. with "
                                    "ComfyUI-Manager) and restart ComfyUI."));
        return fail(error);
    }
    for (const QString &note : resolved.notes)
        m_console.err << note << '\n';
    m_console.err.flush();
    const QString image = resolved.request.referenceImage;
    if (resolved.request.kind != request::Kind::Svd || image.isEmpty())
        return submit(resolved.workflow);
    m_client->uploadImage(image, [self = QPointer<GenerateJob>(this)](auto uploaded) {
        if (self)
            self->onUploaded(std::move(uploaded));
    });
}

void GenerateJob::onUploaded(comfy::Result<comfy::UploadedImage> image)
{
    if (m_done || m_stopReason != StopReason::None)
        return;
    if (!image)
        return fail(comfy::toError(image.error()));
    const ResolvedWorkflow resolved
            = resolveWorkflow(m_settings.parsed, &*m_catalog, image->loadImageName());
    submit(resolved.workflow);
}

void GenerateJob::submit(const comfy::BuiltWorkflow &workflow)
{
    const QFileInfo output(m_settings.outputPath);
    comfy::JobTracker::Options options;
    options.downloadDirectory = output.absolutePath();
    options.localName = output.fileName();
    m_tracker = new comfy::JobTracker(m_client, workflow, options, this);
    connect(m_tracker, &comfy::JobTracker::progressChanged, this, [this](const auto &progress) {
        if (!m_done && m_stopReason == StopReason::None)
            m_bar.update(progress);
    });
    connect(m_tracker, &comfy::JobTracker::finished, this, &GenerateJob::onOutcome);
    m_tracker->start();
}

void GenerateJob::onOutcome(const comfy::JobOutcome &outcome)
{
    if (m_done)
        return;
    m_bar.finish();
    using Kind = comfy::JobOutcome::Kind;
    if (m_stopReason != StopReason::None)
        return fail(stopError());
    switch (outcome.kind) {
    case Kind::Succeeded:
        return onSucceeded(outcome);
    case Kind::Canceled:
        return fail(errors::makeCanceled());
    case Kind::Failed:
    case Kind::Interrupted:
    case Kind::Lost:
        break;
    }
    if (outcome.failure)
        return fail(comfy::toError(*outcome.failure));
    fail(Error::make(ErrorKind::Unknown, tr("The job failed for an unknown reason.")));
}

void GenerateJob::onSucceeded(const comfy::JobOutcome &outcome)
{
    if (!outcome.download) {
        Error error = Error::make(ErrorKind::ServerError,
                                  tr("ComfyUI finished the job but reported no video file."));
        error.retryable = false;
        return fail(error);
    }
    const QFileInfo written(outcome.download->path);
    const QString madeSuffix
            = outcome.video ? QFileInfo(outcome.video->filename).suffix() : QString();
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
    if (!m_tracker)
        return fail(stopError()); // nothing submitted yet
    m_console.err << (reason == StopReason::Timeout
                              ? tr("Time limit of %n second(s) reached: canceling the job on "
                                   "the server...",
                                   nullptr,
                                   m_settings.timeoutSeconds)
                              : tr("Canceling the job on the server..."))
                  << '\n';
    m_console.err.flush();
    const QString promptId = m_tracker->promptId();
    m_tracker->cancel();
    // The tracker verifies its cancel through /history and /queue; ask the server directly
    // too, so a stuck poll does not keep the prompt running.
    if (!m_done && !promptId.isEmpty()) {
        m_client->interrupt(promptId, [](comfy::Result<bool>) {});
        m_client->deleteFromQueue({promptId}, [](comfy::Result<bool>) {});
    }
    if (!m_done)
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
