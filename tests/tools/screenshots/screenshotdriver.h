#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <functional>

namespace comfyvideo::gui {
class GuiApp;
}

namespace comfyvideo::tests {

// Drives the real window (a started GuiApp on a simulator with slow steps and an OOM limit)
// through its main states and writes one PNG per state into a folder: empty, running with the
// live preview, finished with the video playing, and a memory error with its tips. Event
// driven: each state waits (polling every 200 ms) for what it needs, then grabs the screen.
class ScreenshotDriver : public QObject
{
    Q_OBJECT
public:
    ScreenshotDriver(gui::GuiApp *app, QString outDir, QObject *parent = nullptr);

    void start(); // call after GuiApp::start()
    QStringList written() const { return m_written; }

signals:
    void finished(bool ok, const QString &message);

private:
    struct Step
    {
        QString name;                // "01-empty"
        std::function<void()> enter; // what to do first (fill the form, click Generate)
        std::function<bool()> ready; // when to grab
        int settleMs = 600;          // then wait this long (paint, a few video frames)
    };
    void buildSteps();
    void poll();
    void grab(const QString &name);
    void fill(int side, int frames, int steps);
    void fail(const QString &message);

    gui::GuiApp *m_app;
    QString m_outDir;
    QList<Step> m_steps;
    int m_current = -1;
    bool m_entered = false;
    QTimer m_poll;
    QTimer m_deadline;
    QStringList m_written;
};

} // namespace comfyvideo::tests
