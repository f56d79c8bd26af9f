#include "preview/previewpanel.h"
#include "preview/transportbar.h"

#include "media/videoencoder.h"
#include "media/videoprobe.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QLabel>
#include <QMediaPlayer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QVideoFrame>
#include <QVideoSink>
#include <QVideoWidget>

using namespace comfyvideo;

namespace {

constexpr int Frames = 25;
constexpr double Fps = 8.0;
constexpr int Width = 320;
constexpr int Height = 240;
constexpr qint64 FrameMs = 125;

QImage frameImage(int index)
{
    QImage image(Width, Height, QImage::Format_RGB32);
    image.fill(QColor::fromHsv((index * 14) % 360, 200, 220));
    return image;
}

QPushButton *buttonNamed(QWidget *root, const QString &name)
{
    for (auto *button : root->findChildren<QPushButton *>()) {
        if (button->accessibleName() == name)
            return button;
    }
    return nullptr;
}

} // namespace

class tst_PreviewPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void formatsTimes();
    void startsEmpty();
    void playsWithDurationAndFrames();
    void probesInfo();
    void loopsPastTheEnd();
    void stepsOneFrame();
    void keyboardControls();
    void exportsMp4();
    void destroyedWhileExporting();
    void copiesPath();
    void clearShowsEmptyState();

private:
    QTemporaryDir m_dir;
    QString m_video;
};

void tst_PreviewPanel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_video = m_dir.filePath(QStringLiteral("clip.mp4"));
    media::EncodeSettings settings;
    settings.width = Width;
    settings.height = Height;
    settings.fps = Fps;
    media::VideoEncoder encoder(settings);
    auto opened = encoder.open(m_video);
    QVERIFY2(opened, opened ? "" : qPrintable(opened.error()));
    for (int i = 0; i < Frames; ++i)
        QVERIFY(encoder.addFrame(frameImage(i)));
    QVERIFY(encoder.finish());
}

void tst_PreviewPanel::formatsTimes()
{
    QCOMPARE(ui::TransportBar::formatTime(0), QStringLiteral("0:00.000"));
    QCOMPARE(ui::TransportBar::formatTime(1250), QStringLiteral("0:01.250"));
    QCOMPARE(ui::TransportBar::formatTime(3125), QStringLiteral("0:03.125"));
    QCOMPARE(ui::TransportBar::formatTime(754'321), QStringLiteral("12:34.321"));
    QCOMPARE(ui::TransportBar::formatTime(3'723'004), QStringLiteral("1:02:03.004"));
}

void tst_PreviewPanel::startsEmpty()
{
    ui::PreviewPanel panel;
    panel.show();
    QVERIFY(panel.videoPath().isEmpty());
    bool emptyShown = false;
    for (auto *label : panel.findChildren<QLabel *>())
        emptyShown
                |= label->isVisible() && label->text().startsWith(QStringLiteral("No video yet"));
    QVERIFY(emptyShown);
    QVERIFY(!buttonNamed(&panel, QStringLiteral("Export MP4"))->isEnabled());
}

void tst_PreviewPanel::playsWithDurationAndFrames()
{
    ui::PreviewPanel panel;
    panel.show();
    QVERIFY(panel.videoSink());
    QList<QSize> sizes;
    connect(panel.videoSink(),
            &QVideoSink::videoFrameChanged,
            this,
            [&sizes](const QVideoFrame &frame) {
                if (frame.isValid())
                    sizes.append(frame.size());
            });
    panel.setVideo(m_video);
    QCOMPARE(panel.videoPath(), m_video);
    QTRY_COMPARE_WITH_TIMEOUT(panel.player()->playbackState(), QMediaPlayer::PlayingState, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(qAbs(panel.player()->duration() - Frames * FrameMs) <= FrameMs, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(sizes.size() >= 3, 10000);
    for (const QSize &size : std::as_const(sizes))
        QCOMPARE(size, QSize(Width, Height));
}

void tst_PreviewPanel::probesInfo()
{
    ui::PreviewPanel panel;
    QSignalSpy ready(&panel, &ui::PreviewPanel::infoReady);
    panel.setVideo(m_video);
    QVERIFY(ready.wait(10000));
    QVERIFY2(panel.infoText().contains(QStringLiteral("25 frames")), qPrintable(panel.infoText()));
    QVERIFY2(panel.infoText().contains(QStringLiteral("320×240")), qPrintable(panel.infoText()));
    QVERIFY2(panel.infoText().contains(QStringLiteral("8 fps")), qPrintable(panel.infoText()));
}

void tst_PreviewPanel::loopsPastTheEnd()
{
    ui::PreviewPanel panel;
    panel.show();
    panel.setLoop(true);
    QVERIFY(panel.loops());
    qint64 highest = 0;
    int wraps = 0;
    connect(panel.player(), &QMediaPlayer::positionChanged, this, [&](qint64 position) {
        if (highest > 2000 && position < 1000) {
            ++wraps;
            highest = position;
        }
        highest = qMax(highest, position);
    });
    panel.setVideo(m_video);
    QTRY_VERIFY_WITH_TIMEOUT(wraps >= 1, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(panel.player()->playbackState(), QMediaPlayer::PlayingState, 5000);
    QVERIFY(panel.player()->position() < 3000);
}

void tst_PreviewPanel::stepsOneFrame()
{
    ui::PreviewPanel panel;
    panel.show();
    QSignalSpy ready(&panel, &ui::PreviewPanel::infoReady);
    panel.setVideo(m_video);
    QVERIFY(ready.wait(10000));
    QTRY_VERIFY_WITH_TIMEOUT(panel.player()->duration() > 0, 10000);
    panel.player()->pause();
    panel.player()->setPosition(8 * FrameMs);
    QTRY_VERIFY_WITH_TIMEOUT(qAbs(panel.player()->position() - 8 * FrameMs) <= 1, 5000);
    panel.stepFrames(1);
    QCOMPARE(panel.player()->playbackState(), QMediaPlayer::PausedState);
    QTRY_VERIFY_WITH_TIMEOUT(qAbs(panel.player()->position() - 9 * FrameMs) <= 1, 5000);
    auto *transport = panel.findChild<ui::TransportBar *>();
    QVERIFY(transport);
    QTRY_COMPARE(transport->positionLabel()->text(), QStringLiteral("0:01.125 / 0:03.125"));
    panel.stepFrames(-3);
    QTRY_VERIFY_WITH_TIMEOUT(qAbs(panel.player()->position() - 6 * FrameMs) <= 1, 5000);
    panel.stepFrames(-100); // clamped at the start
    QTRY_COMPARE_WITH_TIMEOUT(panel.player()->position(), qint64(0), 5000);
}

void tst_PreviewPanel::keyboardControls()
{
    ui::PreviewPanel panel;
    panel.show();
    panel.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    QSignalSpy ready(&panel, &ui::PreviewPanel::infoReady);
    panel.setVideo(m_video);
    QVERIFY(ready.wait(10000));
    QTRY_COMPARE_WITH_TIMEOUT(panel.player()->playbackState(), QMediaPlayer::PlayingState, 10000);
    auto *video = panel.findChild<QVideoWidget *>();
    QVERIFY(video);
    video->setFocus();
    QTRY_VERIFY(video->hasFocus());
    QTest::keyClick(video, Qt::Key_Space);
    QCOMPARE(panel.player()->playbackState(), QMediaPlayer::PausedState);
    panel.player()->setPosition(4 * FrameMs);
    QTRY_VERIFY_WITH_TIMEOUT(qAbs(panel.player()->position() - 4 * FrameMs) <= 1, 5000);
    QTest::keyClick(video, Qt::Key_BracketRight);
    QTRY_VERIFY_WITH_TIMEOUT(qAbs(panel.player()->position() - 5 * FrameMs) <= 1, 5000);
    QTest::keyClick(video, Qt::Key_Left);
    QTest::keyClick(video, Qt::Key_Left);
    QTRY_VERIFY_WITH_TIMEOUT(qAbs(panel.player()->position() - 3 * FrameMs) <= 1, 5000);
    QTest::keyClick(video, Qt::Key_Space);
    QCOMPARE(panel.player()->playbackState(), QMediaPlayer::PlayingState);
}

void tst_PreviewPanel::exportsMp4()
{
    ui::PreviewPanel panel;
    QSignalSpy finished(&panel, &ui::PreviewPanel::exportFinished);
    panel.setVideo(m_video);
    const QString destination = m_dir.filePath(QStringLiteral("exported.mp4"));
    panel.exportTo(destination);
    QVERIFY(!buttonNamed(&panel, QStringLiteral("Export MP4"))->isEnabled());
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.size(), 1);
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(2).toString()));
    QCOMPARE(finished.at(0).at(1).toString(), destination);
    const auto info = media::probeVideo(destination);
    QVERIFY2(info, info ? "" : qPrintable(info.error()));
    QCOMPARE(info->codec, QStringLiteral("h264"));
    QCOMPARE(info->frameCount, Frames);
    QVERIFY(buttonNamed(&panel, QStringLiteral("Export MP4"))->isEnabled());
    bool resultShown = false;
    for (auto *label : panel.findChildren<QLabel *>())
        resultShown |= label->text().startsWith(QStringLiteral("Exported to"));
    QVERIFY(resultShown);
}

void tst_PreviewPanel::destroyedWhileExporting()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString source = dir.filePath(QStringLiteral("long.gif"));
    {
        media::EncodeSettings settings;
        settings.container = media::VideoContainer::Gif;
        settings.width = 160;
        settings.height = 120;
        media::VideoEncoder encoder(settings);
        QVERIFY(encoder.open(source));
        for (int i = 0; i < 200; ++i)
            QVERIFY(encoder.addFrame(frameImage(i)));
        QVERIFY(encoder.finish());
    }
    auto panel = std::make_unique<ui::PreviewPanel>();
    panel->setVideo(source);
    panel->exportTo(dir.filePath(QStringLiteral("out.mp4")));
    QTest::qWait(50); // let the worker start; the destructor must stop it either way
    panel.reset();
    const QStringList left = QDir(dir.path()).entryList({QStringLiteral("*.part-*")}, QDir::Files);
    QCOMPARE(left, QStringList());
}

void tst_PreviewPanel::copiesPath()
{
    ui::PreviewPanel panel;
    panel.setVideo(m_video);
    QSignalSpy copied(&panel, &ui::PreviewPanel::pathCopied);
    QGuiApplication::clipboard()->clear();
    QPushButton *copy = buttonNamed(&panel, QStringLiteral("Copy path"));
    QVERIFY(copy);
    QVERIFY(copy->isEnabled());
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(copied.size(), 1);
    QCOMPARE(copied.at(0).at(0).toString(), m_video);
    QCOMPARE(QGuiApplication::clipboard()->text(), m_video);
}

void tst_PreviewPanel::clearShowsEmptyState()
{
    ui::PreviewPanel panel;
    panel.show();
    QSignalSpy ready(&panel, &ui::PreviewPanel::infoReady);
    panel.setVideo(m_video);
    QVERIFY(ready.wait(10000));
    QTRY_COMPARE_WITH_TIMEOUT(panel.player()->playbackState(), QMediaPlayer::PlayingState, 10000);
    panel.clear();
    QVERIFY(panel.videoPath().isEmpty());
    QVERIFY(panel.infoText().isEmpty());
    QCOMPARE(panel.player()->playbackState(), QMediaPlayer::StoppedState);
    QVERIFY(panel.player()->source().isEmpty());
    bool emptyShown = false;
    for (auto *label : panel.findChildren<QLabel *>())
        emptyShown
                |= label->isVisible() && label->text().startsWith(QStringLiteral("No video yet"));
    QVERIFY(emptyShown);
    QVERIFY(!buttonNamed(&panel, QStringLiteral("Copy path"))->isEnabled());
}

QTEST_MAIN(tst_PreviewPanel)
#include "tst_previewpanel.moc"
