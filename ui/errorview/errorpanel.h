#pragma once

#include "errors/error.h"

#include <QWidget>

namespace comfyvideo::ui {

// The inline, non-modal error panel (issue 6): the kind's title, the plain message, the node
// concerned, recovery tips, and the actions that apply — Retry, Retry with lighter settings
// (insufficient VRAM and timeouts, when request::lighterRequest has something lighter), Try
// another server (when another server is configured and the error allows fallback), Open
// settings, Copy details (Error::copyableDetails() to the clipboard), and Dismiss.
class ErrorPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ErrorPanel(QWidget *parent = nullptr);
    ~ErrorPanel() override;

    struct Options
    {
        bool canRetryLighter = false; // a lighter request exists
        QString lighterDescription;   // "16 frames instead of 32" (shown on the button's tip)
        bool otherServerAvailable = false;
    };

    qint64 jobId() const; // 0 when hidden
    void showError(qint64 jobId, const errors::Error &error, const Options &options);
    void clear(); // hides the panel

    // For tests: the visible actions by stable name ("retry", "retry_lighter", "other_server",
    // "open_settings", "copy_details"), the title and the tips shown.
    QStringList visibleActions() const;
    QString titleText() const;
    QString messageText() const;
    QStringList tipTexts() const;
    void trigger(const QString &action); // clicks that action's button

signals:
    void retryRequested(qint64 jobId);
    void retryLighterRequested(qint64 jobId);
    void otherServerRequested(qint64 jobId);
    void settingsRequested();
    void detailsCopied(qint64 jobId);
    void dismissed(qint64 jobId);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace comfyvideo::ui
