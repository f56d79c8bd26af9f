#include "simulator/framerenderer.h"

#include <QCryptographicHash>
#include <QLinearGradient>
#include <QPainter>
#include <QtMath>
#include <algorithm>

namespace comfyvideo::simulator {

namespace {

// Segments a..g of the digits 0-9.
constexpr std::array<quint8, 10> DigitSegments{
        0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F};

void drawDigit(QPainter &p, int digit, QRectF box)
{
    const qreal w = box.width();
    const qreal h = box.height();
    const qreal t = std::max<qreal>(1.0, w / 5);
    const QRectF segs[7] = {
            {box.left(), box.top(), w, t},                  // a
            {box.right() - t, box.top(), t, h / 2},         // b
            {box.right() - t, box.top() + h / 2, t, h / 2}, // c
            {box.left(), box.bottom() - t, w, t},           // d
            {box.left(), box.top() + h / 2, t, h / 2},      // e
            {box.left(), box.top(), t, h / 2},              // f
            {box.left(), box.top() + (h - t) / 2, w, t},    // g
    };
    for (int s = 0; s < 7; ++s) {
        if (DigitSegments[std::size_t(digit)] & (1 << s))
            p.fillRect(segs[s], Qt::white);
    }
}

} // namespace

FrameRenderer::FrameRenderer(const ClipSpec &clip)
    : m_clip(clip)
{
    m_clip.width = std::max(1, m_clip.width);
    m_clip.height = std::max(1, m_clip.height);
    const QByteArray hash = QCryptographicHash::hash(
            (m_clip.seed + u'\n' + m_clip.prompt + u'\n' + m_clip.videoTag).toUtf8(),
            QCryptographicHash::Sha256);
    for (std::size_t i = 0; i < m_palette.size(); ++i) {
        const auto *b = reinterpret_cast<const uchar *>(hash.constData()) + i * 3;
        m_palette[i] = qRgb(b[0], b[1], b[2]);
    }
    if (!m_clip.imagePath.isEmpty())
        m_source = QImage(m_clip.imagePath).convertToFormat(QImage::Format_RGB32);
}

QImage FrameRenderer::frame(int index) const
{
    QImage image(m_clip.width, m_clip.height, QImage::Format_RGB32);
    if (!m_source.isNull())
        drawImagePan(image, index);
    else
        drawAnimation(image, index);
    drawNumber(image, index);
    return image;
}

void FrameRenderer::drawAnimation(QImage &image, int index) const
{
    const qreal w = image.width();
    const qreal h = image.height();
    const qreal t = index / 16.0;
    QPainter p(&image);
    QLinearGradient gradient(0, 0, w, h);
    gradient.setColorAt(0, QColor(m_palette[0]));
    gradient.setColorAt(1, QColor(m_palette[1]));
    p.fillRect(image.rect(), gradient);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    const qreal r = std::min(w, h) / 5;
    p.setBrush(QColor(m_palette[2]));
    p.drawEllipse(
            QPointF(w / 2 + std::cos(t * 2 * M_PI) * w / 4, h / 2 + std::sin(t * 2 * M_PI) * h / 4),
            r,
            r);
    p.setBrush(QColor(m_palette[3]));
    const qreal x = std::fmod(t * w * 0.5, w + r) - r;
    p.drawRect(QRectF(x, h * 0.7, r * 1.5, r));
}

void FrameRenderer::drawImagePan(QImage &image, int index) const
{
    const int frames = std::max(1, m_clip.frames - 1);
    const qreal progress = qreal(index) / frames;
    const qreal zoom = 1.0 + 0.15 * progress;
    const qreal cover = std::max(qreal(image.width()) / m_source.width(),
                                 qreal(image.height()) / m_source.height());
    const qreal scale = cover * zoom;
    const qreal sw = m_source.width() * scale;
    const qreal sh = m_source.height() * scale;
    const qreal dx = (image.width() - sw) / 2 - progress * (sw - image.width()) / 2;
    const qreal dy = (image.height() - sh) / 2;
    QPainter p(&image);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.drawImage(QRectF(dx, dy, sw, sh), m_source);
}

void FrameRenderer::drawNumber(QImage &image, int number)
{
    const QString digits = QString::number(number);
    const qreal h = std::max(5.0, image.height() / 8.0);
    const qreal w = h / 2;
    QPainter p(&image);
    qreal x = h / 4;
    for (const QChar c : digits) {
        drawDigit(p, c.digitValue(), QRectF(x, h / 4, w, h));
        x += w * 1.5;
    }
}

QImage FrameRenderer::preview(int step, int steps, int maxSide) const
{
    QImage image = frame(0);
    if (image.width() > maxSide || image.height() > maxSide)
        image = image.scaled(maxSide, maxSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    const qreal noise = 1.0 - qreal(step) / std::max(1, steps);
    QPainter p(&image);
    p.setOpacity(noise * 0.85);
    p.fillRect(image.rect(), QColor(m_palette[step % 4]).darker(150));
    return image;
}

} // namespace comfyvideo::simulator
