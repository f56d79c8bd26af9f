#include "params/referenceimagezone.h"

#include "params/referenceimagework.h"
#include "request/validation.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace comfyvideo::ui {

using CropResult = std::expected<QString, QString>;

class ReferenceImageZone::Private
{
public:
    explicit Private(ReferenceImageZone *zone);

    void build();
    void buildCropNotice();
    void accept(const QString &path);
    void refuse(const QString &message);
    void showMessage(const QString &message);
    void setError(const QString &text);
    void startThumbnail();
    void updateCropNotice();
    void crop();
    void browse();
    void setDragHighlight(bool on);

    ReferenceImageZone *q;
    QLabel *thumbnail = nullptr;
    QLabel *info = nullptr;
    QLabel *message = nullptr;
    QWidget *cropNotice = nullptr;
    QLabel *cropText = nullptr;
    QPushButton *cropButton = nullptr;
    QPushButton *shapeButton = nullptr;
    QPushButton *browseButton = nullptr;
    QPushButton *clearButton = nullptr;

    QString path;
    QString error;
    refimage::Header header;
    QSize target;
    QString workDirectory;
    quint64 generation = 0; // the current picture; stale thumbnails are dropped
    bool cropping = false;
};

ReferenceImageZone::Private::Private(ReferenceImageZone *zone)
    : q(zone)
{}

void ReferenceImageZone::Private::build()
{
    const QFontMetrics fm = q->fontMetrics();
    thumbnail = new QLabel(q);
    thumbnail->setObjectName(QStringLiteral("thumbnail"));
    thumbnail->setAlignment(Qt::AlignCenter);
    thumbnail->setMinimumSize(fm.height() * 10, fm.height() * 6);
    thumbnail->setWordWrap(true);
    thumbnail->setText(tr("Drop a picture here, or Browse…"));
    thumbnail->setAccessibleName(tr("Reference image preview"));
    info = new QLabel(q);
    info->setObjectName(QStringLiteral("info"));
    info->setAccessibleName(tr("Reference image size and format"));
    message = new QLabel(q);
    message->setObjectName(QStringLiteral("message"));
    message->setWordWrap(true);
    message->setAccessibleName(tr("Reference image message"));
    message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message->hide();

    buildCropNotice();

    browseButton = new QPushButton(tr("&Browse…"), q);
    browseButton->setObjectName(QStringLiteral("browseButton"));
    browseButton->setAccessibleName(tr("Browse for a reference image"));
    browseButton->setToolTip(tr("Choose the picture SVD starts from (PNG, JPEG, WEBP, BMP, GIF "
                                "or TIFF)"));
    clearButton = new QPushButton(tr("Clear"), q);
    clearButton->setObjectName(QStringLiteral("clearButton"));
    clearButton->setAccessibleName(tr("Clear the reference image"));
    clearButton->setToolTip(tr("Remove the picture"));
    clearButton->setEnabled(false);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(browseButton);
    buttons->addWidget(clearButton);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(q);
    layout->addWidget(thumbnail, 1);
    layout->addWidget(info);
    layout->addWidget(message);
    layout->addWidget(cropNotice);
    layout->addLayout(buttons);

    QObject::connect(browseButton, &QPushButton::clicked, q, [this] { browse(); });
    QObject::connect(clearButton, &QPushButton::clicked, q, [this] { q->setImagePath({}); });
    QObject::connect(cropButton, &QPushButton::clicked, q, [this] { crop(); });
    QObject::connect(shapeButton, &QPushButton::clicked, q, [this] {
        emit q->sizeSuggested(refimage::suggestedSize(header.size, target));
    });
}

void ReferenceImageZone::Private::buildCropNotice()
{
    cropNotice = new QWidget(q);
    cropNotice->setObjectName(QStringLiteral("cropNotice"));
    cropText = new QLabel(cropNotice);
    cropText->setWordWrap(true);
    cropButton = new QPushButton(cropNotice);
    cropButton->setObjectName(QStringLiteral("cropButton"));
    cropButton->setAccessibleName(tr("Crop the picture to the video size"));
    cropButton->setToolTip(tr("Save a centred crop of the picture at the video's size and use it"));
    shapeButton = new QPushButton(tr("Use the picture's shape"), cropNotice);
    shapeButton->setObjectName(QStringLiteral("shapeButton"));
    shapeButton->setAccessibleName(tr("Use the picture's shape"));
    shapeButton->setToolTip(tr("Change the video's width and height to the picture's aspect "
                               "ratio, at about the same number of pixels"));
    auto *noticeLayout = new QVBoxLayout(cropNotice);
    noticeLayout->setContentsMargins(0, 0, 0, 0);
    noticeLayout->addWidget(cropText);
    auto *noticeButtons = new QHBoxLayout;
    noticeButtons->addWidget(cropButton);
    noticeButtons->addWidget(shapeButton);
    noticeButtons->addStretch();
    noticeLayout->addLayout(noticeButtons);
    cropNotice->hide();
}

void ReferenceImageZone::Private::accept(const QString &newPath)
{
    const bool changed = newPath != path;
    path = newPath;
    setError({});
    header = refimage::readHeader(path);
    info->setText(refimage::describe(header));
    info->setToolTip(QDir::toNativeSeparators(path));
    clearButton->setEnabled(true);
    startThumbnail();
    updateCropNotice();
    if (changed)
        emit q->imageChanged(path);
}

void ReferenceImageZone::Private::refuse(const QString &text)
{
    setError(text);
    if (path.isEmpty())
        return;
    path.clear();
    header = {};
    ++generation;
    thumbnail->setPixmap({});
    thumbnail->setText(tr("Drop a picture here, or Browse…"));
    info->clear();
    clearButton->setEnabled(false);
    updateCropNotice();
    emit q->imageChanged({});
}

void ReferenceImageZone::Private::setError(const QString &text)
{
    showMessage(text);
    if (text == error)
        return;
    error = text;
    emit q->errorChanged(error);
}

void ReferenceImageZone::Private::showMessage(const QString &text)
{
    message->setText(text);
    message->setVisible(!text.isEmpty());
}

void ReferenceImageZone::Private::startThumbnail()
{
    const quint64 current = ++generation;
    const qreal ratio = q->devicePixelRatioF();
    const QSize box = thumbnail->minimumSize() * ratio;
    auto *watcher = new QFutureWatcher<QImage>(q);
    QObject::connect(
            watcher, &QFutureWatcher<QImage>::finished, q, [this, watcher, current, ratio] {
                watcher->deleteLater();
                if (current != generation)
                    return;
                QPixmap pixmap = QPixmap::fromImage(watcher->result());
                pixmap.setDevicePixelRatio(ratio);
                thumbnail->setPixmap(pixmap);
                emit q->thumbnailReady();
            });
    watcher->setFuture(QtConcurrent::run(&refimage::readThumbnail, path, box));
}

void ReferenceImageZone::Private::updateCropNotice()
{
    const bool offer = !path.isEmpty() && refimage::aspectDiffers(header.size, target);
    if (offer) {
        const QString sizeText = tr("%1×%2").arg(target.width()).arg(target.height());
        cropText->setText(tr("The picture is %1×%2; SVD will centre-crop it to %3.")
                                  .arg(header.size.width())
                                  .arg(header.size.height())
                                  .arg(sizeText));
        cropButton->setText(tr("Crop to %1").arg(sizeText));
        cropButton->setToolTip(
                tr("Save a centred crop of the picture at exactly %1 and use it").arg(sizeText));
    }
    cropButton->setEnabled(!cropping);
    cropNotice->setVisible(offer);
}

void ReferenceImageZone::Private::crop()
{
    if (path.isEmpty() || cropping)
        return;
    cropping = true;
    updateCropNotice();
    const QString directory = workDirectory.isEmpty() ? QDir::tempPath() : workDirectory;
    auto *watcher = new QFutureWatcher<CropResult>(q);
    QObject::connect(watcher, &QFutureWatcher<CropResult>::finished, q, [this, watcher] {
        watcher->deleteLater();
        cropping = false;
        const CropResult result = watcher->result();
        if (result)
            q->setImagePath(*result);
        else
            showMessage(result.error());
        updateCropNotice();
    });
    watcher->setFuture(QtConcurrent::run(&refimage::writeCrop, path, target, directory));
}

void ReferenceImageZone::Private::browse()
{
    QStringList patterns;
    for (const QString &format : request::referenceImageFormats()) {
        patterns << QStringLiteral("*.") + format;
        if (format == QLatin1String("jpeg"))
            patterns << QStringLiteral("*.jpg");
        if (format == QLatin1String("tiff"))
            patterns << QStringLiteral("*.tif");
    }
    auto *dialog = new QFileDialog(q,
                                   tr("Choose the reference image"),
                                   path.isEmpty() ? QString() : QFileInfo(path).absolutePath(),
                                   tr("Pictures (%1)").arg(patterns.join(QLatin1Char(' '))));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    QObject::connect(dialog, &QFileDialog::fileSelected, q, [this](const QString &file) {
        q->setImagePath(file);
    });
    dialog->open();
}

void ReferenceImageZone::Private::setDragHighlight(bool on)
{
    q->setFrameShadow(on ? QFrame::Sunken : QFrame::Raised);
    q->setBackgroundRole(on ? QPalette::AlternateBase : QPalette::Base);
    showMessage(on ? QString() : error);
}

ReferenceImageZone::ReferenceImageZone(QWidget *parent)
    : QFrame(parent)
    , d(std::make_unique<Private>(this))
{
    setAcceptDrops(true);
    setFrameShape(QFrame::StyledPanel);
    setFrameShadow(QFrame::Raised);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    setAccessibleName(tr("Reference image"));
    setToolTip(tr("Drop one picture here (PNG, JPEG, WEBP, BMP, GIF or TIFF), or Browse…"));
    d->build();
    setFocusProxy(d->browseButton);
}

ReferenceImageZone::~ReferenceImageZone() = default;

QString ReferenceImageZone::imagePath() const
{
    return d->path;
}

QString ReferenceImageZone::errorText() const
{
    return d->error;
}

QSize ReferenceImageZone::imageSize() const
{
    return d->path.isEmpty() ? QSize() : d->header.size;
}

void ReferenceImageZone::setImagePath(const QString &path)
{
    if (path.isEmpty()) {
        d->refuse({});
        return;
    }
    const request::FieldProblems problems = request::validateReferenceImage(path);
    if (!problems.isEmpty())
        d->refuse(problems.first().message);
    else
        d->accept(path);
}

void ReferenceImageZone::setTargetSize(const QSize &size)
{
    if (size == d->target)
        return;
    d->target = size;
    d->updateCropNotice();
}

void ReferenceImageZone::setWorkDirectory(const QString &directory)
{
    d->workDirectory = directory;
}

bool ReferenceImageZone::canAccept(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls())
        return false;
    const QList<QUrl> urls = mime->urls();
    return urls.size() == 1 && urls.first().isLocalFile();
}

void ReferenceImageZone::dragEnterEvent(QDragEnterEvent *event)
{
    const QMimeData *mime = event->mimeData();
    if (canAccept(mime)) {
        event->acceptProposedAction();
        d->setDragHighlight(true);
        return;
    }
    if (mime && mime->urls().size() > 1) {
        // Refused here, so no drop follows: say why now (the current picture stays).
        d->setError(tr("Drop one picture at a time."));
    }
    event->ignore();
}

void ReferenceImageZone::dragLeaveEvent(QDragLeaveEvent *event)
{
    d->setDragHighlight(false);
    QFrame::dragLeaveEvent(event);
}

void ReferenceImageZone::dropEvent(QDropEvent *event)
{
    const QMimeData *mime = event->mimeData();
    d->setDragHighlight(false);
    const QList<QUrl> urls = mime ? mime->urls() : QList<QUrl>();
    if (urls.size() > 1) {
        d->refuse(
                tr("Drop one picture at a time; you dropped %n files.", nullptr, int(urls.size())));
        event->acceptProposedAction();
        return;
    }
    if (!canAccept(mime)) {
        event->ignore();
        return;
    }
    setImagePath(urls.first().toLocalFile());
    event->acceptProposedAction();
}

} // namespace comfyvideo::ui
