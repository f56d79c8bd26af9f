#include "media/videoencoder.h"
#include "media/videoprobe.h"
#include "mediatestutil.h"

#include <QTemporaryDir>
#include <QTest>

using namespace comfyvideo::media;
using namespace comfyvideo::media::test;
using namespace Qt::StringLiterals;

namespace {

QString capture(const char *name)
{
    return QStringLiteral(CV_CAPTURES_DIR "/") + QLatin1String(name);
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

// A valid 0.1 s mono 8 kHz 16-bit PCM WAV: audio only.
QByteArray wavFile()
{
    constexpr quint32 SampleRate = 8000;
    const QByteArray samples(int(SampleRate / 10) * 2, '\0');
    QByteArray wav;
    auto u32 = [&wav](quint32 v) {
        wav.append(reinterpret_cast<const char *>(&v), 4);
    };
    auto u16 = [&wav](quint16 v) {
        wav.append(reinterpret_cast<const char *>(&v), 2);
    };
    wav.append("RIFF");
    u32(quint32(36 + samples.size()));
    wav.append("WAVEfmt ");
    u32(16);
    u16(1); // PCM
    u16(1); // mono
    u32(SampleRate);
    u32(SampleRate * 2);
    u16(2);
    u16(16);
    wav.append("data");
    u32(quint32(samples.size()));
    return wav + samples;
}

} // namespace

class TestVideoProbe : public QObject
{
    Q_OBJECT

private slots:
    void probesAnimateDiffCapture();
    void probesSvdCapture();
    void reportsMissingFile();
    void reportsDirectory();
    void reportsTextFile();
    void reportsAudioOnlyFile();
    void reportsTruncatedMp4WithMoovAtEnd();
    void reportsTruncatedFaststartMp4();
    void reportsTruncatedAnimatedWebp();

private:
    QTemporaryDir m_dir;
};

void TestVideoProbe::probesAnimateDiffCapture()
{
    const auto info = probeVideo(capture("animatediff_16f.mp4"));
    QVERIFY2(info, qPrintable(info ? QString() : info.error()));
    QVERIFY2(info->container.contains(u"mp4"), qPrintable(info->container));
    QCOMPARE(info->codec, u"h264"_s);
    QCOMPARE(info->pixelFormat, u"yuv420p"_s);
    QCOMPARE(info->width, 512);
    QCOMPARE(info->height, 512);
    QCOMPARE(info->fps, 8.0);
    QCOMPARE(info->frameCount, 16);
    QCOMPARE(info->durationMs, 2000);
}

// Checked with ffprobe: H.264 High yuv420p 1024x576, 6 fps, 14 frames, 2.333333 s.
void TestVideoProbe::probesSvdCapture()
{
    const auto info = probeVideo(capture("svd_img2vid.mp4"));
    QVERIFY2(info, qPrintable(info ? QString() : info.error()));
    QCOMPARE(info->codec, u"h264"_s);
    QCOMPARE(info->pixelFormat, u"yuv420p"_s);
    QCOMPARE(info->width, 1024);
    QCOMPARE(info->height, 576);
    QCOMPARE(info->fps, 6.0);
    QCOMPARE(info->frameCount, 14);
    QCOMPARE(info->durationMs, 2333);
}

void TestVideoProbe::reportsMissingFile()
{
    const QString path = m_dir.filePath(u"missing.mp4"_s);
    const auto info = probeVideo(path);
    QVERIFY(!info);
    QVERIFY2(info.error().contains(path), qPrintable(info.error()));
    QVERIFY2(info.error().contains(u"does not exist"), qPrintable(info.error()));
}

void TestVideoProbe::reportsDirectory()
{
    const auto info = probeVideo(m_dir.path());
    QVERIFY(!info);
    QVERIFY2(info.error().contains(u"is not a file"), qPrintable(info.error()));
}

void TestVideoProbe::reportsTextFile()
{
    const QString path = m_dir.filePath(u"notes.mp4"_s);
    QVERIFY(writeFile(path, "This is not a video, only a few words of text.\n"));
    const auto info = probeVideo(path);
    QVERIFY(!info);
    QVERIFY2(info.error().contains(path), qPrintable(info.error()));
    QVERIFY2(info.error().contains(u"Invalid data"), qPrintable(info.error()));
}

void TestVideoProbe::reportsAudioOnlyFile()
{
    const QString path = m_dir.filePath(u"sound.wav"_s);
    QVERIFY(writeFile(path, wavFile()));
    const auto info = probeVideo(path);
    QVERIFY(!info);
    QVERIFY2(info.error().contains(u"no video stream"), qPrintable(info.error()));
}

void TestVideoProbe::reportsTruncatedMp4WithMoovAtEnd()
{
    // The captures keep moov after mdat: a cut copy has no index at all.
    const QByteArray full = readAll(capture("animatediff_16f.mp4"));
    QVERIFY(full.size() > 100'000);
    const QString path = m_dir.filePath(u"cut.mp4"_s);
    QVERIFY(writeFile(path, full.left(full.size() / 2)));
    const auto info = probeVideo(path);
    QVERIFY(!info);
    QVERIFY2(info.error().contains(path), qPrintable(info.error()));
    QVERIFY2(info.error().contains(u"Invalid data"), qPrintable(info.error()));
}

void TestVideoProbe::reportsTruncatedFaststartMp4()
{
    // moov first: the index survives, the frames do not.
    const QString whole = m_dir.filePath(u"whole.mp4"_s);
    VideoEncoder encoder({VideoContainer::H264Mp4, 256, 256, 8.0, 10});
    QVERIFY(encoder.open(whole));
    for (int i = 0; i < 16; ++i)
        QVERIFY(encoder.addFrame(makeFrame(256, 256, i)));
    QVERIFY(encoder.finish());
    QCOMPARE(probeVideo(whole)->frameCount, 16);

    const QByteArray full = readAll(whole);
    const QString path = m_dir.filePath(u"cut-faststart.mp4"_s);
    QVERIFY(writeFile(path, full.left(full.size() * 2 / 3)));
    const auto info = probeVideo(path);
    QVERIFY(!info);
    QVERIFY2(info.error().contains(u"truncated"), qPrintable(info.error()));
}

void TestVideoProbe::reportsTruncatedAnimatedWebp()
{
    const QString whole = m_dir.filePath(u"whole.webp"_s);
    VideoEncoder encoder({VideoContainer::AnimatedWebp, 64, 48, 8.0, 20});
    QVERIFY(encoder.open(whole));
    for (int i = 0; i < 6; ++i)
        QVERIFY(encoder.addFrame(makeFrame(64, 48, i)));
    QVERIFY(encoder.finish());
    const auto info = probeVideo(whole);
    QVERIFY2(info, qPrintable(info ? QString() : info.error()));
    QCOMPARE(info->frameCount, 6);
    QCOMPARE(QSize(info->width, info->height), QSize(64, 48));

    const QByteArray full = readAll(whole);
    const QString path = m_dir.filePath(u"cut.webp"_s);
    QVERIFY(writeFile(path, full.left(full.size() - 10)));
    const auto cut = probeVideo(path);
    QVERIFY(!cut);
    QVERIFY2(cut.error().contains(u"truncated"), qPrintable(cut.error()));
}

QTEST_GUILESS_MAIN(TestVideoProbe)
#include "tst_videoprobe.moc"
