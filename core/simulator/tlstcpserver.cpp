#include "simulator/tlstcpserver.h"

#include "common/logging.h"

#include <QCoreApplication>
#include <QFile>
#include <QList>
#include <QPointer>
#include <QTimer>
#if QT_CONFIG(ssl)
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#endif

namespace comfyvideo::simulator {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TlsTcpServer", text);
}

} // namespace

struct TlsTcpServer::Tls
{
#if QT_CONFIG(ssl)
    QSslConfiguration configuration;
    QList<QPointer<QSslSocket>> handshakes;
#endif
};

TlsTcpServer::TlsTcpServer(QObject *parent)
    : QTcpServer(parent)
{}

TlsTcpServer::~TlsTcpServer()
{
    abortHandshakes();
}

bool TlsTcpServer::isTls() const
{
    return m_tls != nullptr;
}

#if QT_CONFIG(ssl)

namespace {

std::expected<QByteArray, QString> readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(tr("cannot read %1: %2").arg(path, file.errorString()));
    return file.readAll();
}

// An unencrypted PEM private key of any algorithm Qt's TLS backend knows.
QSslKey parseKey(const QByteArray &pem)
{
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Ec, QSsl::Rsa, QSsl::Dsa}) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    return {};
}

} // namespace

std::expected<void, QString> TlsTcpServer::setTlsFiles(const QString &certificateFile,
                                                       const QString &keyFile)
{
    if (!QSslSocket::supportsSsl())
        return std::unexpected(tr("this Qt has no working TLS backend"));
    const auto certificates = readFile(certificateFile);
    if (!certificates)
        return std::unexpected(certificates.error());
    const QList<QSslCertificate> chain = QSslCertificate::fromData(*certificates, QSsl::Pem);
    if (chain.isEmpty())
        return std::unexpected(tr("no PEM certificate in %1").arg(certificateFile));
    const auto keyPem = readFile(keyFile);
    if (!keyPem)
        return std::unexpected(keyPem.error());
    const QSslKey key = parseKey(*keyPem);
    if (key.isNull())
        return std::unexpected(tr("no unencrypted PEM private key in %1").arg(keyFile));
    auto tls = std::make_unique<Tls>();
    tls->configuration = QSslConfiguration::defaultConfiguration();
    tls->configuration.setLocalCertificateChain(chain);
    tls->configuration.setPrivateKey(key);
    tls->configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // no client certificates
    m_tls = std::move(tls);
    return {};
}

void TlsTcpServer::abortHandshakes()
{
    if (!m_tls)
        return;
    const auto handshakes = std::exchange(m_tls->handshakes, {});
    for (const QPointer<QSslSocket> &socket : handshakes) {
        if (socket) {
            socket->disconnect(this);
            socket->abort();
            socket->deleteLater();
        }
    }
}

void TlsTcpServer::incomingConnection(qintptr socketDescriptor)
{
    if (!m_tls)
        return QTcpServer::incomingConnection(socketDescriptor);
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    m_tls->handshakes.removeAll(nullptr);
    m_tls->handshakes.append(socket);
    const auto drop = [this, socket] {
        qCDebug(lcSimulator) << "TLS handshake failed:" << socket->errorString();
        m_tls->handshakes.removeAll(socket);
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    };
    connect(socket, &QSslSocket::errorOccurred, this, drop);
    QTimer::singleShot(HandshakeTimeout, this, [this, socket = QPointer<QSslSocket>(socket), drop] {
        if (socket && m_tls->handshakes.contains(socket))
            drop();
    });
    connect(socket, &QSslSocket::encrypted, this, [this, socket] {
        socket->disconnect(this);
        m_tls->handshakes.removeAll(socket);
        addPendingConnection(socket);
        emit newConnection();
    });
    socket->setSslConfiguration(m_tls->configuration);
    socket->startServerEncryption();
}

#else // no TLS in this Qt

std::expected<void, QString> TlsTcpServer::setTlsFiles(const QString &, const QString &)
{
    return std::unexpected(tr("this Qt was built without TLS support"));
}

void TlsTcpServer::abortHandshakes() {}

void TlsTcpServer::incomingConnection(qintptr socketDescriptor)
{
    QTcpServer::incomingConnection(socketDescriptor);
}

#endif

} // namespace comfyvideo::simulator
