#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>
#include <memory>

namespace comfyvideo::tests {

// Runs comfyui-sim as a separate process on port 0 with a temporary data dir (or a given
// one), reads the port from its first stdout line ("listening on http://127.0.0.1:PORT", or
// https:// when TLS files are set). For tests: start() blocks (without an event loop) until
// the line arrives.
class SimProcess
{
public:
    explicit SimProcess(QStringList extraArguments = {}, QString dataDir = {});
    ~SimProcess();
    SimProcess(const SimProcess &) = delete;
    SimProcess &operator=(const SimProcess &) = delete;

    // Serve HTTPS/WSS with these PEM files (--tls-cert, --tls-key) from the next start() on.
    void setTlsFiles(const QString &certificateFile, const QString &keyFile);

    bool start(int timeoutMs = 15000);
    void kill();                         // SIGKILL and wait
    bool restart(int timeoutMs = 15000); // kill, then start again on the same data dir
    // kill -9, then start again on the same data dir AND the same port (a server that
    // vanished and came back). Retries for up to `timeoutMs` while the port is briefly busy.
    bool restartOnSamePort(int timeoutMs = 15000);
    // Starts a killed process again on its old port (see restartOnSamePort()).
    bool startOnSamePort(int timeoutMs = 15000);

    bool isRunning() const;
    QUrl baseUrl() const { return m_baseUrl; }
    QUrl url(const QString &pathAndQuery) const; // baseUrl + "/view?..."
    QUrl wsUrl(const QString &clientId) const;   // ws(s)://127.0.0.1:PORT/ws?clientId=...
    quint16 port() const { return quint16(m_baseUrl.port()); }
    qint64 pid() const;
    QString dataDir() const { return m_dataDir; }
    QString errorOutput() const; // what the process wrote to stderr so far
    QStringList arguments() const { return m_arguments; }
    static QString executable();

private:
    bool startOn(quint16 port, int timeoutMs);

    QStringList m_arguments;
    QStringList m_tlsArguments;
    std::unique_ptr<QTemporaryDir> m_tempDir;
    QString m_dataDir;
    std::unique_ptr<QProcess> m_process;
    QUrl m_baseUrl;
    mutable QByteArray m_stderr;
};

} // namespace comfyvideo::tests
