#include "media/videoencoder.h"
#include "media/videoprobe.h"
#include "mediatestutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <ctime>

using namespace comfyvideo::media;
using namespace comfyvideo::media::test;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(comfyvideo::media::VideoContainer)

namespace {

// Encodes `count` frames of frameWidth x frameHeight (the settings' size when 0).
std::expected<void, QString> encode(const EncodeSettings &settings,
                                    const QString &path,
                                    int count,
                                    int frameWidth = 0,
                                    int frameHeight = 0)
{
    VideoEncoder encoder(settings);
    if (auto opened = encoder.open(path); !opened)
        return opened;
    for (int i = 0; i < count; ++i) {
        const QImage frame = makeFrame(frameWidth ? frameWidth : settings.width,
                                       frameHeight ? frameHeight : settings.height,
                                       i);
        if (auto added = encoder.addFrame(frame); !added)
            return added;
    }
    return encoder.finish();
}

double rationalValue(const QString &rational)
{
    const QStringList parts = rational.split(u'/');
    if (parts.size() != 2 || parts[1].toDouble() == 0.0)
        return 0.0;
    return parts[0].toDouble() / parts[1].toDouble();
}

// Loop count of a GIF's NETSCAPE2.0 application extension, -1 when it has none.
int gifLoopCount(const QByteArray &gif)
{
    const qsizetype at = gif.indexOf("NETSCAPE2.0");
    if (at < 0 || at + 11 + 4 > gif.size())
        return -1;
    return qFromLittleEndian<quint16>(gif.constData() + at + 11 + 2);
}

// Loop count of an animated WebP's ANIM chunk, -1 when it has none.
int webpLoopCount(const QByteArray &webp)
{
    const qsizetype at = webp.indexOf("ANIM");
    if (at < 0 || at + 8 + 6 > webp.size())
        return -1;
    return qFromLittleEndian<quint16>(webp.constData() + at + 8 + 4);
}

bool near(QRgb actual, QRgb expected, int tolerance)
{
    return qAbs(qRed(actual) - qRed(expected)) <= tolerance
           && qAbs(qGreen(actual) - qGreen(expected)) <= tolerance
           && qAbs(qBlue(actual) - qBlue(expected)) <= tolerance;
}

} // namespace

class TestVideoEncoder : public QObject
{
    Q_OBJECT

private slots:
    void encodesContainers_data();
    void encodesContainers();
    void mp4HasMoovBeforeMdat();
    void loopsForever();
    void scalesFramesOfOtherSizes_data();
    void scalesFramesOfOtherSizes();
    void gifPaletteFollowsTheColours();
    void acceptsOddSizesOnlyWherePossible();
    void rejectsInvalidSettings();
    void reportsUnwritablePath();
    void reportsFullDisk();
    void removesUnfinishedFile();
    void enforcesCallOrder();
    void writesNamesThatLookLikeUrls();
    void encodes64FramesQuickly();

private:
    QTemporaryDir m_dir;
};

void TestVideoEncoder::encodesContainers_data()
{
    QTest::addColumn<VideoContainer>("container");
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<double>("fps");
    QTest::addColumn<int>("frames");
    QTest::addColumn<QString>("codec");
    QTest::addColumn<QString>("pixelFormat"); // as probeVideo and ffprobe report it

    const auto h264 = VideoContainer::H264Mp4;
    const auto h264s = QStringLiteral("h264");
    const auto yuv = QStringLiteral("yuv420p");
    QTest::newRow("mp4 16@8 512") << h264 << "mp4" << 512 << 512 << 8.0 << 16 << h264s << yuv;
    QTest::newRow("mp4 25@8 1024x576") << h264 << "mp4" << 1024 << 576 << 8.0 << 25 << h264s << yuv;
    QTest::newRow("mp4 12@7.5 320x240") << h264 << "mp4" << 320 << 240 << 7.5 << 12 << h264s << yuv;
    QTest::newRow("mp4 10@29.97 256") << h264 << "mp4" << 256 << 256 << 29.97 << 10 << h264s << yuv;
    const auto webm = VideoContainer::Webm;
    const auto vp9 = QStringLiteral("vp9");
    QTest::newRow("webm 16@8 512") << webm << "webm" << 512 << 512 << 8.0 << 16 << vp9 << yuv;
    QTest::newRow("webm 12@7.5 320x240") << webm << "webm" << 320 << 240 << 7.5 << 12 << vp9 << yuv;
    const auto gif = VideoContainer::Gif;
    const auto gifs = QStringLiteral("gif");
    // FFmpeg's gif decoder reports bgra whatever the encoder was fed.
    const auto bgra = QStringLiteral("bgra");
    QTest::newRow("gif 16@8 256") << gif << "gif" << 256 << 256 << 8.0 << 16 << gifs << bgra;
    QTest::newRow("gif 12@7.5 200x150") << gif << "gif" << 200 << 150 << 7.5 << 12 << gifs << bgra;
    const auto webp = VideoContainer::AnimatedWebp;
    const auto webps = QStringLiteral("webp");
    QTest::newRow("webp 16@8 256") << webp << "webp" << 256 << 256 << 8.0 << 16 << webps << yuv;
    QTest::newRow("webp 12@7.5 200x150")
            << webp << "webp" << 200 << 150 << 7.5 << 12 << webps << yuv;
}

void TestVideoEncoder::encodesContainers()
{
    QFETCH(VideoContainer, container);
    QFETCH(QString, suffix);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(double, fps);
    QFETCH(int, frames);
    QFETCH(QString, codec);
    QFETCH(QString, pixelFormat);
    const QString path = m_dir.filePath(
            QStringLiteral("%1.%2").arg(QString::fromLatin1(QTest::currentDataTag()), suffix));
    const EncodeSettings settings{container, width, height, fps, 20};
    const auto encoded = encode(settings, path, frames);
    QVERIFY2(encoded, qPrintable(encoded ? QString() : encoded.error()));

    const auto info = probeVideo(path);
    QVERIFY2(info, qPrintable(info ? QString() : info.error()));
    QCOMPARE(info->codec, codec);
    QCOMPARE(info->pixelFormat, pixelFormat);
    QCOMPARE(info->width, width);
    QCOMPARE(info->height, height);
    QCOMPARE(info->frameCount, frames);
    // GIF delays are centiseconds and WebP's milliseconds, so their rates are rounded.
    const double fpsTolerance = container == VideoContainer::Gif ? 0.2 : 0.01;
    QVERIFY2(qAbs(info->fps - fps) < fpsTolerance, qPrintable(QString::number(info->fps)));
    const qint64 expectedMs = qRound64(frames * 1000.0 / fps);
    const qint64 msTolerance = container == VideoContainer::Gif ? frames * 5 : 2;
    QVERIFY2(
            qAbs(info->durationMs - expectedMs) <= msTolerance,
            qPrintable(QStringLiteral("%1 ms, expected %2").arg(info->durationMs).arg(expectedMs)));

    if (ffprobePath().isEmpty())
        QSKIP("ffprobe is not installed: the cross-check with the CLI was skipped");
    const QJsonObject probe = ffprobeJson(path);
    const QJsonObject stream = probe[u"streams"_s].toArray().at(0).toObject();
    QCOMPARE(stream[u"codec_name"_s].toString(), codec);
    if (container == VideoContainer::AnimatedWebp)
        return; // FFmpeg 5.1 cannot parse animated WebP (reports 0x0 and one packet)
    QCOMPARE(stream[u"pix_fmt"_s].toString(), pixelFormat);
    QCOMPARE(stream[u"width"_s].toInt(), width);
    QCOMPARE(stream[u"height"_s].toInt(), height);
    QCOMPARE(stream[u"nb_read_packets"_s].toString().toInt(), frames);
    const double ffprobeFps = rationalValue(stream[u"avg_frame_rate"_s].toString());
    QVERIFY2(qAbs(ffprobeFps - fps) < fpsTolerance, qPrintable(QString::number(ffprobeFps)));
    const double formatSeconds = probe[u"format"_s].toObject()[u"duration"_s].toString().toDouble();
    QVERIFY2(qAbs(formatSeconds * 1000.0 - double(expectedMs)) <= double(msTolerance),
             qPrintable(QString::number(formatSeconds)));
}

void TestVideoEncoder::mp4HasMoovBeforeMdat()
{
    const QString path = m_dir.filePath(QStringLiteral("faststart.mp4"));
    QVERIFY(encode({VideoContainer::H264Mp4, 256, 256, 8.0, 23}, path, 16));
    const qint64 moov = topLevelAtomOffset(path, "moov");
    const qint64 mdat = topLevelAtomOffset(path, "mdat");
    QVERIFY(moov > 0);
    QVERIFY(mdat > 0);
    QVERIFY2(moov < mdat, qPrintable(QStringLiteral("moov %1, mdat %2").arg(moov).arg(mdat)));
    // Exactly frames / fps, not one frame short.
    if (ffprobePath().isEmpty())
        QSKIP("ffprobe is not installed");
    const QJsonObject probe = ffprobeJson(path);
    QCOMPARE(probe[u"format"_s].toObject()[u"duration"_s].toString(), u"2.000000"_s);
    QCOMPARE(probe[u"streams"_s].toArray().at(0).toObject()[u"duration"_s].toString(),
             u"2.000000"_s);
}

void TestVideoEncoder::loopsForever()
{
    const QString gif = m_dir.filePath(QStringLiteral("loop.gif"));
    QVERIFY(encode({VideoContainer::Gif, 64, 64, 8.0, 0}, gif, 4));
    QCOMPARE(gifLoopCount(readAll(gif)), 0);
    const QString webp = m_dir.filePath(QStringLiteral("loop.webp"));
    QVERIFY(encode({VideoContainer::AnimatedWebp, 64, 64, 8.0, 20}, webp, 4));
    QCOMPARE(webpLoopCount(readAll(webp)), 0);
}

void TestVideoEncoder::scalesFramesOfOtherSizes_data()
{
    QTest::addColumn<VideoContainer>("container");
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<int>("tolerance");
    QTest::newRow("mp4") << VideoContainer::H264Mp4 << "mp4" << 40;
    QTest::newRow("webm") << VideoContainer::Webm << "webm" << 40;
    QTest::newRow("gif") << VideoContainer::Gif << "gif" << 12; // adaptive palette
}

void TestVideoEncoder::scalesFramesOfOtherSizes()
{
    QFETCH(VideoContainer, container);
    QFETCH(QString, suffix);
    QFETCH(int, tolerance);
    const QString path = m_dir.filePath(QStringLiteral("scaled.") + suffix);
    // 300x200 frames (and one 640x480) into a 256x192 video.
    VideoEncoder encoder({container, 256, 192, 8.0, 20});
    QVERIFY(encoder.open(path));
    for (int i = 0; i < 5; ++i)
        QVERIFY(encoder.addFrame(makeFrame(300, 200, i)));
    QVERIFY(encoder.addFrame(makeFrame(640, 480, 5).convertToFormat(QImage::Format_RGB888)));
    QVERIFY(encoder.finish());
    QCOMPARE(encoder.framesWritten(), 6);
    const auto info = probeVideo(path);
    QVERIFY(info);
    QCOMPARE(info->width, 256);
    QCOMPARE(info->height, 192);
    QCOMPARE(info->frameCount, 6);

    if (ffmpegPath().isEmpty())
        QSKIP("ffmpeg is not installed: decoding the pixels back was skipped");
    for (int index : {0, 5}) {
        const QImage decoded
                = decodeFrame(path, m_dir.filePath(QStringLiteral("frame.png")), index);
        QCOMPARE(decoded.size(), QSize(256, 192));
        // Left half red, right half blue (RGB order kept through the conversions).
        const QRgb left = decoded.pixel(40, 150);
        const QRgb right = decoded.pixel(216, 150);
        QVERIFY2(near(left, qRgb(220, 30, 30), tolerance), qPrintable(QColor(left).name()));
        QVERIFY2(near(right, qRgb(30, 60, 200), tolerance), qPrintable(QColor(right).name()));
    }
}

// A smooth two-axis gradient survives the 256-colour reduction with a small error.
void TestVideoEncoder::gifPaletteFollowsTheColours()
{
    QImage gradient(256, 256, QImage::Format_RGB32);
    for (int y = 0; y < 256; ++y) {
        for (int x = 0; x < 256; ++x)
            gradient.setPixel(x, y, qRgb(x, y, 140));
    }
    const QString path = m_dir.filePath(QStringLiteral("gradient.gif"));
    VideoEncoder encoder({VideoContainer::Gif, 256, 256, 8.0, 0});
    QVERIFY(encoder.open(path));
    QVERIFY(encoder.addFrame(gradient));
    QVERIFY(encoder.addFrame(gradient.mirrored(true, false)));
    QVERIFY(encoder.finish());
    if (ffmpegPath().isEmpty())
        QSKIP("ffmpeg is not installed: decoding the pixels back was skipped");
    for (int index : {0, 1}) {
        const QImage decoded = decodeFrame(path, m_dir.filePath(QStringLiteral("g.png")), index);
        QCOMPARE(decoded.size(), gradient.size());
        const QImage expected = index == 0 ? gradient : gradient.mirrored(true, false);
        qint64 error = 0;
        for (int y = 0; y < 256; ++y) {
            for (int x = 0; x < 256; ++x) {
                const QRgb a = decoded.pixel(x, y);
                const QRgb b = expected.pixel(x, y);
                error += qAbs(qRed(a) - qRed(b)) + qAbs(qGreen(a) - qGreen(b))
                         + qAbs(qBlue(a) - qBlue(b));
            }
        }
        const double meanError = double(error) / (256.0 * 256.0 * 3.0);
        QVERIFY2(meanError < 4.0, qPrintable(QString::number(meanError)));
    }
}

void TestVideoEncoder::acceptsOddSizesOnlyWherePossible()
{
    for (auto container : {VideoContainer::H264Mp4, VideoContainer::Webm}) {
        VideoEncoder encoder({container, 101, 75, 8.0, 20});
        const auto opened = encoder.open(m_dir.filePath(QStringLiteral("odd.video")));
        QVERIFY(!opened);
        QVERIFY2(opened.error().contains(u"101x75"), qPrintable(opened.error()));
        QVERIFY2(opened.error().contains(u"even"), qPrintable(opened.error()));
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("odd.video"))));
    }
    for (auto container : {VideoContainer::Gif, VideoContainer::AnimatedWebp}) {
        const QString path = m_dir.filePath(QStringLiteral("odd.anim"));
        const auto encoded = encode({container, 101, 75, 8.0, 20}, path, 3);
        QVERIFY2(encoded, qPrintable(encoded ? QString() : encoded.error()));
        const auto info = probeVideo(path);
        QVERIFY(info);
        QCOMPARE(QSize(info->width, info->height), QSize(101, 75));
        QCOMPARE(info->frameCount, 3);
    }
}

void TestVideoEncoder::rejectsInvalidSettings()
{
    const QString path = m_dir.filePath(QStringLiteral("invalid.mp4"));
    const auto fps = VideoEncoder({VideoContainer::H264Mp4, 64, 64, 0.0, 20}).open(path);
    QVERIFY(!fps);
    QVERIFY2(fps.error().contains(u"frame rate"), qPrintable(fps.error()));
    const auto crf = VideoEncoder({VideoContainer::H264Mp4, 64, 64, 8.0, 60}).open(path);
    QVERIFY(!crf);
    QVERIFY2(crf.error().contains(u"crf"), qPrintable(crf.error()));
    const auto size = VideoEncoder({VideoContainer::Gif, 0, 64, 8.0, 20}).open(path);
    QVERIFY(!size);
    QVERIFY2(size.error().contains(u"0x64"), qPrintable(size.error()));
    QVERIFY(!QFileInfo::exists(path));
}

void TestVideoEncoder::reportsUnwritablePath()
{
    const QString missingDir = m_dir.filePath(QStringLiteral("no/such/dir/out.mp4"));
    VideoEncoder encoder({VideoContainer::H264Mp4, 64, 64, 8.0, 20});
    const auto opened = encoder.open(missingDir);
    QVERIFY(!opened);
    QVERIFY2(opened.error().contains(missingDir), qPrintable(opened.error()));
    QVERIFY2(opened.error().contains(u"No such file or directory"), qPrintable(opened.error()));
    // Later calls repeat the failure instead of crashing.
    const auto added = encoder.addFrame(makeFrame(64, 64, 0));
    QVERIFY(!added);
    QCOMPARE(added.error(), opened.error());
    QVERIFY(!encoder.finish());

    // A directory in place of the file.
    const auto isDir = VideoEncoder({VideoContainer::Webm, 64, 64, 8.0, 20}).open(m_dir.path());
    QVERIFY(!isDir);
    QVERIFY2(isDir.error().contains(u"Is a directory"), qPrintable(isDir.error()));
    QVERIFY(QFileInfo(m_dir.path()).isDir());
}

void TestVideoEncoder::reportsFullDisk()
{
    if (!QFileInfo(QStringLiteral("/dev/full")).exists())
        QSKIP("/dev/full is not available here");
    for (auto container : {VideoContainer::H264Mp4, VideoContainer::Webm}) {
        VideoEncoder encoder({container, 256, 256, 8.0, 0}); // crf 0: big packets
        auto result = encoder.open(QStringLiteral("/dev/full"));
        for (int i = 0; result && i < 16; ++i)
            result = encoder.addFrame(makeFrame(256, 256, i));
        if (result)
            result = encoder.finish();
        QVERIFY(!result);
        QVERIFY2(result.error().contains(u"No space left on device"), qPrintable(result.error()));
        QVERIFY(QFileInfo(QStringLiteral("/dev/full")).exists()); // devices are never removed
    }
}

void TestVideoEncoder::removesUnfinishedFile()
{
    const QString path = m_dir.filePath(QStringLiteral("unfinished.mp4"));
    {
        VideoEncoder encoder({VideoContainer::H264Mp4, 64, 64, 8.0, 20});
        QVERIFY(encoder.open(path));
        QVERIFY(encoder.addFrame(makeFrame(64, 64, 0)));
        QVERIFY(QFileInfo::exists(path));
    }
    QVERIFY(!QFileInfo::exists(path));

    VideoEncoder empty({VideoContainer::H264Mp4, 64, 64, 8.0, 20});
    QVERIFY(empty.open(path));
    const auto finished = empty.finish();
    QVERIFY(!finished);
    QVERIFY2(finished.error().contains(u"No frames"), qPrintable(finished.error()));
    QVERIFY(!QFileInfo::exists(path));
}

void TestVideoEncoder::enforcesCallOrder()
{
    const QString path = m_dir.filePath(QStringLiteral("order.gif"));
    VideoEncoder encoder({VideoContainer::Gif, 32, 32, 8.0, 0});
    QVERIFY(encoder.encoderName().isEmpty());
    QVERIFY(!encoder.addFrame(makeFrame(32, 32, 0)));
    QVERIFY(!encoder.finish());
    QVERIFY(encoder.open(path));
    QCOMPARE(encoder.encoderName(), u"gif"_s);
    QVERIFY(!encoder.open(path));
    QVERIFY(!encoder.addFrame(QImage()));
    QVERIFY(encoder.addFrame(makeFrame(32, 32, 0)));
    QVERIFY(encoder.finish());
    QCOMPARE(encoder.framesWritten(), 1);
    QCOMPARE(encoder.encoderName(), u"gif"_s);
    QVERIFY(!encoder.addFrame(makeFrame(32, 32, 1)));
    QVERIFY(QFileInfo::exists(path));
}

// FFmpeg would take "clip:1.mp4" for the protocol "clip"; a relative path must still work.
void TestVideoEncoder::writesNamesThatLookLikeUrls()
{
    const QString previous = QDir::currentPath();
    QVERIFY(QDir::setCurrent(m_dir.path()));
    const auto encoded = encode({VideoContainer::H264Mp4, 64, 64, 8.0, 20}, u"clip:1.mp4"_s, 3);
    const auto info = probeVideo(u"clip:1.mp4"_s);
    QVERIFY(QDir::setCurrent(previous));
    QVERIFY2(encoded, qPrintable(encoded ? QString() : encoded.error()));
    QVERIFY2(info, qPrintable(info ? QString() : info.error()));
    QCOMPARE(info->frameCount, 3);
    QVERIFY(QFileInfo::exists(m_dir.filePath(u"clip:1.mp4"_s)));
}

// Prints the time (a measurement, not a pass/fail threshold; see tests/bench).
void TestVideoEncoder::encodes64FramesQuickly()
{
    QList<QImage> frames;
    for (int i = 0; i < 64; ++i)
        frames.append(makeFrame(512, 512, i));
    const QString path = m_dir.filePath(QStringLiteral("speed.mp4"));
    VideoEncoder encoder({VideoContainer::H264Mp4, 512, 512, 8.0, 19});
    QElapsedTimer timer;
    timer.start();
    const std::clock_t cpuStart = std::clock();
    QVERIFY(encoder.open(path));
    for (const QImage &frame : std::as_const(frames))
        QVERIFY(encoder.addFrame(frame));
    QVERIFY(encoder.finish());
    const std::clock_t cpuEnd = std::clock();
    qInfo("64 frames 512x512 H.264: %lld ms wall, %ld ms CPU (all threads)",
          timer.elapsed(),
          long((cpuEnd - cpuStart) * 1000 / CLOCKS_PER_SEC));
    QCOMPARE(probeVideo(path)->frameCount, 64);
}

QTEST_GUILESS_MAIN(TestVideoEncoder)
#include "tst_videoencoder.moc"
