#pragma once

#include <QWidget>

class QMediaPlayer;
class QVideoSink;

namespace comfyvideo::ui {

// The finished video (issue 6): QMediaPlayer + QVideoWidget with play/pause, loop, a scrub
// slider, frame step back/forward (one frame at the video's rate), and fps, duration and size
// read with media::probeVideo off the GUI thread; Export MP4… (a file dialog, then
// media::VideoExporter with a progress bar and Cancel), Open folder, Copy path.
// Audio: a QAudioOutput is attached only when QMediaDevices::audioOutputs() is not empty (the
// FFmpeg backend of Qt 6.4 crashes otherwise).
class PreviewPanel : public QWidget
{
    Q_OBJECT
public:
    explicit PreviewPanel(QWidget *parent = nullptr);
    ~PreviewPanel() override;

    QString videoPath() const;
    void setVideo(const QString &path); // loads and starts playing (looping by default)
    void clear();

    void setLoop(bool loop);
    bool loops() const;
    void stepFrames(int frames); // pauses, then moves by frames (negative: back)

    // Export without the file dialog (the dialog's answer goes here too); progress is shown in
    // the panel and exportFinished() follows.
    void exportTo(const QString &destination);
    void cancelExport();

    // For tests.
    QMediaPlayer *player() const;
    QVideoSink *videoSink() const;
    QString infoText() const; // "1024×576 · 8 fps · 3.1 s · 25 frames"

signals:
    void infoReady(); // the probe answered (infoText() is filled)
    void exportFinished(bool ok, const QString &destination, const QString &message);
    void pathCopied(const QString &path);

protected:
    // Space plays/pauses, [ and ] step a frame, when a child of the panel that does not use
    // the key itself (the video, the slider) has focus; buttons keep Space for themselves.
    void keyPressEvent(QKeyEvent *event) override;

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace comfyvideo::ui
