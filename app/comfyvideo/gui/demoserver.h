#pragma once

#include <QCoreApplication>
#include <QObject>
#include <QUrl>
#include <memory>

namespace comfyvideo::simulator {
class ComfySimulator;
}

namespace comfyvideo::gui {

// Demo mode (issue 6): the ComfyUI simulator in-process on 127.0.0.1 (a free port), used like
// any ComfyUI server. It renders a test animation, not AI. Steps are slow enough (StepMs) for
// the progress to be seen, and it sends preview frames.
class DemoServer : public QObject
{
    Q_OBJECT
public:
    static constexpr int StepMs = 120;

    // `dataDir` holds the simulator's input/, output/ and temp/ (created when missing).
    explicit DemoServer(QString dataDir, QObject *parent = nullptr);
    ~DemoServer() override;

    bool start(); // false: errorString() says why (no free port, folder not writable)
    QUrl baseUrl() const;
    QString errorString() const { return m_error; }

private:
    QString m_dataDir;
    QString m_error;
    std::unique_ptr<simulator::ComfySimulator> m_simulator;
};

} // namespace comfyvideo::gui
