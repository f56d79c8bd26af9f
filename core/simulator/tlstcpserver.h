#pragma once

#include <QString>
#include <QTcpServer>
#include <chrono>
#include <expected>
#include <memory>

namespace comfyvideo::simulator {

using namespace std::chrono_literals;

// A QTcpServer that serves plain TCP until it is given a certificate and key; from then on it
// runs the TLS server handshake on every accepted connection and hands the socket (a
// QSslSocket) out as a pending connection only once it is encrypted. Connections whose
// handshake fails or takes longer than HandshakeTimeout are dropped without a trace.
class TlsTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds HandshakeTimeout = 10s;

    explicit TlsTcpServer(QObject *parent = nullptr);
    ~TlsTcpServer() override;

    // PEM files: the certificate chain (the server's certificate first, then any
    // intermediates) and its private key (EC or RSA, unencrypted). Call before listen().
    std::expected<void, QString> setTlsFiles(const QString &certificateFile,
                                             const QString &keyFile);
    bool isTls() const;

    // Aborts the connections whose handshake is still running.
    void abortHandshakes();

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    struct Tls;
    std::unique_ptr<Tls> m_tls;
};

} // namespace comfyvideo::simulator
