#include "cli/joblines.h"

#include <algorithm>
#include <cmath>

namespace comfyvideo::cli {

using storage::JobState;

namespace {

QString onServer(const QString &server)
{
    return server.isEmpty() ? QString() : JobLines::tr(" — server %1").arg(server);
}

} // namespace

QString JobLines::state(const storage::JobRecord &job, const QString &server)
{
    const QString head = u'#' + QString::number(job.id) + u' ' + storage::stateName(job.state);
    switch (job.state) {
    case JobState::Completed:
        return head + u' ' + job.outputPath;
    case JobState::Failed:
        return head + QStringLiteral(": ")
               + (job.error ? error(*job.error) : tr("no reason was recorded"));
    case JobState::Queued:
        // Back in the queue after an attempt: a retry or a move to the next server.
        if (job.error)
            return head + u' ' + tr("again after: %1").arg(error(*job.error));
        return head;
    case JobState::Canceled:
        return head;
    case JobState::Dispatching:
    case JobState::Uploading:
    case JobState::Submitted:
    case JobState::Running:
    case JobState::Fetching:
        break;
    }
    return head + onServer(server);
}

QString JobLines::progress(qint64 jobId,
                           JobState state,
                           const backends::JobProgress &progress,
                           const QString &server)
{
    using Phase = backends::JobProgress::Phase;
    const int percent = int(std::floor(std::clamp(progress.overall, 0.0, 1.0) * 100.0));
    QString text = u'#' + QString::number(jobId) + u' ' + storage::stateName(state) + u' '
                   + QString::number(percent) + QStringLiteral("% ")
                   + comfy::phaseName(progress.phase);
    if (progress.phase == Phase::Queued && progress.queuePosition > 0)
        text += u' ' + tr("(position %1)").arg(progress.queuePosition);
    if (progress.phase == Phase::Sampling && progress.steps > 0)
        text += u' ' + QString::number(progress.step) + u'/' + QString::number(progress.steps);
    if (progress.eta && progress.phase != Phase::Done)
        text += QStringLiteral(", ") + tr("ETA %1").arg(clock(*progress.eta));
    return text + onServer(server);
}

QString JobLines::error(const errors::Error &error)
{
    QString message = error.userMessage.simplified();
    if (message.isEmpty())
        message = error.technicalDetail.simplified().left(300);
    return errors::kindName(error.kind) + QStringLiteral(": ") + message;
}

QString JobLines::clock(std::chrono::milliseconds duration)
{
    const qint64 total = std::max<qint64>(0, qint64(duration.count()) / 1000);
    const qint64 hours = total / 3600;
    const QString minutesSeconds = QStringLiteral("%1:%2")
                                           .arg(hours > 0 ? (total / 60) % 60 : total / 60,
                                                hours > 0 ? 2 : 1,
                                                10,
                                                QLatin1Char('0'))
                                           .arg(total % 60, 2, 10, QLatin1Char('0'));
    return hours > 0 ? QString::number(hours) + u':' + minutesSeconds : minutesSeconds;
}

} // namespace comfyvideo::cli
