#include "videoexporter.h"

#include "remux.h"
#include "transcode.h"
#include "videoprobe.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMutex>
#include <QPointer>
#include <QRandomGenerator>
#include <QStorageInfo>
#include <QThreadPool>
#include <QWaitCondition>
#include <filesystem>
#include <system_error>

namespace comfyvideo::media {

namespace {

using Result = std::expected<void, QString>;

constexpr qint64 ProgressIntervalMs = 50; // at most ~20 progress signals a second
// Below this much free space a failed write is reported as a full disk.
constexpr qint64 LowSpaceBytes = 64LL * 1024 * 1024;

bool canRemux(const VideoInfo &info)
{
    return info.codec == u"h264" && info.pixelFormat == u"yuv420p"
           && (info.container.contains(u"mp4") || info.container.contains(u"mov"));
}

} // namespace

struct VideoExporter::Job
{
    QString source;
    QString destination;
    QString tempPath;
    QPointer<VideoExporter> owner; // made on the exporter's thread, only read afterwards
    std::atomic<bool> canceled{false};
    bool finishedEmitted = false; // exporter thread only

    QMutex mutex;
    QWaitCondition done;
    bool running = true; // guarded by mutex

    void run();
    Result exportFile(const VideoInfo &info);
    Result createTempFile();
    Result moveIntoPlace();
    QString explainWriteFailure(const QString &message) const;
    void post(auto &&function);
    void markDone();
};

// Queued onto the exporter's thread; dropped when the exporter is gone.
void VideoExporter::Job::post(auto &&function)
{
    QMetaObject::invokeMethod(
            owner.data(),
            [guard = owner, function = std::forward<decltype(function)>(function)] {
                if (guard)
                    function(guard.data());
            },
            Qt::QueuedConnection);
}

void VideoExporter::Job::markDone()
{
    QMutexLocker locker(&mutex);
    running = false;
    done.wakeAll();
}

void VideoExporter::Job::run()
{
    const QString canceledText = VideoExporter::tr("Export canceled.");
    Result result = std::unexpected(canceledText);
    if (!canceled.load()) { // the exporter may be gone before the pool started this
        auto info = probeVideo(source);
        result = info ? exportFile(*info) : Result(std::unexpected(info.error()));
    }
    if (!tempPath.isEmpty() && QFileInfo::exists(tempPath))
        QFile::remove(tempPath);
    // A cancel that comes after the rename is too late: the export is complete.
    const bool ok = result.has_value();
    const QString message = ok ? QString() : canceled.load() ? canceledText : result.error();
    post([self = this, ok, destination = destination, message](VideoExporter *exporter) {
        if (exporter->m_job.get() == self && !self->finishedEmitted) {
            self->finishedEmitted = true;
            emit exporter->finished(ok, destination, message);
        }
    });
    markDone();
}

Result VideoExporter::Job::exportFile(const VideoInfo &info)
{
    const int totalFrames = info.frameCount;
    if (auto created = createTempFile(); !created)
        return created;
    QElapsedTimer sinceReport;
    sinceReport.start();
    ExportControl control;
    control.canceled = &canceled;
    control.progress = [&](int framesDone) {
        if (sinceReport.elapsed() < ProgressIntervalMs && framesDone != totalFrames)
            return;
        sinceReport.restart();
        post([framesDone, totalFrames](VideoExporter *exporter) {
            emit exporter->progressChanged(framesDone, qMax(totalFrames, framesDone));
        });
    };
    Result written = canRemux(info) ? remuxToMp4(source, tempPath, control)
                                    : transcodeToMp4(source, info, tempPath, control);
    if (!written)
        return std::unexpected(canceled.load() ? written.error()
                                               : explainWriteFailure(written.error()));
    if (canceled.load())
        return std::unexpected(VideoExporter::tr("Export canceled."));
    return moveIntoPlace();
}

Result VideoExporter::Job::createTempFile()
{
    const QFileInfo target(destination);
    const QString folder = QDir::toNativeSeparators(target.absolutePath());
    if (target.fileName().isEmpty() || target.isDir())
        return std::unexpected(
                VideoExporter::tr("%1 is a folder; choose a file name for the export.")
                        .arg(destination));
    if (!QFileInfo(target.absolutePath()).isDir())
        return std::unexpected(
                VideoExporter::tr("The folder %1 does not exist. Choose another folder.")
                        .arg(folder));
    // Not QTemporaryFile: it creates 0600 files, and the export must get the usual permissions
    // (those of the file it replaces, or what the umask gives a new file).
    constexpr int Attempts = 16;
    QFile file;
    for (int attempt = 0; attempt < Attempts && !file.isOpen(); ++attempt) {
        file.setFileName(target.absoluteFilePath() + QStringLiteral(".part-")
                         + QString::number(QRandomGenerator::global()->generate(), 36));
        file.open(QIODevice::WriteOnly | QIODevice::NewOnly);
    }
    if (!file.isOpen()) {
        return std::unexpected(VideoExporter::tr("Cannot write to the folder %1 (%2). Choose "
                                                 "another folder.")
                                       .arg(folder, file.errorString()));
    }
    tempPath = file.fileName();
    file.close();
    if (target.exists())
        QFile::setPermissions(tempPath, target.permissions());
    return {};
}

// Replaces an existing destination in one step (rename(2) semantics), only now that the new
// file is complete.
Result VideoExporter::Job::moveIntoPlace()
{
    std::error_code error;
    std::filesystem::rename(QFileInfo(tempPath).filesystemAbsoluteFilePath(),
                            QFileInfo(destination).filesystemAbsoluteFilePath(),
                            error);
    if (error) {
        return std::unexpected(VideoExporter::tr("Could not save %1: %2. Choose another folder.")
                                       .arg(QDir::toNativeSeparators(destination),
                                            QString::fromLocal8Bit(error.message())));
    }
    tempPath.clear();
    return {};
}

QString VideoExporter::Job::explainWriteFailure(const QString &message) const
{
    const QString folder = QFileInfo(destination).absolutePath();
    const QStorageInfo storage(folder);
    if (storage.isValid() && storage.bytesAvailable() >= 0
        && storage.bytesAvailable() < LowSpaceBytes) {
        return VideoExporter::tr("%1 Free space on %2 and try again.")
                .arg(message, QDir::toNativeSeparators(folder));
    }
    return message;
}

VideoExporter::VideoExporter(QObject *parent)
    : QObject(parent)
{}

VideoExporter::~VideoExporter()
{
    if (!m_job)
        return;
    m_job->canceled.store(true);
    QMutexLocker locker(&m_job->mutex);
    while (m_job->running)
        m_job->done.wait(&m_job->mutex);
}

void VideoExporter::start(const QString &source, const QString &destination)
{
    if (isRunning()) {
        QMetaObject::invokeMethod(
                this,
                [this, destination] {
                    emit finished(false, destination, tr("Another export is still running."));
                },
                Qt::QueuedConnection);
        return;
    }
    if (m_job) { // the previous worker has posted its result; let it leave run()
        QMutexLocker locker(&m_job->mutex);
        while (m_job->running)
            m_job->done.wait(&m_job->mutex);
    }
    auto job = std::make_shared<Job>();
    job->source = source;
    job->destination = destination;
    job->owner = this;
    m_job = job;
    QThreadPool::globalInstance()->start([job] { job->run(); });
}

void VideoExporter::cancel()
{
    if (m_job)
        m_job->canceled.store(true);
}

bool VideoExporter::isRunning() const
{
    return m_job && !m_job->finishedEmitted;
}

} // namespace comfyvideo::media
