#pragma once

#include <QObject>

class QWidget;

namespace comfyvideo::gui {

// Emits painted() once, right after its window's first paint (or after waitMs when no paint
// comes, e.g. a minimised start), then deletes itself. GuiApp starts the heavier work (store,
// servers, demo simulator) from there so that the first paint waits for none of it.
class FirstPaintWatcher : public QObject
{
    Q_OBJECT
public:
    explicit FirstPaintWatcher(QWidget *window, int waitMs = 500);

signals:
    void painted();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void fire();
    bool m_fired = false;
};

} // namespace comfyvideo::gui
