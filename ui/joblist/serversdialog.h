#pragma once

#include <QDialog>
#include <QUrl>
#include <functional>

namespace comfyvideo::ui {

// The minimal Servers dialog (issue 6): the ComfyUI servers the app uses, in priority order;
// add a URL (http/https, checked as you type: scheme, host, no user info), remove, move up/down,
// and Test (the answer: "ComfyUI 0.3.64 · NVIDIA … · 24 GB VRAM · 5 models", or the error's
// plain message). The test itself is done by whoever opened the dialog (no network code here).
class ServersDialog : public QDialog
{
    Q_OBJECT
public:
    // Calls `answer` once, later, with ok and a one-line summary or error message.
    using Tester = std::function<void(const QUrl &url,
                                      std::function<void(bool ok, const QString &message)> answer)>;

    ServersDialog(QList<QUrl> servers, Tester tester, QWidget *parent = nullptr);
    ~ServersDialog() override;

    QList<QUrl> servers() const; // as edited (valid URLs only), in priority order

    // For tests: drive the dialog without mouse work.
    bool addServer(const QString &text); // false (and a message shown) when invalid
    void removeServer(int row);
    void testServer(int row);
    QString statusText(int row) const; // the test's answer for that row ("" before a test)
    QString inputError() const;

signals:
    void testFinished(int row, bool ok);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace comfyvideo::ui
