#include "gui/startupprobe.h"

#include <QEvent>
#include <QFile>
#include <QTimer>
#include <QWidget>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace comfyvideo::gui {

namespace {

// The process's start in ms since boot, from field 22 of /proc/self/stat; -1 when unknown.
qint64 processStartMs()
{
    QFile file(QStringLiteral("/proc/self/stat"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = file.readAll();
    // The command name (field 2) is in parentheses and may hold spaces: count after the last ')'.
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return -1;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    constexpr int StartTimeAfterName = 22 - 3; // fields[0] is field 3 (state)
    if (fields.size() <= StartTimeAfterName)
        return -1;
    bool ok = false;
    const qint64 ticks = fields.at(StartTimeAfterName).toLongLong(&ok);
    const long hz = sysconf(_SC_CLK_TCK);
    if (!ok || hz <= 0)
        return -1;
    return ticks * 1000 / hz;
}

qint64 bootTimeNowMs()
{
    timespec now{};
    if (clock_gettime(CLOCK_BOOTTIME, &now) != 0)
        return -1;
    return qint64(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

} // namespace

bool StartupProbe::enabled()
{
    return qEnvironmentVariableIsSet("COMFYVIDEO_STARTUP_REPORT");
}

qint64 StartupProbe::msSinceProcessStart()
{
    const qint64 start = processStartMs();
    const qint64 now = bootTimeNowMs();
    if (start >= 0 && now >= start)
        return now - start;
    return -1;
}

StartupProbe::StartupProbe(QObject *parent)
    : QObject(parent)
{}

void StartupProbe::watch(QWidget *window)
{
    m_window = window;
    window->installEventFilter(this);
}

bool StartupProbe::eventFilter(QObject *watched, QEvent *event)
{
    if (!m_reported && watched == m_window) {
        if (event->type() == QEvent::Paint) {
            report();
        } else if (event->type() == QEvent::UpdateRequest) {
            // The paint runs inside this event: report right after it.
            QTimer::singleShot(0, this, [this] { report(); });
        }
    }
    return QObject::eventFilter(watched, event);
}

void StartupProbe::report()
{
    if (m_reported)
        return;
    m_reported = true;
    std::fprintf(
            stderr, "startup first-paint-ms=%lld\n", static_cast<long long>(msSinceProcessStart()));
    std::fflush(stderr);
    if (m_window)
        m_window->removeEventFilter(this);
}

} // namespace comfyvideo::gui
