#include "media/videoencoder.h"
#include "media/videoexporter.h"
#include "media/videoprobe.h"
#include "mediatestutil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace comfyvideo::media;

namespace {

// Writes `frames` synthetic frames into `path`; an empty string when it worked.
QString makeVideo(const QString &path,
                  VideoContainer container,
                  int width,
                  int height,
                  int frames,
                  double fps)
{
    EncodeSettings settings;
    settings.container = container;
    settings.width = width;
    settings.height = height;
    settings.fps = fps;
    settings.crf = container == VideoContainer::Webm ? 40 : 23;
    VideoEncoder encoder(settings);
    if (auto opened = encoder.open(path); !opened)
        return opened.error();
    for (int i = 0; i < frames; ++i) {
        if (auto added = encoder.addFrame(test::makeFrame(width, height, i)); !added)
            return added.error();
    }
    auto finished = encoder.finish();
    return finished ? QString() : finished.error();
}

QStringList leftovers(const QString &folder)
{
    return QDir(folder).entryList({QStringLiteral("*.part-*")}, QDir::Files | QDir::Hidden);
}

struct Outcome
{
    bool ok = false;
    QString destination;
    QString message;
    QList<QPair<int, int>> progress;
};

Outcome runExport(const QString &source, const QString &destination, int timeoutMs = 60000)
{
    VideoExporter exporter;
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    Outcome outcome;
    QObject::connect(
            &exporter, &VideoExporter::progressChanged, &exporter, [&outcome](int done, int total) {
                outcome.progress.append({done, total});
            });
    exporter.start(source, destination);
    if (!finished.wait(timeoutMs) || finished.size() != 1)
        return outcome;
    outcome.ok = finished.at(0).at(0).toBool();
    outcome.destination = finished.at(0).at(1).toString();
    outcome.message = finished.at(0).at(2).toString();
    return outcome;
}

} // namespace

class tst_VideoExporter : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void remuxesH264Mp4WithFaststart();
    void transcodesWebm();
    void transcodesGif();
    void padsOddSizes();
    void transcodesAnimatedWebp();
    void remuxKeepsAudioDropsData();
    void cancelLeavesNothingBehind();
    void destructionDuringExportCleansUp();
    void secondStartIsRefused();
    void missingSourceIsNamed();
    void readOnlyFolderIsNamed();
    void textFileIsRefused();

private:
    QTemporaryDir m_dir;
};

void tst_VideoExporter::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void tst_VideoExporter::remuxesH264Mp4WithFaststart()
{
    const QString source = m_dir.filePath(QStringLiteral("remux-in.mp4"));
    QCOMPARE(makeVideo(source, VideoContainer::H264Mp4, 320, 240, 20, 8.0), QString());
    const QString destination = m_dir.filePath(QStringLiteral("remux-out.mp4"));
    const Outcome outcome = runExport(source, destination);
    QVERIFY2(outcome.ok, qPrintable(outcome.message));
    QCOMPARE(outcome.destination, destination);
    const auto info = probeVideo(destination);
    QVERIFY2(info, info ? "" : qPrintable(info.error()));
    QCOMPARE(info->codec, QStringLiteral("h264"));
    QCOMPARE(info->pixelFormat, QStringLiteral("yuv420p"));
    QCOMPARE(info->frameCount, 20);
    QCOMPARE(info->width, 320);
    QCOMPARE(qRound(info->fps), 8);
    const qint64 moov = test::topLevelAtomOffset(destination, "moov");
    const qint64 mdat = test::topLevelAtomOffset(destination, "mdat");
    QVERIFY(moov >= 0 && mdat >= 0);
    QVERIFY2(moov < mdat, "faststart: 'moov' must come before 'mdat'");
    QVERIFY(!outcome.progress.isEmpty());
    QCOMPARE(outcome.progress.last(), qMakePair(20, 20));
    // A stream copy keeps the source's x264 settings (crf 23); a re-encode would say crf=19.0.
    QVERIFY(test::readAll(source).contains("crf=23.0"));
    QVERIFY(test::readAll(destination).contains("crf=23.0"));
    // The export gets a new file's usual permissions (umask), not a temporary file's 0600.
    QFile reference(m_dir.filePath(QStringLiteral("permissions-reference")));
    QVERIFY(reference.open(QIODevice::WriteOnly));
    reference.close();
    QCOMPARE(QFileInfo(destination).permissions(), QFileInfo(reference).permissions());
    QVERIFY(leftovers(m_dir.path()).isEmpty());
}

void tst_VideoExporter::transcodesWebm()
{
    const QString source = m_dir.filePath(QStringLiteral("webm-in.webm"));
    QCOMPARE(makeVideo(source, VideoContainer::Webm, 160, 96, 30, 12.0), QString());
    const QString destination = m_dir.filePath(QStringLiteral("webm-out.mp4"));
    const Outcome outcome = runExport(source, destination);
    QVERIFY2(outcome.ok, qPrintable(outcome.message));
    const auto info = probeVideo(destination);
    QVERIFY2(info, info ? "" : qPrintable(info.error()));
    QCOMPARE(info->codec, QStringLiteral("h264"));
    QCOMPARE(info->pixelFormat, QStringLiteral("yuv420p"));
    QCOMPARE(info->frameCount, 30);
    QCOMPARE(info->width, 160);
    QCOMPARE(info->height, 96);
    QCOMPARE(info->fps, 12.0);
    QVERIFY(test::topLevelAtomOffset(destination, "moov")
            < test::topLevelAtomOffset(destination, "mdat"));
    QVERIFY(!outcome.progress.isEmpty());
    QCOMPARE(outcome.progress.last(), qMakePair(30, 30));
    if (test::ffmpegPath().isEmpty())
        return;
    // The picture survives: red on the left, blue on the right (makeFrame).
    const QImage frame
            = test::decodeFrame(destination, m_dir.filePath(QStringLiteral("w.png")), 10);
    QVERIFY(!frame.isNull());
    const QColor left = frame.pixelColor(4, 80);
    const QColor right = frame.pixelColor(150, 80);
    QVERIFY2(left.red() > 150 && left.blue() < 90, qPrintable(left.name()));
    QVERIFY2(right.blue() > 150 && right.red() < 90, qPrintable(right.name()));
}

void tst_VideoExporter::transcodesGif()
{
    const QString source = m_dir.filePath(QStringLiteral("gif-in.gif"));
    QCOMPARE(makeVideo(source, VideoContainer::Gif, 96, 64, 12, 10.0), QString());
    const QString destination = m_dir.filePath(QStringLiteral("gif-out.mp4"));
    const Outcome outcome = runExport(source, destination);
    QVERIFY2(outcome.ok, qPrintable(outcome.message));
    const auto info = probeVideo(destination);
    QVERIFY2(info, info ? "" : qPrintable(info.error()));
    QCOMPARE(info->codec, QStringLiteral("h264"));
    QCOMPARE(info->pixelFormat, QStringLiteral("yuv420p"));
    QCOMPARE(info->frameCount, 12);
    QCOMPARE(qRound(info->fps), 10);
    QCOMPARE(outcome.progress.last(), qMakePair(12, 12));
}

void tst_VideoExporter::padsOddSizes()
{
    const QString source = m_dir.filePath(QStringLiteral("odd-in.gif"));
    QCOMPARE(makeVideo(source, VideoContainer::Gif, 101, 75, 6, 8.0), QString());
    const QString destination = m_dir.filePath(QStringLiteral("odd-out.mp4"));
    const Outcome outcome = runExport(source, destination);
    QVERIFY2(outcome.ok, qPrintable(outcome.message));
    const auto info = probeVideo(destination);
    QVERIFY2(info, info ? "" : qPrintable(info.error()));
    QCOMPARE(info->codec, QStringLiteral("h264"));
    QCOMPARE(info->width, 102);
    QCOMPARE(info->height, 76);
    QCOMPARE(info->frameCount, 6);
}

void tst_VideoExporter::transcodesAnimatedWebp()
{
    const QString source = m_dir.filePath(QStringLiteral("anim.webp"));
    QCOMPARE(makeVideo(source, VideoContainer::AnimatedWebp, 80, 60, 9, 6.0), QString());
    const QString destination = m_dir.filePath(QStringLiteral("anim.mp4"));
    const Outcome outcome = runExport(source, destination);
    QVERIFY2(outcome.ok, qPrintable(outcome.message));
    const auto info = probeVideo(destination);
    QVERIFY2(info, info ? "" : qPrintable(info.error()));
    QCOMPARE(info->codec, QStringLiteral("h264"));
    QCOMPARE(info->width, 80);
    QCOMPARE(info->height, 60);
    QCOMPARE(info->frameCount, 9);
    QCOMPARE(qRound(info->fps), 6);
}

// An MP4 with AAC audio and a timecode data track (made with the ffmpeg CLI).
void tst_VideoExporter::remuxKeepsAudioDropsData()
{
    if (test::ffmpegPath().isEmpty() || test::ffprobePath().isEmpty())
        QSKIP("needs the ffmpeg and ffprobe command-line tools");
    const QString source = m_dir.filePath(QStringLiteral("with-audio.mp4"));
    QProcess ffmpeg;
    ffmpeg.start(test::ffmpegPath(),
                 {QStringLiteral("-v"),
                  QStringLiteral("error"),
                  QStringLiteral("-y"),
                  QStringLiteral("-f"),
                  QStringLiteral("lavfi"),
                  QStringLiteral("-i"),
                  QStringLiteral("testsrc=size=160x120:rate=10"),
                  QStringLiteral("-f"),
                  QStringLiteral("lavfi"),
                  QStringLiteral("-i"),
                  QStringLiteral("sine=frequency=440:sample_rate=44100"),
                  QStringLiteral("-t"),
                  QStringLiteral("1.5"),
                  QStringLiteral("-c:v"),
                  QStringLiteral("libx264"),
                  QStringLiteral("-pix_fmt"),
                  QStringLiteral("yuv420p"),
                  QStringLiteral("-c:a"),
                  QStringLiteral("aac"),
                  QStringLiteral("-timecode"),
                  QStringLiteral("00:00:00:00"),
                  source});
    QVERIFY(ffmpeg.waitForFinished(30000));
    QCOMPARE(ffmpeg.exitCode(), 0);
    const QString destination = m_dir.filePath(QStringLiteral("with-audio-out.mp4"));
    const Outcome outcome = runExport(source, destination);
    QVERIFY2(outcome.ok, qPrintable(outcome.message));
    auto streamTypes = [](const QString &path) {
        QProcess ffprobe;
        ffprobe.start(test::ffprobePath(),
                      {QStringLiteral("-v"),
                       QStringLiteral("error"),
                       QStringLiteral("-show_entries"),
                       QStringLiteral("stream=codec_type"),
                       QStringLiteral("-of"),
                       QStringLiteral("csv=p=0"),
                       path});
        ffprobe.waitForFinished(30000);
        return QString::fromLatin1(ffprobe.readAllStandardOutput())
                .split(u'\n', Qt::SkipEmptyParts);
    };
    QVERIFY2(streamTypes(source).contains(QStringLiteral("data")),
             qPrintable(streamTypes(source).join(u',')));
    QCOMPARE(streamTypes(destination),
             (QStringList{QStringLiteral("video"), QStringLiteral("audio")}));
    const auto info = probeVideo(destination);
    QVERIFY2(info, info ? "" : qPrintable(info.error()));
    QCOMPARE(info->frameCount, 15);
    QVERIFY(test::topLevelAtomOffset(destination, "moov")
            < test::topLevelAtomOffset(destination, "mdat"));
}

void tst_VideoExporter::cancelLeavesNothingBehind()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString source = dir.filePath(QStringLiteral("long.webm"));
    QCOMPARE(makeVideo(source, VideoContainer::Webm, 640, 360, 600, 24.0), QString());
    const QString destination = dir.filePath(QStringLiteral("existing.mp4"));
    const QByteArray previous("an earlier export, to be kept");
    {
        QFile file(destination);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(previous);
    }
    VideoExporter exporter;
    QSignalSpy progress(&exporter, &VideoExporter::progressChanged);
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    exporter.start(source, destination);
    QVERIFY(exporter.isRunning());
    QVERIFY(progress.wait(30000));
    QCOMPARE(progress.last().at(1).toInt(), 600);
    QVERIFY(progress.last().at(0).toInt() < 600);
    exporter.cancel();
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QVERIFY(finished.at(0).at(2).toString().contains(QStringLiteral("canceled")));
    QVERIFY(!exporter.isRunning());
    QCOMPARE(leftovers(dir.path()), QStringList());
    QCOMPARE(test::readAll(destination), previous);
}

void tst_VideoExporter::destructionDuringExportCleansUp()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString source = dir.filePath(QStringLiteral("in.webm"));
    QCOMPARE(makeVideo(source, VideoContainer::Webm, 320, 192, 120, 24.0), QString());
    const QString destination = dir.filePath(QStringLiteral("out.mp4"));
    {
        VideoExporter exporter;
        QSignalSpy progress(&exporter, &VideoExporter::progressChanged);
        exporter.start(source, destination);
        QVERIFY(progress.wait(30000));
    } // waits for the worker, which stops within a frame
    QCOMPARE(leftovers(dir.path()), QStringList());
    QVERIFY(!QFile::exists(destination));
}

void tst_VideoExporter::secondStartIsRefused()
{
    const QString source = m_dir.filePath(QStringLiteral("twice.mp4"));
    QCOMPARE(makeVideo(source, VideoContainer::H264Mp4, 64, 48, 4, 8.0), QString());
    VideoExporter exporter;
    QSignalSpy finished(&exporter, &VideoExporter::finished);
    const QString first = m_dir.filePath(QStringLiteral("twice-1.mp4"));
    const QString second = m_dir.filePath(QStringLiteral("twice-2.mp4"));
    exporter.start(source, first);
    exporter.start(source, second);
    QCOMPARE(finished.size(), 0); // never synchronous
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
    QStringList okDestinations;
    for (const auto &arguments : finished) {
        if (arguments.at(0).toBool())
            okDestinations.append(arguments.at(1).toString());
    }
    QCOMPARE(okDestinations, QStringList{first});
    QVERIFY(!QFile::exists(second));
}

void tst_VideoExporter::missingSourceIsNamed()
{
    const QString source = m_dir.filePath(QStringLiteral("does-not-exist.webm"));
    const QString destination = m_dir.filePath(QStringLiteral("missing-out.mp4"));
    const Outcome outcome = runExport(source, destination);
    QVERIFY(!outcome.ok);
    QVERIFY2(outcome.message.contains(source), qPrintable(outcome.message));
    QVERIFY(!QFile::exists(destination));
    QVERIFY(leftovers(m_dir.path()).isEmpty());
}

void tst_VideoExporter::readOnlyFolderIsNamed()
{
    const QString source = m_dir.filePath(QStringLiteral("ro-in.mp4"));
    QCOMPARE(makeVideo(source, VideoContainer::H264Mp4, 64, 48, 4, 8.0), QString());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString folder = dir.filePath(QStringLiteral("read-only"));
    QVERIFY(QDir().mkdir(folder));
    QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner));
    QFile probe(folder + QStringLiteral("/probe"));
    if (probe.open(QIODevice::WriteOnly)) { // root ignores permissions: use a read-only fs
        probe.remove();
        folder = QStringLiteral("/sys/fs");
        QFile sysProbe(folder + QStringLiteral("/cv-probe"));
        if (sysProbe.open(QIODevice::WriteOnly))
            QSKIP("No read-only folder is available for this user.");
    }
    const QString destination = folder + QStringLiteral("/out.mp4");
    const Outcome outcome = runExport(source, destination);
    QFile::setPermissions(dir.filePath(QStringLiteral("read-only")),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QVERIFY(!outcome.ok);
    QVERIFY2(outcome.message.contains(QDir::toNativeSeparators(folder)),
             qPrintable(outcome.message));
    QVERIFY(outcome.message.contains(QStringLiteral("Choose another folder")));
}

void tst_VideoExporter::textFileIsRefused()
{
    const QString source = m_dir.filePath(QStringLiteral("notes.txt"));
    {
        QFile file(source);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("This is not a video, just some words.\n");
    }
    const QString destination = m_dir.filePath(QStringLiteral("notes.mp4"));
    const Outcome outcome = runExport(source, destination);
    QVERIFY(!outcome.ok);
    QVERIFY2(outcome.message.contains(source), qPrintable(outcome.message));
    QVERIFY(!QFile::exists(destination));
    QVERIFY(leftovers(m_dir.path()).isEmpty());
}

QTEST_GUILESS_MAIN(tst_VideoExporter)
#include "tst_videoexporter.moc"
