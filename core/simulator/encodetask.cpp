#include "simulator/encodetask.h"

#include "simulator/framerenderer.h"

#include <QFile>
#include <QThread>

namespace comfyvideo::simulator {

EncodeTask::EncodeTask(EncodeRequest request, QObject *parent)
    : QObject(parent)
    , m_request(std::move(request))
{}

EncodeTask::~EncodeTask()
{
    m_cancel = true;
    if (m_thread)
        m_thread->wait();
}

void EncodeTask::start()
{
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->start();
}

void EncodeTask::cancel()
{
    m_cancel = true;
}

void EncodeTask::run()
{
    const FrameRenderer renderer(m_request.clip);
    const int total = int(m_request.frames.size());
    std::unique_ptr<media::VideoEncoder> encoder;
    QString error;
    if (!m_request.videoPath.isEmpty()) {
        encoder = std::make_unique<media::VideoEncoder>(m_request.settings);
        if (auto opened = encoder->open(m_request.videoPath); !opened)
            error = opened.error();
    }
    for (int i = 0; i < total && error.isEmpty() && !m_cancel; ++i) {
        const QImage image = renderer.frame(m_request.frames.at(i));
        if (i == 0 && !m_request.firstFramePng.isEmpty())
            image.save(m_request.firstFramePng, "PNG");
        if (i < m_request.framePngs.size() && !image.save(m_request.framePngs.at(i), "PNG"))
            error = QStringLiteral("Cannot write ") + m_request.framePngs.at(i);
        if (encoder) {
            if (auto added = encoder->addFrame(image); !added)
                error = added.error();
        }
        QMetaObject::invokeMethod(
                this, [this, i, total] { emit frameWritten(i + 1, total); }, Qt::QueuedConnection);
    }
    if (encoder && error.isEmpty() && !m_cancel) {
        if (auto done = encoder->finish(); !done)
            error = done.error();
    }
    encoder.reset();
    const bool ok = error.isEmpty() && !m_cancel;
    if (!ok) {
        QFile::remove(m_request.videoPath);
        QFile::remove(m_request.firstFramePng);
        for (const QString &png : std::as_const(m_request.framePngs))
            QFile::remove(png);
    }
    QMetaObject::invokeMethod(
            this, [this, ok, error] { emit finished(ok, error); }, Qt::QueuedConnection);
}

} // namespace comfyvideo::simulator
