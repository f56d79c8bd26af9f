#pragma once

#include <QList>
#include <QtGlobal>

namespace comfyvideo::bench {

// Memory and CPU figures of a process from /proc and getrusage (Linux).

// A "VmXXX:" field of /proc/<pid>/status in KiB (pid 0: this process), -1 when unreadable.
qint64 statusKiB(qint64 pid, const char *field);
inline qint64 residentKiB(qint64 pid = 0)
{
    return statusKiB(pid, "VmRSS");
}
inline qint64 peakResidentKiB(qint64 pid = 0)
{
    return statusKiB(pid, "VmHWM");
}

// Resets this process's VmHWM to its current RSS (writes "5" to /proc/self/clear_refs).
bool resetPeakResident();

// User + system CPU time this process has used so far, in milliseconds.
double cpuMs();

// The q-quantile (0..1, nearest rank) of `values`; 0 when empty.
double quantile(QList<double> values, double q);
double mean(const QList<double> &values);

} // namespace comfyvideo::bench
