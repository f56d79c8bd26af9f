#include "gui/firstpaintwatcher.h"

#include <QEvent>
#include <QTimer>
#include <QWidget>

namespace comfyvideo::gui {

FirstPaintWatcher::FirstPaintWatcher(QWidget *window, int waitMs)
    : QObject(window)
{
    window->installEventFilter(this);
    QTimer::singleShot(waitMs, this, &FirstPaintWatcher::fire);
}

bool FirstPaintWatcher::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Paint && watched == parent())
        QTimer::singleShot(0, this, &FirstPaintWatcher::fire); // after this paint
    return QObject::eventFilter(watched, event);
}

void FirstPaintWatcher::fire()
{
    if (m_fired)
        return;
    m_fired = true;
    emit painted();
    deleteLater();
}

} // namespace comfyvideo::gui
