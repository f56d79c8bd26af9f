#pragma once

#include "backends/backend.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace comfyvideo::ui {

// Coalesces progress floods (design.md "Progress"): push() keeps only the latest value per job;
// at most one progressReady() per job per interval (default 33 ms, about 30 a second) carries
// the latest value. A pushed value is never lost for good: the last one of a burst is always
// delivered. Phase changes and Done are delivered at the next tick like the rest.
class ProgressCoalescer : public QObject
{
    Q_OBJECT
public:
    explicit ProgressCoalescer(QObject *parent = nullptr);

    void setInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds interval() const;

    void push(qint64 jobId, const backends::JobProgress &progress);
    void forget(qint64 jobId); // a finished job: drop what is pending for it
    void flush();              // deliver what is pending now (tests, job end)

    qint64 pushedCount() const { return m_pushed; }
    qint64 deliveredCount() const { return m_delivered; }

signals:
    void progressReady(qint64 jobId, const comfyvideo::backends::JobProgress &progress);

private:
    void deliver();

    QHash<qint64, backends::JobProgress> m_pending;
    QTimer m_timer;
    qint64 m_pushed = 0;
    qint64 m_delivered = 0;
};

} // namespace comfyvideo::ui
