#pragma once

// Helpers of the queue/jobs CLI tests: run the real `comfyvideo` executable and read its output.
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStringList>
#include <QUrl>
#include <functional>
#include <memory>

namespace comfyvideo::tests {

struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
    QStringList outLines() const { return out.split(u'\n', Qt::SkipEmptyParts); }
};

inline CliResult runCli(const QStringList &arguments, int timeoutMs = 120000)
{
    QProcess process;
    process.setProgram(QStringLiteral(COMFYVIDEO_EXE));
    process.setArguments(arguments);
    process.start();
    CliResult result;
    if (!process.waitForFinished(timeoutMs) || process.exitStatus() != QProcess::NormalExit) {
        qWarning() << "comfyvideo did not finish normally" << arguments
                   << process.readAllStandardError();
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitCode();
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

// Job ids printed by `queue add`, one a line; empty when any line is not a number.
inline QList<qint64> idsOf(const CliResult &result)
{
    QList<qint64> ids;
    for (const QString &line : result.outLines()) {
        bool ok = false;
        ids << line.trimmed().toLongLong(&ok);
        if (!ok)
            return {};
    }
    return ids;
}

inline QList<QJsonObject> jsonLines(const QString &text)
{
    QList<QJsonObject> objects;
    for (const QString &line : text.split(u'\n', Qt::SkipEmptyParts))
        objects << QJsonDocument::fromJson(line.toUtf8()).object();
    return objects;
}

// A long-running `comfyvideo` (queue run) whose stdout is read line by line as it comes.
class CliProcess
{
public:
    explicit CliProcess(const QStringList &arguments)
    {
        m_process.setProgram(QStringLiteral(COMFYVIDEO_EXE));
        m_process.setArguments(arguments);
    }
    ~CliProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished();
        }
    }

    bool start() { return (m_process.start(), m_process.waitForStarted()); }
    QProcess &process() { return m_process; }
    const QStringList &lines() const { return m_lines; }
    QString errorText() const { return QString::fromUtf8(m_err); }

    // Reads until `done(lines)` holds; false on timeout or when the process ended first.
    bool waitFor(const std::function<bool(const QStringList &)> &done, int timeoutMs)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (!done(m_lines)) {
            if (m_process.state() == QProcess::NotRunning || deadline.hasExpired())
                return (read(), done(m_lines));
            m_process.waitForReadyRead(int(std::min<qint64>(deadline.remainingTime(), 200)));
            read();
        }
        return true;
    }

    // Waits for the exit; the exit code, or -1 when it did not end normally in time.
    int waitForExit(int timeoutMs)
    {
        const bool finished = m_process.waitForFinished(timeoutMs);
        read();
        if (!finished || m_process.exitStatus() != QProcess::NormalExit)
            return -1;
        return m_process.exitCode();
    }

    void killHard()
    {
        m_process.kill(); // SIGKILL
        m_process.waitForFinished();
        read();
    }

private:
    void read()
    {
        m_err += m_process.readAllStandardError();
        m_pending += m_process.readAllStandardOutput();
        qsizetype end;
        while ((end = m_pending.indexOf('\n')) >= 0) {
            m_lines << QString::fromUtf8(m_pending.left(end));
            m_pending.remove(0, end + 1);
        }
    }

    QProcess m_process;
    QByteArray m_pending;
    QByteArray m_err;
    QStringList m_lines;
};

// Lines of `lines` that say "#<id> <state>..." for `state`, as ids.
inline QList<qint64> idsInState(const QStringList &lines, const QString &state)
{
    static const QRegularExpression pattern(QStringLiteral("^#(\\d+) (\\w+)"));
    QList<qint64> ids;
    for (const QString &line : lines) {
        const QRegularExpressionMatch match = pattern.match(line);
        if (match.hasMatch() && match.captured(2) == state)
            ids << match.captured(1).toLongLong();
    }
    return ids;
}

inline QJsonObject getJson(const QUrl &url)
{
    QNetworkAccessManager network;
    std::unique_ptr<QNetworkReply> reply(network.get(QNetworkRequest(url)));
    QSignalSpy spy(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !spy.wait(10000))
        qWarning() << "no answer from" << url;
    return QJsonDocument::fromJson(reply->readAll()).object();
}

} // namespace comfyvideo::tests
