#include "progress/statusbadge.h"

#include <QPainter>
#include <QPainterPath>

namespace comfyvideo::ui {

using storage::JobState;

StatusBadge::StatusBadge(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    setAccessibleName(tr("Job status"));
    QFont bold = font();
    bold.setBold(true);
    setFont(bold);
}

QString StatusBadge::displayName(JobState state)
{
    return storage::stateDisplayName(state);
}

void StatusBadge::setState(std::optional<JobState> state)
{
    if (state == m_state)
        return;
    m_state = state;
    m_text = state ? displayName(*state) : QString();
    setAccessibleDescription(m_text);
    setToolTip(m_text.isEmpty() ? QString() : tr("Job status: %1").arg(m_text));
    updateGeometry();
    update();
}

QPalette::ColorRole StatusBadge::backgroundRole() const
{
    if (!m_state)
        return QPalette::Window;
    switch (*m_state) {
    case JobState::Completed:
        return QPalette::Link; // a calm accent distinct from the running highlight
    case JobState::Failed:
        return QPalette::WindowText; // strongest contrast the palette offers
    case JobState::Queued:
    case JobState::Canceled:
        return QPalette::Mid;
    default:
        return QPalette::Highlight;
    }
}

QPalette::ColorRole StatusBadge::textRole() const
{
    if (!m_state)
        return QPalette::WindowText;
    switch (*m_state) {
    case JobState::Failed:
    case JobState::Completed:
        return QPalette::Window;
    case JobState::Queued:
    case JobState::Canceled:
        return QPalette::WindowText;
    default:
        return QPalette::HighlightedText;
    }
}

QSize StatusBadge::sizeHint() const
{
    const QFontMetrics metrics = fontMetrics();
    const int padding = metrics.height() / 2;
    const int textWidth = metrics.horizontalAdvance(m_text.isEmpty() ? tr("Queued") : m_text);
    return {textWidth + 2 * padding, metrics.height() + padding / 2 * 2};
}

QSize StatusBadge::minimumSizeHint() const
{
    return sizeHint();
}

void StatusBadge::paintEvent(QPaintEvent *)
{
    if (m_text.isEmpty())
        return;
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF box = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    const qreal radius = box.height() / 2;
    QPainterPath path;
    path.addRoundedRect(box, radius, radius);
    painter.fillPath(path, palette().color(backgroundRole()));
    painter.setPen(palette().color(textRole()));
    painter.drawText(rect(), Qt::AlignCenter, m_text);
}

} // namespace comfyvideo::ui
