#pragma once

#include "media/videoencoder.h"
#include "simulator/simvalue.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>

class QThread;

namespace comfyvideo::simulator {

struct EncodeRequest
{
    ClipSpec clip;
    QList<int> frames; // frame indices in output order (pingpong repeats some)
    QString videoPath; // encoded with `settings` (empty: no video)
    media::EncodeSettings settings;
    QString firstFramePng; // VHS metadata image (optional)
    QStringList framePngs; // SaveImage/PreviewImage: one PNG per frame
};

// Renders and encodes a clip on a worker thread, so the event loop keeps serving HTTP and
// WebSocket traffic. Reports each written frame and the end through queued signals.
// Destroying the task cancels it and waits for the thread (at most one frame).
class EncodeTask : public QObject
{
    Q_OBJECT
public:
    explicit EncodeTask(EncodeRequest request, QObject *parent = nullptr);
    ~EncodeTask() override;

    void start();
    void cancel(); // stops after the current frame and removes the partial files

signals:
    void frameWritten(int written, int total);
    void finished(bool ok, const QString &error);

private:
    void run();

    EncodeRequest m_request;
    std::atomic_bool m_cancel = false;
    std::unique_ptr<QThread> m_thread;
};

} // namespace comfyvideo::simulator
