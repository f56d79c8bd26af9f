#pragma once

#include <QObject>

#include <csignal>

class QSocketNotifier;

namespace comfyvideo::cli {

// Turns SIGINT and SIGTERM into a Qt signal on the event loop (Linux signalfd): while the
// watcher lives the two signals are blocked for the calling thread (and for the threads it
// starts) and read from a descriptor instead, so no handler and no global state is involved.
// Create it before any other thread is started; the old mask is restored on destruction.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

    bool isValid() const { return m_fd >= 0; }

signals:
    void received(int signalNumber);

private:
    void onReadable();

    int m_fd = -1;
    sigset_t m_oldMask;
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace comfyvideo::cli
