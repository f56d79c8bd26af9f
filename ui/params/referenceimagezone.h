#pragma once

#include <QFrame>
#include <QSize>
#include <QString>

class QMimeData;

namespace comfyvideo::ui {

// The SVD start picture (issue 6): drop a file on it or Browse…; shows a thumbnail, the pixel
// size and the format. Refuses, with a message naming the file and the reason
// (request::validateReferenceImage): non-images, unreadable files, absurd sizes, folders, and
// drops of several files ("Drop one picture at a time"). The thumbnail is decoded off the GUI
// thread (scaled while reading, never the full picture).
//
// When the picture's aspect ratio differs from the target size, it offers the two fixes SVD
// needs: "Crop to W×H" (a centred crop scaled to exactly the target size, written as PNG into the
// work directory off the GUI thread, then used as the picture) and "Use the picture's shape"
// (sizeSuggested() with the picture's aspect at about the target's pixel count, multiples of 64).
class ReferenceImageZone : public QFrame
{
    Q_OBJECT
public:
    explicit ReferenceImageZone(QWidget *parent = nullptr);
    ~ReferenceImageZone() override;

    QString imagePath() const; // empty when none (or refused)
    QString errorText() const; // the message shown for the last refused file; empty when none
    QSize imageSize() const;   // of the accepted picture, from its header
    void setImagePath(const QString &path); // validates like a drop (empty clears)
    void setTargetSize(const QSize &size);  // the request's width x height
    void setWorkDirectory(const QString &directory);

    // The zone's decision for a drag: true when it carries exactly one local file.
    static bool canAccept(const QMimeData *mime);

signals:
    void imageChanged(const QString &path); // accepted picture, or empty when cleared
    void sizeSuggested(const QSize &size);  // "Use the picture's shape"
    void thumbnailReady();                  // the thumbnail of the current picture is shown
    void errorChanged(const QString &text); // errorText() changed (empty: no refusal shown)

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace comfyvideo::ui
