#include "progress/progresstexts.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace comfyvideo::ui::progresstexts {

QString duration(std::chrono::milliseconds value)
{
    const qint64 total = std::max<qint64>(0, value.count() / 1000);
    const qint64 hours = total / 3600;
    const qint64 minutes = total / 60 % 60;
    const qint64 seconds = total % 60;
    const QString ss = QString::number(seconds).rightJustified(2, u'0');
    if (hours > 0) {
        return u"%1:%2:%3"_s.arg(hours).arg(QString::number(minutes).rightJustified(2, u'0'), ss);
    }
    return u"%1:%2"_s.arg(minutes).arg(ss);
}

QString phase(const backends::JobProgress &progress)
{
    using Phase = comfy::Progress::Phase;
    if (progress.phase != Phase::Queued)
        return comfy::phaseName(progress.phase);
    // queuePosition 1 is next to run: nobody ahead.
    if (progress.queuePosition == 1)
        return QCoreApplication::translate("ProgressPanel", "Queued (next)");
    if (progress.queuePosition > 1)
        return QCoreApplication::translate(
                "ProgressPanel", "Queued (%n ahead)", nullptr, progress.queuePosition - 1);
    return QCoreApplication::translate("ProgressPanel", "Queued");
}

QString step(const backends::JobProgress &progress)
{
    if (progress.steps <= 0)
        return {};
    return QCoreApplication::translate("ProgressPanel", "Step %1 / %2")
            .arg(progress.step)
            .arg(progress.steps);
}

QString frames(const backends::JobProgress &progress)
{
    if (progress.targetFrames <= 0)
        return {};
    // Spelled out for English, where no translation supplies the plural.
    if (progress.targetFrames == 1)
        return QCoreApplication::translate("ProgressPanel", "1 frame");
    return QCoreApplication::translate(
            "ProgressPanel", "%n frames", nullptr, progress.targetFrames);
}

QString node(const backends::JobProgress &progress)
{
    const QString title = progress.nodeTitle.trimmed();
    const QString type = progress.nodeClass.trimmed();
    QString label;
    if (!title.isEmpty() && !type.isEmpty() && title != type)
        label = u"%1 (%2)"_s.arg(type, title);
    else if (!title.isEmpty())
        label = title;
    else if (!type.isEmpty())
        label = type;
    else if (!progress.nodeId.isEmpty())
        label = QCoreApplication::translate("ProgressPanel", "#%1").arg(progress.nodeId);
    if (label.isEmpty())
        return {};
    return QCoreApplication::translate("ProgressPanel", "Node: %1").arg(label);
}

QString timing(const backends::JobProgress &progress)
{
    const QString elapsed = QCoreApplication::translate("ProgressPanel", "Elapsed %1")
                                    .arg(duration(progress.elapsed));
    if (progress.phase == comfy::Progress::Phase::Done)
        return elapsed;
    const QString remaining
            = progress.eta ? QCoreApplication::translate("ProgressPanel", "About %1 left")
                                     .arg(duration(*progress.eta))
                           : QCoreApplication::translate("ProgressPanel", "Estimating…");
    return QCoreApplication::translate("ProgressPanel", "%1 · %2").arg(elapsed, remaining);
}

QString terminalPhase(storage::JobState state)
{
    switch (state) {
    case storage::JobState::Completed:
        return QCoreApplication::translate("ProgressPanel", "Done");
    case storage::JobState::Failed:
        return QCoreApplication::translate("ProgressPanel", "Failed");
    case storage::JobState::Canceled:
        return QCoreApplication::translate("ProgressPanel", "Canceled");
    default:
        return {};
    }
}

QString eventLine(const storage::JobEvent &event)
{
    const QString time = event.at.toLocalTime().toString(u"HH:mm:ss"_s);
    QString line = u"%1  %2 → %3"_s.arg(time, event.type, storage::stateName(event.state));
    if (!event.message.isEmpty())
        line += u"  "_s + event.message;
    return line;
}

} // namespace comfyvideo::ui::progresstexts
