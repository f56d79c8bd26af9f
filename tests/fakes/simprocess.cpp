#include "fakes/simprocess.h"

#include <QDeadlineTimer>
#include <QRegularExpression>

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

bool SimProcess::start(int timeoutMs)
{
    kill();
    m_process = std::make_unique<QProcess>();
    m_process->setProgram(executable());
    m_process->setArguments(QStringList{u"--port"_s, u"0"_s, u"--data-dir"_s, m_dataDir}
                            + m_arguments);
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
            = QRegularExpression(u"^listening on (http://127\\.0\\.0\\.1:\\d+)$"_s).match(line);
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
    return QUrl(u"ws://127.0.0.1:%1/ws?clientId=%2"_s.arg(port()).arg(clientId));
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
