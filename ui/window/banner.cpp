#include "window/banner.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>

namespace comfyvideo::ui {

Banner::Banner(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("banner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setObjectName(QStringLiteral("bannerText"));
    m_text->setAccessibleName(tr("Notice"));
    m_icon->setAccessibleName(tr("Notice icon"));

    auto *layout = new QHBoxLayout(this);
    const int margin = fontMetrics().height() / 2;
    layout->setContentsMargins(margin, margin, margin, margin);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    setAccessibleName(tr("Notice"));
    hide();
}

void Banner::setMessage(const QString &text, Level level)
{
    m_level = level;
    m_text->setText(text);
    setAccessibleDescription(text);
    applyLevel();
    setVisible(!text.isEmpty());
}

QString Banner::text() const
{
    return m_text->text();
}

void Banner::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    const bool restyled
            = event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange;
    if (restyled && !m_applying)
        applyLevel();
}

void Banner::applyLevel()
{
    m_applying = true;
    QStyle::StandardPixmap pixmap = QStyle::SP_MessageBoxInformation;
    QPalette::ColorRole background = QPalette::AlternateBase;
    QPalette::ColorRole foreground = QPalette::Text;
    switch (m_level) {
    case Level::Info:
        break;
    case Level::Warning:
        pixmap = QStyle::SP_MessageBoxWarning;
        background = QPalette::ToolTipBase;
        foreground = QPalette::ToolTipText;
        break;
    case Level::Error:
        pixmap = QStyle::SP_MessageBoxCritical;
        background = QPalette::Highlight;
        foreground = QPalette::HighlightedText;
        break;
    }
    setBackgroundRole(background);
    setForegroundRole(foreground);
    m_text->setForegroundRole(foreground);
    const int extent = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(pixmap, nullptr, this).pixmap(extent, extent));
    m_applying = false;
}

} // namespace comfyvideo::ui
