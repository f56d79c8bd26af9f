#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

namespace comfyvideo::media {

// Export MP4 (issue 6; design.md "Outputs"): writes `source` as an H.264 MP4 (yuv420p,
// +faststart) at `destination`, off the calling thread (QThreadPool), with progress and cancel.
//   - A source that is already H.264 yuv420p in MP4/MOV is remuxed (stream copy, faststart):
//     no quality loss, about as fast as copying the file.
//   - Anything else FFmpeg can read (WebM/VP9, GIF, animated WebP, other codecs, odd sizes) is
//     decoded frame by frame and encoded with libx264 (crf 19; odd width/height are padded to
//     even by one pixel), keeping the frame rate; nothing is held beyond a frame.
// The file is written under a temporary name beside `destination` and renamed into place only
// when complete; cancel, failure or destruction remove the temporary file and leave an existing
// `destination` untouched. Errors are translated messages naming the file (missing or not a
// video, not writable, disk full with the folder named, FFmpeg's error text).
class VideoExporter : public QObject
{
    Q_OBJECT
public:
    explicit VideoExporter(QObject *parent = nullptr);
    ~VideoExporter() override; // cancels and waits for the worker (it stops within a frame)

    // Starts; finished() follows exactly once, never synchronously. One export at a time.
    void start(const QString &source, const QString &destination);
    void cancel();
    bool isRunning() const;

signals:
    // frames done / total (total 0 when unknown); emitted at most ~20 times a second.
    void progressChanged(int framesDone, int framesTotal);
    // ok: destination is complete. !ok: message says why (canceled: "Export canceled.").
    void finished(bool ok, const QString &destination, const QString &message);

private:
    struct Job;
    std::shared_ptr<Job> m_job;
};

} // namespace comfyvideo::media
