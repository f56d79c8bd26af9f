#pragma once

#include <QObject>

class QWidget;

namespace comfyvideo::gui {

// The start-up report for bench_startup: when the environment variable
// COMFYVIDEO_STARTUP_REPORT is set, prints "startup first-paint-ms=<ms>" to stderr once, when
// the watched window is first painted. The time counts from the process's start as the kernel
// recorded it (/proc/self/stat starttime, so loading Qt's libraries is included; 10 ms
// resolution, compared with CLOCK_BOOTTIME); -1 when /proc is not readable.
class StartupProbe : public QObject
{
    Q_OBJECT
public:
    static bool enabled();
    // Milliseconds since the process started (see above).
    static qint64 msSinceProcessStart();

    explicit StartupProbe(QObject *parent = nullptr);
    void watch(QWidget *window);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void report();
    QWidget *m_window = nullptr;
    bool m_reported = false;
};

} // namespace comfyvideo::gui
