#include "preview/transportbar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStyle>
#include <QToolButton>

namespace comfyvideo::ui {

namespace {

QToolButton *makeButton(QWidget *parent, const QString &name, const QString &toolTip)
{
    auto *button = new QToolButton(parent);
    button->setAccessibleName(name);
    button->setToolTip(toolTip);
    button->setAutoRaise(true);
    return button;
}

} // namespace

TransportBar::TransportBar(QWidget *parent)
    : QWidget(parent)
{
    m_playButton = makeButton(this, tr("Play"), tr("Play or pause (Space)"));
    m_playButton->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_backButton = makeButton(this, tr("Previous frame"), tr("One frame back ([ or Left)"));
    m_backButton->setIcon(style()->standardIcon(QStyle::SP_MediaSeekBackward));
    m_forwardButton = makeButton(this, tr("Next frame"), tr("One frame forward (] or Right)"));
    m_forwardButton->setIcon(style()->standardIcon(QStyle::SP_MediaSeekForward));

    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setAccessibleName(tr("Position"));
    m_slider->setToolTip(tr("Drag to scrub through the video"));
    m_slider->setRange(0, 0);
    m_slider->setSingleStep(100);
    m_slider->setPageStep(1000);

    m_positionLabel = new QLabel(this);
    m_positionLabel->setAccessibleName(tr("Playback position"));
    m_positionLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_positionLabel->setBuddy(m_slider);
    // Wide enough for "00:00.000 / 00:00.000" so the row does not jump while playing.
    m_positionLabel->setMinimumWidth(m_positionLabel->fontMetrics().horizontalAdvance(
            QStringLiteral("00:00.000 / 00:00.000 ")));

    m_loopButton = makeButton(this, tr("Loop"), tr("Play the video again and again"));
    m_loopButton->setText(tr("Loop"));
    m_loopButton->setCheckable(true);
    m_loopButton->setToolButtonStyle(Qt::ToolButtonTextOnly);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_playButton);
    layout->addWidget(m_backButton);
    layout->addWidget(m_forwardButton);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_positionLabel);
    layout->addWidget(m_loopButton);

    connect(m_playButton, &QToolButton::clicked, this, &TransportBar::playPauseClicked);
    connect(m_backButton, &QToolButton::clicked, this, [this] { emit stepRequested(-1); });
    connect(m_forwardButton, &QToolButton::clicked, this, [this] { emit stepRequested(1); });
    connect(m_loopButton, &QToolButton::toggled, this, &TransportBar::loopToggled);
    // Dragging seeks continuously; clicks and keys on the slider seek too.
    connect(m_slider, &QSlider::valueChanged, this, [this](int value) {
        updatePositionText(value);
        if (!m_settingSlider)
            emit seekRequested(value);
    });
    updatePositionText(0);
}

void TransportBar::setDuration(qint64 ms)
{
    m_duration = qMax<qint64>(0, ms);
    m_settingSlider = true;
    m_slider->setRange(0, int(qMin<qint64>(m_duration, std::numeric_limits<int>::max())));
    m_settingSlider = false;
    updatePositionText(m_slider->value());
}

void TransportBar::setPosition(qint64 ms)
{
    if (m_slider->isSliderDown())
        return;
    m_settingSlider = true;
    m_slider->setValue(int(qBound<qint64>(0, ms, qint64(m_slider->maximum()))));
    m_settingSlider = false;
    updatePositionText(ms);
}

void TransportBar::setPlaying(bool playing)
{
    m_playButton->setIcon(
            style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    m_playButton->setAccessibleName(playing ? tr("Pause") : tr("Play"));
}

void TransportBar::setLoop(bool loop)
{
    m_loopButton->setChecked(loop);
}

bool TransportBar::isLoopChecked() const
{
    return m_loopButton->isChecked();
}

QString TransportBar::formatTime(qint64 ms)
{
    ms = qMax<qint64>(0, ms);
    const qint64 hours = ms / 3'600'000;
    const qint64 minutes = (ms / 60'000) % 60;
    const qint64 seconds = (ms / 1000) % 60;
    const qint64 millis = ms % 1000;
    const QString rest = QStringLiteral("%1.%2")
                                 .arg(seconds, 2, 10, QLatin1Char('0'))
                                 .arg(millis, 3, 10, QLatin1Char('0'));
    if (hours > 0)
        return QStringLiteral("%1:%2:%3")
                .arg(hours)
                .arg(minutes, 2, 10, QLatin1Char('0'))
                .arg(rest);
    return QStringLiteral("%1:%2").arg(minutes).arg(rest);
}

void TransportBar::updatePositionText(qint64 position)
{
    m_positionLabel->setText(
            QStringLiteral("%1 / %2").arg(formatTime(position), formatTime(m_duration)));
}

} // namespace comfyvideo::ui
