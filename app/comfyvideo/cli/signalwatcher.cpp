#include "cli/signalwatcher.h"

#include <QSocketNotifier>

#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace comfyvideo::cli {

SignalWatcher::SignalWatcher(QObject *parent)
    : QObject(parent)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigemptyset(&m_oldMask);
    if (pthread_sigmask(SIG_BLOCK, &mask, &m_oldMask) != 0)
        return;
    m_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (m_fd < 0) {
        pthread_sigmask(SIG_SETMASK, &m_oldMask, nullptr);
        return;
    }
    m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SignalWatcher::onReadable);
}

SignalWatcher::~SignalWatcher()
{
    if (m_fd < 0)
        return;
    delete m_notifier;
    ::close(m_fd);
    pthread_sigmask(SIG_SETMASK, &m_oldMask, nullptr);
}

void SignalWatcher::onReadable()
{
    signalfd_siginfo info{};
    while (::read(m_fd, &info, sizeof info) == ssize_t(sizeof info))
        emit received(int(info.ssi_signo));
}

} // namespace comfyvideo::cli
