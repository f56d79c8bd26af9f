// The window end to end (issue 6): GuiApp (the real composition root) in-process against a
// comfyui-sim process. Fill the form through its widgets, Generate, watch the progress panel go
// through intermediate progress to done, the preview play with the right duration and frame
// size, and export an MP4 that ffprobe reads as H.264 / yuv420p with the right frame count.
#include "backends/comfybackend.h"
#include "cli/datadir.h"
#include "comfy/comfyclient.h"
#include "fakes/simprocess.h"
#include "gui/guiapp.h"
#include "gui/guioptions.h"
#include "gui/servertester.h"
#include "jobs/scheduler.h"
#include "params/paramsform.h"
#include "preview/previewpanel.h"
#include "progress/progresspanel.h"
#include "window/mainwindow.h"
#include "window/windowcontroller.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QMediaPlayer>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QVideoFrame>
#include <QVideoSink>

using namespace comfyvideo;
using namespace Qt::StringLiterals;

namespace {

constexpr int Frames = 8;
constexpr int Fps = 8;
constexpr int Side = 256;

template<typename T>
T *child(QWidget *root, const QString &name)
{
    T *widget = root->findChild<T *>(name);
    if (!widget)
        qWarning("no %s named %s", T::staticMetaObject.className(), qPrintable(name));
    return widget;
}

} // namespace

class TestGuiE2e : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void generatePlayExport();
    void badServerIsAUsageError();
    void demoMode();
    void serversAddedAndRemoved();
    void serverTester();
    void queueLockHeldElsewhere();

private:
    void fillForm(ui::MainWindow *window);
    void checkExport(ui::PreviewPanel *preview);

    std::unique_ptr<tests::SimProcess> m_sim;
    QTemporaryDir m_dir;
};

void TestGuiE2e::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_sim = std::make_unique<tests::SimProcess>(QStringList{u"--step-ms"_s, u"80"_s});
    QVERIFY2(m_sim->start(), qPrintable(m_sim->errorOutput()));
}

void TestGuiE2e::fillForm(ui::MainWindow *window)
{
    auto *prompt = child<QPlainTextEdit>(window, u"prompt"_s);
    auto *frames = child<QSpinBox>(window, u"frames"_s);
    auto *fps = child<QSpinBox>(window, u"fps"_s);
    auto *width = child<QSpinBox>(window, u"width"_s);
    auto *height = child<QSpinBox>(window, u"height"_s);
    auto *steps = child<QSpinBox>(window, u"steps"_s);
    QVERIFY(prompt && frames && fps && width && height && steps);
    prompt->setFocus();
    prompt->clear();
    QTest::keyClicks(prompt, u"A paper boat on a pond"_s);
    QCOMPARE(prompt->toPlainText(), u"A paper boat on a pond"_s);
    frames->setValue(Frames);
    fps->setValue(Fps);
    width->setValue(Side);
    height->setValue(Side);
    steps->setValue(6);
    const request::GenerationRequest request = window->paramsForm()->request();
    QCOMPARE(request.frames, Frames);
    QCOMPARE(request.width, Side);
    QCOMPARE(request.height, Side);
}

void TestGuiE2e::generatePlayExport()
{
    gui::GuiOptions options;
    options.server = m_sim->baseUrl();
    options.dataDir = m_dir.filePath(u"data"_s);
    options.settingsFile = m_dir.filePath(u"settings.ini"_s);
    gui::GuiApp app(options);
    QSignalSpy ready(&app, &gui::GuiApp::ready);
    app.start();
    QVERIFY(app.window()->isVisible()); // at once, before the store is open
    QVERIFY(ready.wait(30000));
    QVERIFY(app.controller() && app.scheduler());
    QVERIFY2(app.startupProblem().isEmpty(), qPrintable(app.startupProblem()));
    ui::MainWindow *window = app.window();

    fillForm(window);
    if (QTest::currentTestFailed())
        return;
    auto *generate = child<QPushButton>(window, u"generate"_s);
    QVERIFY(generate);
    QTRY_VERIFY_WITH_TIMEOUT(generate->isEnabled(), 30000); // catalog and readiness arrived

    QSignalSpy added(app.controller(), &ui::WindowController::jobAdded);
    storage::JobState lastState = storage::JobState::Queued;
    qint64 jobId = 0;
    QSize frameSize;
    int frameCount = 0;
    QObject guard; // ends the connections below with this function (they capture locals)
    connect(app.scheduler(), &jobs::Scheduler::jobChanged, &guard, [&](const auto &job) {
        if (job.id == jobId || jobId == 0)
            lastState = job.state;
    });
    QTest::mouseClick(generate, Qt::LeftButton);
    QVERIFY(added.wait(15000));
    jobId = added.constFirst().constFirst().toLongLong();
    QCOMPARE(app.controller()->selectedJobId(), jobId);

    // Intermediate progress, then done.
    ui::ProgressPanel *progress = window->progressPanel();
    QTRY_VERIFY_WITH_TIMEOUT(progress->progressPercent() > 0 && progress->progressPercent() < 100,
                             60000);
    QTRY_COMPARE_WITH_TIMEOUT(lastState, storage::JobState::Completed, 120000);
    QTRY_COMPARE_WITH_TIMEOUT(progress->progressPercent(), 100, 10000);

    // The preview plays it, with the request's duration and size.
    ui::PreviewPanel *preview = window->previewPanel();
    connect(preview->videoSink(),
            &QVideoSink::videoFrameChanged,
            &guard,
            [&](const QVideoFrame &f) {
                if (f.isValid()) {
                    frameSize = f.size();
                    ++frameCount;
                }
            });
    QTRY_COMPARE_WITH_TIMEOUT(
            preview->player()->playbackState(), QMediaPlayer::PlayingState, 30000);
    const qint64 expected = qint64(Frames) * 1000 / Fps;
    QTRY_VERIFY_WITH_TIMEOUT(qAbs(preview->player()->duration() - expected) <= 1000 / Fps, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(frameCount > 0, 15000);
    QCOMPARE(frameSize, QSize(Side, Side));

    checkExport(preview);
}

void TestGuiE2e::checkExport(ui::PreviewPanel *preview)
{
    const QString mp4 = m_dir.filePath(u"exported.mp4"_s);
    QSignalSpy finished(preview, &ui::PreviewPanel::exportFinished);
    preview->exportTo(mp4);
    QVERIFY(finished.wait(120000));
    QVERIFY2(finished.constFirst().at(0).toBool(),
             qPrintable(finished.constFirst().at(2).toString()));

    QProcess probe;
    probe.start(u"ffprobe"_s,
                {u"-v"_s,
                 u"error"_s,
                 u"-count_frames"_s,
                 u"-select_streams"_s,
                 u"v:0"_s,
                 u"-show_entries"_s,
                 u"stream=codec_name,pix_fmt,nb_read_frames"_s,
                 u"-of"_s,
                 u"json"_s,
                 mp4});
    QVERIFY(probe.waitForFinished(60000));
    QCOMPARE(probe.exitCode(), 0);
    const QJsonObject stream = QJsonDocument::fromJson(probe.readAllStandardOutput())
                                       .object()
                                       .value(u"streams"_s)
                                       .toArray()
                                       .at(0)
                                       .toObject();
    QCOMPARE(stream.value(u"codec_name"_s).toString(), u"h264"_s);
    QCOMPARE(stream.value(u"pix_fmt"_s).toString(), u"yuv420p"_s);
    QCOMPARE(stream.value(u"nb_read_frames"_s).toString().toInt(), Frames);
}

void TestGuiE2e::badServerIsAUsageError()
{
    QProcess process;
    process.start(QStringLiteral(COMFYVIDEO_EXE), {u"--server"_s, u"ftp://x"_s});
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 2);
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(err.contains(u"ftp://x"_s) && err.contains(u"http://"_s), qPrintable(err));
    QVERIFY(process.readAllStandardOutput().isEmpty());

    process.start(QStringLiteral(COMFYVIDEO_EXE), {u"--demo"_s, u"--no-such-option"_s});
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitCode(), 2);
}

void TestGuiE2e::demoMode()
{
    QTemporaryDir dir;
    gui::GuiOptions options;
    options.demo = true;
    options.dataDir = dir.filePath(u"data"_s);
    options.settingsFile = dir.filePath(u"settings.ini"_s);
    gui::GuiApp app(options);
    QSignalSpy ready(&app, &gui::GuiApp::ready);
    app.start();
    QVERIFY(ready.wait(30000));
    QVERIFY(app.isDemo());
    QVERIFY(app.demoUrl().isValid());
    QCOMPARE(app.demoUrl().host(), u"127.0.0.1"_s);
    QVERIFY(!app.servers().isEmpty());
    QCOMPARE(app.servers().constFirst()->client()->config().baseUrl, app.demoUrl());
    QVERIFY(QFileInfo(dir.filePath(u"data/demo-server"_s)).isDir());
    QCOMPARE(app.window()->bannerText(), u"Demo server — renders a test animation, not AI."_s);
    // The demo server answers like ComfyUI: the catalog reaches the form.
    auto *generate = child<QPushButton>(app.window(), u"generate"_s);
    QVERIFY(generate);
    QSignalSpy catalog(app.controller(), &ui::WindowController::catalogLoaded);
    QVERIFY(catalog.count() > 0 || catalog.wait(30000));
}

// The Servers dialog's answer: a new server takes jobs at once; a removed one is retired in the
// scheduler (no new jobs) and comes back when added again. The demo server stays.
void TestGuiE2e::serversAddedAndRemoved()
{
    QTemporaryDir dir;
    gui::GuiOptions options;
    options.demo = true;
    options.dataDir = dir.filePath(u"data"_s);
    options.settingsFile = dir.filePath(u"settings.ini"_s);
    gui::GuiApp app(options);
    QSignalSpy ready(&app, &gui::GuiApp::ready);
    app.start();
    QVERIFY(ready.wait(30000));
    QVERIFY(app.scheduler());
    const auto ids = [&] {
        QStringList list;
        for (const backends::Backend *backend : app.scheduler()->backends())
            list << backend->id();
        return list;
    };
    const QString demoId = app.servers().constFirst()->id();
    const QString simId = u"comfyui:"_s + m_sim->baseUrl().toString(QUrl::StripTrailingSlash);
    app.applyServers({m_sim->baseUrl()});
    QCOMPARE(ids(), (QStringList{demoId, simId}));
    QCOMPARE(app.servers().size(), 2);
    app.applyServers({});
    QCOMPARE(ids(), (QStringList{demoId}));
    app.applyServers({m_sim->baseUrl()});
    QCOMPARE(ids(), (QStringList{demoId, simId}));
}

void TestGuiE2e::serverTester()
{
    common::InMemorySecretStore secrets;
    QNetworkAccessManager network;
    std::optional<std::pair<bool, QString>> answer;
    gui::ServerTester::test(
            m_sim->baseUrl(),
            &secrets,
            &network,
            [&](bool ok, const QString &message) { answer = std::pair(ok, message); },
            this);
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 30000);
    QVERIFY2(answer->first, qPrintable(answer->second));
    QCOMPARE(answer->second, u"ComfyUI 0.3.64 · NVIDIA GeForce RTX 4090 · 24 GB VRAM · 5 models"_s);

    QTcpServer closed; // a port nobody listens on once it closes
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();
    answer.reset();
    gui::ServerTester::test(
            QUrl(u"http://127.0.0.1:%1"_s.arg(port)),
            &secrets,
            &network,
            [&](bool ok, const QString &message) { answer = std::pair(ok, message); },
            this);
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 30000);
    QVERIFY(!answer->first);
    QVERIFY(!answer->second.isEmpty());
}

void TestGuiE2e::queueLockHeldElsewhere()
{
    QTemporaryDir dir;
    const QString dataDir = dir.filePath(u"data"_s);
    QVERIFY(QDir().mkpath(dataDir));
    QLockFile other(cli::DataDir::lockPath(dataDir)); // as `comfyvideo queue run` takes it
    QVERIFY(other.tryLock(0));

    gui::GuiOptions options;
    options.server = m_sim->baseUrl();
    options.dataDir = dataDir;
    options.settingsFile = dir.filePath(u"settings.ini"_s);
    gui::GuiApp app(options);
    QSignalSpy ready(&app, &gui::GuiApp::ready);
    app.start();
    QVERIFY(ready.wait(30000));
    QVERIFY(app.store());      // its jobs can still be looked at
    QVERIFY(!app.scheduler()); // but two schedulers never run one store
    QVERIFY2(app.startupProblem().contains(u"Another ComfyVideo"_s),
             qPrintable(app.startupProblem()));
    QCOMPARE(app.window()->bannerText(), app.startupProblem());
    QCOMPARE(app.window()->bannerLevel(), ui::MainWindow::BannerLevel::Error);
}

QTEST_MAIN(TestGuiE2e)
#include "tst_gui_e2e.moc"
