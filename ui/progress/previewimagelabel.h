#pragma once

#include <QImage>
#include <QLabel>

namespace comfyvideo::ui {

// The server's live preview frame, scaled to the label keeping its aspect (and sharp on
// High-DPI screens). Bytes that do not decode keep the last good image.
class PreviewImageLabel : public QLabel
{
    Q_OBJECT
public:
    explicit PreviewImageLabel(QWidget *parent = nullptr);

    // Decodes and shows `bytes` when they differ from the last ones; returns whether the shown
    // image changed. Empty or undecodable bytes change nothing.
    bool setImageData(const QByteArray &bytes, const QString &mimeType);
    void clearImage();
    bool hasImage() const { return !m_image.isNull(); }
    QImage image() const { return m_image; }

    QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void rescale();

    QImage m_image;
    QByteArray m_lastBytes;
};

} // namespace comfyvideo::ui
