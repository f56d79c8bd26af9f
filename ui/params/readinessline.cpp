#include "params/readinessline.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>

namespace comfyvideo::ui {

namespace {

using Level = backends::Assessment::Level;

QString joined(const QStringList &reasons)
{
    return reasons.join(QLatin1String("; "));
}

// Why the server cannot be reached: its reasons, else the error's plain message.
QString unreachableReason(const backends::Assessment &assessment)
{
    if (!assessment.reasons.isEmpty())
        return joined(assessment.reasons);
    if (assessment.error)
        return assessment.error->userMessage;
    return ReadinessLine::tr("no answer");
}

QStyle::StandardPixmap iconFor(const std::optional<backends::Assessment> &assessment)
{
    if (!assessment)
        return QStyle::SP_BrowserReload;
    switch (assessment->level) {
    case Level::Ready:
        return QStyle::SP_DialogApplyButton;
    case Level::ReadyWithWarnings:
        return QStyle::SP_MessageBoxWarning;
    case Level::Blocked:
    case Level::Unreachable:
        break;
    }
    return QStyle::SP_MessageBoxCritical;
}

} // namespace

ReadinessLine::ReadinessLine(QWidget *parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    m_text->setWordWrap(true);
    m_text->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setAccessibleName(tr("Server readiness"));
    QSizePolicy policy = sizePolicy();
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    refresh();
}

void ReadinessLine::setServerName(const QString &name)
{
    m_server = name;
    refresh();
}

void ReadinessLine::setAssessment(const std::optional<backends::Assessment> &assessment)
{
    m_assessment = assessment;
    refresh();
}

QString ReadinessLine::text() const
{
    return m_text->text();
}

QString ReadinessLine::describe(const QString &server,
                                const std::optional<backends::Assessment> &assessment)
{
    if (server.isEmpty())
        return tr("No server chosen; add one in Servers.");
    if (!assessment)
        return tr("Checking %1…").arg(server);
    switch (assessment->level) {
    case Level::Ready:
        return tr("Ready on %1").arg(server);
    case Level::ReadyWithWarnings:
        return tr("Ready, with warnings: %1").arg(joined(assessment->reasons));
    case Level::Blocked:
        return tr("Missing on %1: %2").arg(server, joined(assessment->reasons));
    case Level::Unreachable:
        break;
    }
    return tr("Cannot reach %1: %2").arg(server, unreachableReason(*assessment));
}

void ReadinessLine::refresh()
{
    const int side = fontMetrics().height();
    const QIcon icon = style()->standardIcon(iconFor(m_assessment), nullptr, this);
    m_icon->setPixmap(icon.pixmap(QSize(side, side), devicePixelRatioF()));
    m_text->setText(describe(m_server, m_assessment));
}

} // namespace comfyvideo::ui
