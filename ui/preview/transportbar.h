#pragma once

#include <QWidget>

class QLabel;
class QSlider;
class QToolButton;

namespace comfyvideo::ui {

// The preview's transport row (a pure view): play/pause, frame back/forward, a scrub slider
// with "0:01.250 / 0:03.125", and a Loop toggle. It reports intent; PreviewPanel drives the
// player and feeds the state back.
class TransportBar : public QWidget
{
    Q_OBJECT
public:
    explicit TransportBar(QWidget *parent = nullptr);

    void setDuration(qint64 ms);
    void setPosition(qint64 ms); // ignored while the slider is being dragged
    void setPlaying(bool playing);
    void setLoop(bool loop);
    bool isLoopChecked() const;

    // "m:ss.zzz", e.g. 0:01.250 (hours are added past 59:59.999).
    static QString formatTime(qint64 ms);

    QSlider *slider() const { return m_slider; }
    QLabel *positionLabel() const { return m_positionLabel; }

signals:
    void playPauseClicked();
    void stepRequested(int frames);
    void seekRequested(qint64 ms);
    void loopToggled(bool loop);

private:
    void updatePositionText(qint64 position);

    QToolButton *m_playButton = nullptr;
    QToolButton *m_backButton = nullptr;
    QToolButton *m_forwardButton = nullptr;
    QSlider *m_slider = nullptr;
    QLabel *m_positionLabel = nullptr;
    QToolButton *m_loopButton = nullptr;
    qint64 m_duration = 0;
    bool m_settingSlider = false; // slider moved by setPosition, not by the user
};

} // namespace comfyvideo::ui
