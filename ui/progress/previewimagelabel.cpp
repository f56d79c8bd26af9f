#include "progress/previewimagelabel.h"

#include <QPixmap>

namespace comfyvideo::ui {

namespace {

// "image/jpeg" -> "JPEG"; empty lets QImage guess from the content.
QByteArray formatOf(const QString &mimeType)
{
    const qsizetype slash = mimeType.indexOf(u'/');
    if (slash < 0)
        return {};
    return mimeType.mid(slash + 1).toUpper().toLatin1();
}

} // namespace

PreviewImageLabel::PreviewImageLabel(QWidget *parent)
    : QLabel(parent)
{
    setAlignment(Qt::AlignCenter);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    setFrameShape(QFrame::StyledPanel);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setMinimumSize(fontMetrics().averageCharWidth() * 16, fontMetrics().height() * 5);
    setAccessibleName(tr("Live preview"));
    setText(tr("No preview yet"));
}

bool PreviewImageLabel::setImageData(const QByteArray &bytes, const QString &mimeType)
{
    if (bytes.isEmpty() || bytes == m_lastBytes)
        return false;
    QImage decoded = QImage::fromData(bytes, formatOf(mimeType).constData());
    if (decoded.isNull())
        decoded = QImage::fromData(bytes); // a wrong or missing MIME type
    if (decoded.isNull())
        return false; // keep the last good frame
    m_lastBytes = bytes;
    m_image = std::move(decoded);
    rescale();
    return true;
}

void PreviewImageLabel::clearImage()
{
    m_image = {};
    m_lastBytes.clear();
    clear();
    setText(tr("No preview yet"));
}

QSize PreviewImageLabel::sizeHint() const
{
    const QFontMetrics metrics = fontMetrics();
    return {metrics.averageCharWidth() * 40, metrics.height() * 12};
}

void PreviewImageLabel::resizeEvent(QResizeEvent *event)
{
    QLabel::resizeEvent(event);
    rescale();
}

void PreviewImageLabel::rescale()
{
    if (m_image.isNull())
        return;
    const qreal ratio = devicePixelRatioF();
    const QSize target = (contentsRect().size() * ratio).expandedTo(QSize(1, 1));
    QPixmap pixmap = QPixmap::fromImage(
            m_image.scaled(target, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    pixmap.setDevicePixelRatio(ratio);
    setPixmap(pixmap);
}

} // namespace comfyvideo::ui
