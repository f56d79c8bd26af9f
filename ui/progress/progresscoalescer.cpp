#include "progress/progresscoalescer.h"

#include <utility>

namespace comfyvideo::ui {

using namespace std::chrono_literals;

ProgressCoalescer::ProgressCoalescer(QObject *parent)
    : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(33ms);
    connect(&m_timer, &QTimer::timeout, this, &ProgressCoalescer::deliver);
}

void ProgressCoalescer::setInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

std::chrono::milliseconds ProgressCoalescer::interval() const
{
    return m_timer.intervalAsDuration();
}

void ProgressCoalescer::push(qint64 jobId, const backends::JobProgress &progress)
{
    m_pending.insert(jobId, progress);
    ++m_pushed;
    // The timer keeps running while values come in and stops at the first empty tick, so a
    // burst is delivered at most once per interval and its last value at the next tick.
    if (!m_timer.isActive())
        m_timer.start();
}

void ProgressCoalescer::forget(qint64 jobId)
{
    m_pending.remove(jobId);
}

void ProgressCoalescer::flush()
{
    deliver();
}

void ProgressCoalescer::deliver()
{
    if (m_pending.isEmpty()) {
        m_timer.stop();
        return;
    }
    // Take the batch first: a receiver may push again (or forget) while we emit.
    const QHash<qint64, backends::JobProgress> batch = std::exchange(m_pending, {});
    for (auto it = batch.cbegin(); it != batch.cend(); ++it) {
        ++m_delivered;
        emit progressReady(it.key(), it.value());
    }
}

} // namespace comfyvideo::ui
