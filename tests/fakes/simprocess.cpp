#include "fakes/simprocess.h"

#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QThread>

using namespace Qt::StringLiterals;

namespace comfyvideo::tests {

SimProcess::SimProcess(QStringList extraArguments, QString dataDir)
    : m_arguments(std::move(extraArguments))
    , m_dataDir(std::move(dataDir))
{
    if (m_dataDir.isEmpty()) {
        m_tempDir = std::make_unique<QTemporaryDir>();
        m_dataDir = m_tempDir->path();
    }
}

SimProcess::~SimProcess()
{
    kill();
}

QString SimProcess::executable()
{
    return QString::fromUtf8(CV_COMFYUI_SIM);
}

void SimProcess::setTlsFiles(const QString &certificateFile, const QString &keyFile)
{
    m_tlsArguments = {u"--tls-cert"_s, certificateFile, u"--tls-key"_s, keyFile};
}

bool SimProcess::start(int timeoutMs)
{
    return startOn(0, timeoutMs);
}

bool SimProcess::startOn(quint16 port, int timeoutMs)
{
    kill();
    m_process = std::make_unique<QProcess>();
    m_process->setProgram(executable());
    m_process->setArguments(
            QStringList{u"--port"_s, QString::number(port), u"--data-dir"_s, m_dataDir}
            + m_tlsArguments + m_arguments);
    m_process->start();
    if (!m_process->waitForStarted(timeoutMs))
        return false;
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_process->canReadLine()) {
        if (m_process->state() != QProcess::Running || deadline.hasExpired())
            return false;
        m_process->waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
    }
    const QString line = QString::fromUtf8(m_process->readLine()).trimmed();
    const auto match
            = QRegularExpression(u"^listening on (https?://127\\.0\\.0\\.1:\\d+)$"_s).match(line);
    if (!match.hasMatch())
        return false;
    m_baseUrl = QUrl(match.captured(1));
    return true;
}

void SimProcess::kill()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
    m_stderr += m_process->readAllStandardError();
    m_process.reset();
}

bool SimProcess::restart(int timeoutMs)
{
    kill();
    return start(timeoutMs);
}

bool SimProcess::restartOnSamePort(int timeoutMs)
{
    kill();
    return startOnSamePort(timeoutMs);
}

bool SimProcess::startOnSamePort(int timeoutMs)
{
    const quint16 oldPort = port();
    if (oldPort == 0)
        return false;
    const QDeadlineTimer deadline(timeoutMs);
    // The old socket is gone with the process (the simulator binds with SO_REUSEADDR), but a
    // client connection may briefly hold the port as its local end: try again until then.
    while (true) {
        const int remaining = int(std::max<qint64>(1, deadline.remainingTime()));
        if (startOn(oldPort, remaining) && port() == oldPort)
            return true;
        if (deadline.hasExpired())
            return false;
        QThread::msleep(100);
    }
}

bool SimProcess::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

QUrl SimProcess::url(const QString &pathAndQuery) const
{
    return QUrl(m_baseUrl.toString() + pathAndQuery);
}

QUrl SimProcess::wsUrl(const QString &clientId) const
{
    const QString scheme = m_baseUrl.scheme() == u"https" ? u"wss"_s : u"ws"_s;
    return QUrl(u"%1://127.0.0.1:%2/ws?clientId=%3"_s.arg(scheme).arg(port()).arg(clientId));
}

qint64 SimProcess::pid() const
{
    return m_process ? m_process->processId() : 0;
}

QString SimProcess::errorOutput() const
{
    if (m_process)
        m_stderr += m_process->readAllStandardError();
    return QString::fromUtf8(m_stderr);
}

} // namespace comfyvideo::tests
