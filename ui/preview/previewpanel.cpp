#include "preview/previewpanel.h"

#include "preview/exportbar.h"
#include "preview/transportbar.h"

#include "media/videoexporter.h"
#include "media/videoprobe.h"

#include <QAudioDevice>
#include <QAudioOutput>
#include <QClipboard>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QLabel>
#include <QMediaDevices>
#include <QMediaPlayer>
#include <QPointer>
#include <QShortcut>
#include <QStackedWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <QVideoWidget>
#include <QtConcurrent>
#include <cmath>

namespace comfyvideo::ui {

namespace {

using ProbeResult = std::expected<media::VideoInfo, QString>;

constexpr double FallbackFps = 25.0;
constexpr int VideoMinimumLines = 12; // the video area's minimum height, in text lines

} // namespace

class PreviewPanel::Private
{
    Q_DECLARE_TR_FUNCTIONS(comfyvideo::ui::PreviewPanel)

public:
    explicit Private(PreviewPanel *q);

    void buildWidgets();
    void connectPlayer();
    void connectBars();
    void addShortcuts();
    void startProbe();
    void onProbeFinished();
    void onExportFinished(bool ok, const QString &destination, const QString &message);
    void chooseExportFile();
    void togglePlay();
    double fps() const;

    PreviewPanel *q;
    QString path;
    bool loop = true;
    std::optional<media::VideoInfo> info;
    QString infoText;

    QStackedWidget *stack = nullptr;
    QLabel *emptyLabel = nullptr;
    QVideoWidget *video = nullptr;
    QLabel *infoLabel = nullptr;
    TransportBar *transport = nullptr;
    ExportBar *exportBar = nullptr;
    QMediaPlayer *player = nullptr;
    QAudioOutput *audio = nullptr;
    media::VideoExporter *exporter = nullptr;
    QFutureWatcher<ProbeResult> *probeWatcher = nullptr;
    QString probedPath; // what the running probe reads
};

PreviewPanel::Private::Private(PreviewPanel *q)
    : q(q)
{}

void PreviewPanel::Private::buildWidgets()
{
    emptyLabel = new QLabel(tr("No video yet — finished jobs play here."), q);
    emptyLabel->setAlignment(Qt::AlignCenter);
    emptyLabel->setWordWrap(true);
    emptyLabel->setAccessibleName(tr("Video preview"));

    video = new QVideoWidget(q);
    video->setAccessibleName(tr("Video"));
    video->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    video->setMinimumHeight(q->fontMetrics().lineSpacing() * VideoMinimumLines);
    video->setFocusPolicy(Qt::StrongFocus);
    QPalette palette = video->palette();
    palette.setColor(QPalette::Window, Qt::black); // letterbox bars, as in every player
    video->setPalette(palette);
    video->setBackgroundRole(QPalette::Window);
    video->setAutoFillBackground(true);

    stack = new QStackedWidget(q);
    stack->addWidget(emptyLabel);
    stack->addWidget(video);
    stack->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);

    infoLabel = new QLabel(q);
    infoLabel->setAccessibleName(tr("Video information"));
    infoLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    infoLabel->setWordWrap(true);
    transport = new TransportBar(q);
    transport->setLoop(loop);
    exportBar = new ExportBar(q);

    auto *layout = new QVBoxLayout(q);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(stack, 1);
    layout->addWidget(transport);
    layout->addWidget(infoLabel);
    layout->addWidget(exportBar);

    player = new QMediaPlayer(q);
    player->setVideoOutput(video);
    // The FFmpeg backend of Qt 6.4 crashes writing audio when there is no audio device.
    if (!QMediaDevices::audioOutputs().isEmpty()) {
        audio = new QAudioOutput(q);
        player->setAudioOutput(audio);
    }
    exporter = new media::VideoExporter(q);
    probeWatcher = new QFutureWatcher<ProbeResult>(q);
}

void PreviewPanel::Private::connectPlayer()
{
    QObject::connect(player, &QMediaPlayer::durationChanged, transport, &TransportBar::setDuration);
    QObject::connect(player, &QMediaPlayer::positionChanged, transport, &TransportBar::setPosition);
    QObject::connect(
            player, &QMediaPlayer::playbackStateChanged, q, [this](QMediaPlayer::PlaybackState s) {
                transport->setPlaying(s == QMediaPlayer::PlayingState);
            });
    // Backends that ignore setLoops() stop at the end: start again from the beginning.
    QObject::connect(
            player, &QMediaPlayer::mediaStatusChanged, q, [this](QMediaPlayer::MediaStatus s) {
                if (s == QMediaPlayer::EndOfMedia && loop && !path.isEmpty()) {
                    player->setPosition(0);
                    player->play();
                }
            });
    QObject::connect(
            player, &QMediaPlayer::errorOccurred, q, [this](QMediaPlayer::Error, const QString &e) {
                if (!path.isEmpty())
                    infoLabel->setText(
                            tr("Cannot play %1: %2").arg(QDir::toNativeSeparators(path), e));
            });
    QObject::connect(
            probeWatcher, &QFutureWatcher<ProbeResult>::finished, q, [this] { onProbeFinished(); });
    QObject::connect(
            exporter, &media::VideoExporter::progressChanged, exportBar, &ExportBar::setProgress);
    QObject::connect(exporter,
                     &media::VideoExporter::finished,
                     q,
                     [this](bool ok, const QString &destination, const QString &message) {
                         onExportFinished(ok, destination, message);
                     });
}

void PreviewPanel::Private::connectBars()
{
    QObject::connect(transport, &TransportBar::playPauseClicked, q, [this] { togglePlay(); });
    QObject::connect(transport, &TransportBar::stepRequested, q, &PreviewPanel::stepFrames);
    QObject::connect(transport, &TransportBar::seekRequested, player, &QMediaPlayer::setPosition);
    QObject::connect(transport, &TransportBar::loopToggled, q, &PreviewPanel::setLoop);
    QObject::connect(exportBar, &ExportBar::exportRequested, q, [this] { chooseExportFile(); });
    QObject::connect(exportBar, &ExportBar::cancelRequested, q, &PreviewPanel::cancelExport);
    QObject::connect(exportBar, &ExportBar::openFolderRequested, q, [this] {
        if (!path.isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath()));
    });
    QObject::connect(exportBar, &ExportBar::copyPathRequested, q, [this] {
        if (path.isEmpty())
            return;
        QGuiApplication::clipboard()->setText(QDir::toNativeSeparators(path));
        emit q->pathCopied(path);
    });
}

void PreviewPanel::Private::addShortcuts()
{
    auto add = [this](QWidget *parent,
                      const QKeySequence &key,
                      Qt::ShortcutContext context,
                      auto slot) {
        auto *shortcut = new QShortcut(key, parent);
        shortcut->setContext(context);
        QObject::connect(shortcut, &QShortcut::activated, q, slot);
    };
    add(video, QKeySequence(Qt::Key_Left), Qt::WidgetShortcut, [this] { q->stepFrames(-1); });
    add(video, QKeySequence(Qt::Key_Right), Qt::WidgetShortcut, [this] { q->stepFrames(1); });
}

void PreviewPanel::Private::togglePlay()
{
    if (path.isEmpty())
        return;
    if (player->playbackState() == QMediaPlayer::PlayingState)
        player->pause();
    else
        player->play();
}

double PreviewPanel::Private::fps() const
{
    return info && info->fps > 0.0 ? info->fps : FallbackFps;
}

void PreviewPanel::Private::startProbe()
{
    probedPath = path;
    probeWatcher->setFuture(QtConcurrent::run(&media::probeVideo, path));
}

void PreviewPanel::Private::onProbeFinished()
{
    const ProbeResult result = probeWatcher->result();
    if (probedPath != path) { // the video changed while probing: ask again
        if (!path.isEmpty())
            startProbe();
        return;
    }
    if (!result) {
        info.reset();
        infoText.clear();
        infoLabel->setText(result.error());
        emit q->infoReady();
        return;
    }
    info = *result;
    const double seconds = double(result->durationMs) / 1000.0;
    infoText = tr("%1×%2 · %3 fps · %4 s · %n frames", nullptr, result->frameCount)
                       .arg(result->width)
                       .arg(result->height)
                       .arg(QLocale().toString(result->fps, 'g', 4),
                            QLocale().toString(seconds, 'f', 1));
    infoLabel->setText(infoText);
    emit q->infoReady();
}

void PreviewPanel::Private::chooseExportFile()
{
    if (path.isEmpty())
        return;
    const QFileInfo source(path);
    const QString suggested
            = source.absoluteDir().filePath(source.completeBaseName() + QStringLiteral(".mp4"));
    const QString destination
            = QFileDialog::getSaveFileName(q, tr("Export MP4"), suggested, tr("MP4 video (*.mp4)"));
    if (!destination.isEmpty())
        q->exportTo(destination);
}

void PreviewPanel::Private::onExportFinished(bool ok,
                                             const QString &destination,
                                             const QString &message)
{
    exportBar->showResult(
            ok, ok ? tr("Exported to %1").arg(QDir::toNativeSeparators(destination)) : message);
    emit q->exportFinished(ok, destination, message);
}

PreviewPanel::PreviewPanel(QWidget *parent)
    : QWidget(parent)
    , d(std::make_unique<Private>(this))
{
    d->buildWidgets();
    d->connectPlayer();
    d->connectBars();
    d->addShortcuts();
    clear();
}

PreviewPanel::~PreviewPanel()
{
    // Delete what emits signals into d while d still exists; the exporter's destructor cancels
    // and waits for its worker (it stops within a frame), the probe is waited for.
    d->player->stop();
    delete d->player;
    delete d->exporter;
    d->probeWatcher->disconnect(this);
    d->probeWatcher->waitForFinished();
    delete d->probeWatcher;
}

void PreviewPanel::keyPressEvent(QKeyEvent *event)
{
    if (event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier)) {
        QWidget::keyPressEvent(event);
        return;
    }
    switch (event->key()) {
    case Qt::Key_Space:
        d->togglePlay();
        break;
    case Qt::Key_BracketLeft:
        stepFrames(-1);
        break;
    case Qt::Key_BracketRight:
        stepFrames(1);
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

QString PreviewPanel::videoPath() const
{
    return d->path;
}

void PreviewPanel::setVideo(const QString &path)
{
    if (path.isEmpty()) {
        clear();
        return;
    }
    d->path = path;
    d->info.reset();
    d->infoText.clear();
    d->infoLabel->setText(tr("Reading %1…").arg(QFileInfo(path).fileName()));
    d->exportBar->clearResult();
    d->exportBar->setVideoAvailable(true);
    d->transport->setEnabled(true);
    d->stack->setCurrentWidget(d->video);
    d->player->setLoops(d->loop ? QMediaPlayer::Infinite : QMediaPlayer::Once);
    d->player->setSource(QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()));
    d->player->play();
    if (!d->probeWatcher->isRunning())
        d->startProbe(); // else onProbeFinished() sees the new path and probes again
}

void PreviewPanel::clear()
{
    d->path.clear();
    d->info.reset();
    d->infoText.clear();
    d->player->stop();
    d->player->setSource(QUrl());
    d->stack->setCurrentWidget(d->emptyLabel);
    d->infoLabel->clear();
    d->transport->setDuration(0);
    d->transport->setPosition(0);
    d->transport->setPlaying(false);
    d->transport->setEnabled(false);
    d->exportBar->clearResult();
    d->exportBar->setVideoAvailable(false);
}

void PreviewPanel::setLoop(bool loop)
{
    d->loop = loop;
    d->transport->setLoop(loop);
    d->player->setLoops(loop ? QMediaPlayer::Infinite : QMediaPlayer::Once);
}

bool PreviewPanel::loops() const
{
    return d->loop;
}

void PreviewPanel::stepFrames(int frames)
{
    if (d->path.isEmpty() || frames == 0)
        return;
    d->player->pause();
    const double fps = d->fps();
    // Snap to frame boundaries so repeated steps do not accumulate rounding.
    const double frame = std::round(double(d->player->position()) * fps / 1000.0) + frames;
    qint64 target = std::llround(frame * 1000.0 / fps);
    const qint64 duration = d->player->duration();
    target = qBound<qint64>(0, target, duration > 0 ? duration : target);
    d->player->setPosition(target);
}

void PreviewPanel::exportTo(const QString &destination)
{
    if (d->path.isEmpty()) {
        QMetaObject::invokeMethod(
                this,
                [this, destination] {
                    emit exportFinished(false, destination, tr("There is no video to export."));
                },
                Qt::QueuedConnection);
        return;
    }
    if (d->exporter->isRunning()) {
        QMetaObject::invokeMethod(
                this,
                [this, destination] {
                    emit exportFinished(false, destination, tr("Another export is still running."));
                },
                Qt::QueuedConnection);
        return;
    }
    d->exportBar->showExporting();
    d->exporter->start(d->path, destination);
}

void PreviewPanel::cancelExport()
{
    d->exporter->cancel();
}

QMediaPlayer *PreviewPanel::player() const
{
    return d->player;
}

QVideoSink *PreviewPanel::videoSink() const
{
    return d->video->videoSink();
}

QString PreviewPanel::infoText() const
{
    return d->infoText;
}

} // namespace comfyvideo::ui
