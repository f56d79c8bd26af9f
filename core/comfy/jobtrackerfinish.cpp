// JobTracker: polling, completion, download and cancel.
#include "comfy/comfyclient.h"
#include "comfy/jobtracker.h"
#include "comfy/messageparser.h"
#include "common/logging.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy {

void JobTracker::poll()
{
    if (m_state != State::Tracking || m_pollInFlight || !m_client)
        return;
    m_pollInFlight = true;
    m_client->history(m_promptId, guarded([this](Result<std::optional<QJsonObject>> entry) {
                          if (m_state != State::Tracking) {
                              m_pollInFlight = false;
                              return;
                          }
                          if (!entry) {
                              m_pollInFlight = false;
                              if (!m_unreachableSince.isValid())
                                  m_unreachableSince.start();
                              if (m_unreachableSince.elapsed()
                                  > m_options.unreachableTimeout.count())
                                  finish(JobOutcome::Kind::Failed, entry.error());
                              return;
                          }
                          m_unreachableSince.invalidate();
                          if (*entry) {
                              m_pollInFlight = false;
                              m_state = State::Finalizing;
                              return finishFromHistory(**entry);
                          }
                          m_client->queue(guarded([this](Result<QueueState> queue) {
                              m_pollInFlight = false;
                              if (m_state == State::Tracking && queue)
                                  onQueue(*queue);
                          }));
                      }));
}

void JobTracker::onQueue(const QueueState &queue)
{
    const int position = queue.positionOf(m_promptId);
    if (position < 0) {
        if (++m_absentPolls < m_options.absentPollsForLost)
            poll(); // confirm quickly: it may have finished between the two requests
        else if (m_cancelRequested)
            finish(JobOutcome::Kind::Canceled);
        else if (m_unconfirmedSubmit)
            finish(JobOutcome::Kind::Failed, *m_unconfirmedSubmit); // it was never queued
        else
            finish(JobOutcome::Kind::Lost,
                   Failure{Failure::Stage::Lost,
                           {},
                           0,
                           {},
                           {},
                           {},
                           u"the server knows the prompt neither in /queue nor in /history"_s});
        return;
    }
    m_absentPolls = 0;
    if (m_unconfirmedSubmit) { // the server did queue it
        m_unconfirmedSubmit.reset();
        emit submitted(m_promptId);
    }
    m_progress.queuePosition = position;
    if (position == 0)
        enterPhase(std::max(m_progress.phase, Progress::Phase::Loading));
    if (m_cancelRequested && !m_cancelInFlight) {
        m_cancelInFlight = true;
        auto done = [this](Result<bool>) {
            m_cancelInFlight = false;
        };
        if (position == 0)
            m_client->interrupt(m_promptId, done);
        else
            m_client->deleteFromQueue({m_promptId}, done);
    }
    publish(0.0);
}

void JobTracker::onPromptDone()
{
    m_state = State::Finalizing;
    m_pollTimer.stop();
    fetchHistory(0);
}

// The history entry is written before `executing null`; retry anyway (other servers, §3.5).
void JobTracker::fetchHistory(int attempt)
{
    m_client->history(m_promptId,
                      guarded([this, attempt](Result<std::optional<QJsonObject>> entry) {
                          if (m_state != State::Finalizing)
                              return;
                          if (entry && *entry)
                              return finishFromHistory(**entry);
                          if (attempt + 1 >= m_options.historyRetries)
                              return finishFromEvents();
                          QTimer::singleShot(m_options.historyRetryDelay, this, [this, attempt] {
                              fetchHistory(attempt + 1);
                          });
                      }));
}

void JobTracker::finishFromHistory(const QJsonObject &entry)
{
    m_outcome.historyEntry = entry;
    const QJsonObject status = entry.value("status"_L1).toObject();
    const QJsonArray messages = status.value("messages"_L1).toArray();
    for (const QJsonValue &m : messages) { // recover what the socket may have missed
        const QJsonArray pair = m.toArray();
        const ws::Event event = ws::parseMessage(pair.at(0).toString(), pair.at(1).toObject());
        if (const auto *c = std::get_if<ws::ExecutionCached>(&event))
            m_cachedNodes = c->nodes;
        else if (const auto *e = std::get_if<ws::ExecutionError>(&event); e && !e->blocked()) {
            m_hint = Hint::Error;
            m_hintData = e->data;
        } else if (const auto *i = std::get_if<ws::ExecutionInterrupted>(&event)) {
            m_hint = Hint::Interrupted;
            m_hintData = i->data;
        }
    }
    if (status.value("status_str"_L1).toString() == u"success" && m_hint == Hint::None)
        m_hint = Hint::Success;
    QList<OutputFileRef> files;
    const QJsonObject outputs = entry.value("outputs"_L1).toObject();
    for (auto it = outputs.begin(); it != outputs.end(); ++it)
        files.append(outputFilesOf(it.key(), it.value().toObject()));
    if (files.isEmpty())
        files = m_executedFiles;
    if (m_hint == Hint::Success)
        return succeed(files, entry);
    m_outcome.files = files;
    finishFromEvents();
}

void JobTracker::finishFromEvents()
{
    Failure failure;
    failure.executionError = m_hintData;
    switch (m_hint) {
    case Hint::Error:
        failure.stage = Failure::Stage::Execution;
        failure.detail = m_hintData.value("exception_message"_L1).toString().trimmed();
        return finish(JobOutcome::Kind::Failed, failure);
    case Hint::Interrupted:
        if (m_cancelRequested)
            return finish(JobOutcome::Kind::Canceled);
        failure.stage = Failure::Stage::Interrupted;
        return finish(JobOutcome::Kind::Interrupted, failure);
    case Hint::Success:
    case Hint::None: // servers before 2024-07: executing null without error is a success
        return succeed(m_executedFiles, m_outcome.historyEntry);
    }
}

void JobTracker::succeed(QList<OutputFileRef> files, const QJsonObject &entry)
{
    m_outcome.historyEntry = entry;
    m_outcome.files = files;
    m_outcome.noNewOutput = m_cachedNodes.contains(m_workflow.outputNodeId);
    m_outcome.video = pickVideo(files);
    if (!m_outcome.video && m_outcome.noNewOutput && m_options.previousOutput)
        m_outcome.video = m_options.previousOutput;
    if (!m_outcome.video && !files.isEmpty())
        m_outcome.video = files.first();
    if (m_outcome.video && !m_options.downloadDirectory.isEmpty())
        return startDownload();
    finish(JobOutcome::Kind::Succeeded);
}

// The saver's file; without a workflow (attach) the first file that is a video.
std::optional<OutputFileRef> JobTracker::pickVideo(const QList<OutputFileRef> &files) const
{
    for (const OutputFileRef &f : files) {
        if (!m_workflow.outputNodeId.isEmpty() && f.nodeId == m_workflow.outputNodeId)
            return f;
    }
    if (!m_workflow.outputNodeId.isEmpty())
        return std::nullopt;
    for (const OutputFileRef &f : files) {
        const QString suffix = localSuffixFor(f);
        if (suffix != u"png" && suffix != u"bin")
            return f;
    }
    return std::nullopt;
}

QString JobTracker::localSuffixFor(const OutputFileRef &file)
{
    static const QStringList allowed{
            u"mp4"_s, u"webm"_s, u"gif"_s, u"webp"_s, u"mov"_s, u"mkv"_s, u"png"_s};
    const qsizetype dot = file.filename.lastIndexOf(u'.');
    if (dot >= 0) {
        const QString suffix = file.filename.mid(dot + 1).toLower();
        if (allowed.contains(suffix))
            return suffix;
    }
    // "video/h264-mp4", "image/gif", "image/webp", "video/webm"
    const QString fromFormat = file.format.section(u'/', -1).section(u'-', -1).toLower();
    return allowed.contains(fromFormat) ? fromFormat : u"bin"_s;
}

void JobTracker::startDownload()
{
    m_state = State::Downloading;
    enterPhase(Progress::Phase::Downloading);
    publish(0.0);
    QString name = m_options.localName;
    if (name.isEmpty()) {
        const QString base
                = m_options.localBaseName.isEmpty() ? m_promptId : m_options.localBaseName;
        name = base + u'.' + localSuffixFor(*m_outcome.video);
    }
    DownloadRequest request{
            *m_outcome.video, m_options.downloadDirectory, name, m_options.maxDownloadBytes, 3};
    m_downloader = new Downloader(
            m_client->config(), m_client->secrets(), m_client->network(), request, this);
    connect(m_downloader, &Downloader::progressed, this, [this](qint64 received, qint64 total) {
        publish(total > 0 ? double(received) / double(total) : 0.0);
    });
    connect(m_downloader, &Downloader::finished, this, [this](const Result<DownloadResult> &r) {
        m_downloader->deleteLater();
        if (!r)
            return finish(JobOutcome::Kind::Failed, r.error());
        m_outcome.download = *r;
        finish(JobOutcome::Kind::Succeeded);
    });
    m_downloader->start();
}

void JobTracker::finish(JobOutcome::Kind kind, std::optional<Failure> failure)
{
    if (m_state == State::Done)
        return;
    m_state = State::Done;
    m_pollTimer.stop();
    if (m_downloader)
        m_downloader->abort();
    m_outcome.kind = kind;
    m_outcome.promptId = m_promptId;
    m_outcome.failure = std::move(failure);
    if (kind == JobOutcome::Kind::Succeeded) {
        m_progress.phase = Progress::Phase::Done;
        m_progress.eta = std::chrono::milliseconds(0);
        publish(1.0);
    }
    qCDebug(lcComfyWs) << "prompt" << m_promptId << "finished" << int(kind);
    emit finished(m_outcome);
}

void JobTracker::cancel()
{
    if (m_cancelRequested || m_state == State::Done)
        return;
    m_cancelRequested = true;
    if (m_state == State::Idle || (m_state == State::Submitting && !m_submitIssued))
        return finish(JobOutcome::Kind::Canceled); // nothing was sent to the server
    if (m_state == State::Downloading)
        return finish(JobOutcome::Kind::Canceled);
    if (m_state == State::Tracking)
        continueCancel();
}

// poll() asks /history, then /queue; onQueue() interrupts (running) or deletes (pending), and
// polling goes on until /history shows the interrupt, or the prompt is gone from both /queue
// and /history (the delete took effect): only then is the cancel reported.
void JobTracker::continueCancel()
{
    m_absentPolls = 0;
    updatePolling();
    poll();
}

} // namespace comfyvideo::comfy
