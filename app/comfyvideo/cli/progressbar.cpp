#include "cli/progressbar.h"

#include <algorithm>
#include <cmath>

namespace comfyvideo::cli {

using comfy::Progress;

namespace {

constexpr int BarWidth = 20;
constexpr qint64 RedrawMs = 100;     // a terminal line: at most ~10 redraws a second
constexpr qint64 PlainStepMs = 1000; // plain lines: a step at most once a second

QString clockText(std::chrono::milliseconds duration)
{
    const qint64 seconds = std::max<qint64>(0, (duration.count() + 999) / 1000);
    const qint64 hours = seconds / 3600;
    const QString secs = QStringLiteral("%1").arg(seconds % 60, 2, 10, QLatin1Char('0'));
    if (hours == 0)
        return QStringLiteral("%1:%2").arg((seconds / 60) % 60).arg(secs);
    return QStringLiteral("%1:%2:%3")
            .arg(hours)
            .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(secs);
}

} // namespace

ProgressBar::ProgressBar(QTextStream &stream, bool interactive)
    : m_stream(stream)
    , m_interactive(interactive)
{}

QString ProgressBar::describe(const Progress &progress, bool withBar)
{
    QStringList parts{comfy::phaseName(progress.phase)};
    if (progress.phase == Progress::Phase::Queued && progress.queuePosition > 0)
        parts << tr("position %1").arg(progress.queuePosition);
    if (progress.steps > 0 && progress.phase == Progress::Phase::Sampling)
        parts << tr("step %1/%2").arg(progress.step).arg(progress.steps);
    const double overall = std::clamp(progress.overall, 0.0, 1.0);
    const int percent = int(std::floor(overall * 100.0));
    if (withBar) {
        const int filled = int(std::floor(overall * BarWidth));
        parts << u'[' + QString(filled, u'#') + QString(BarWidth - filled, u'.') + u']';
    }
    parts << QStringLiteral("%1%").arg(percent, 3);
    if (progress.eta && progress.phase != Progress::Phase::Done)
        parts << tr("ETA %1").arg(clockText(*progress.eta));
    return parts.join(QStringLiteral("  "));
}

bool ProgressBar::shouldPlainPrint(const Progress &progress) const
{
    if (!m_anyDrawn || progress.phase != m_lastPhase
        || progress.queuePosition != m_lastQueuePosition)
        return true;
    if (progress.step == m_lastStep || progress.steps <= 0)
        return false;
    return progress.step >= progress.steps || m_lastDraw.elapsed() >= PlainStepMs;
}

void ProgressBar::update(const Progress &progress)
{
    m_latest = progress;
    if (m_interactive) {
        const bool phaseChanged = progress.phase != m_lastPhase;
        if (m_anyDrawn && !phaseChanged && m_lastDraw.elapsed() < RedrawMs) {
            m_dirty = true;
            return;
        }
        const QString line = describe(progress, true);
        const qsizetype pad = std::max<qsizetype>(0, m_drawnWidth - line.size());
        m_stream << '\r' << line << QString(pad, u' ');
        m_drawnWidth = line.size();
    } else {
        if (!shouldPlainPrint(progress))
            return;
        m_stream << describe(progress, false) << '\n';
    }
    m_stream.flush();
    m_dirty = false;
    m_anyDrawn = true;
    m_lastDraw.start();
    m_lastPhase = progress.phase;
    m_lastStep = progress.step;
    m_lastQueuePosition = progress.queuePosition;
}

void ProgressBar::finish()
{
    if (m_interactive && m_dirty) {
        m_lastDraw.invalidate();
        m_anyDrawn = false;
        const Progress latest = m_latest;
        update(latest);
    }
    if (m_interactive && m_drawnWidth > 0) {
        m_stream << '\n';
        m_stream.flush();
        m_drawnWidth = 0;
    }
}

} // namespace comfyvideo::cli
