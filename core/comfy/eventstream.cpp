#include "comfy/eventstream.h"

#include "comfy/httprequest.h"
#include "comfy/messageparser.h"
#include "common/logging.h"

#include <QRandomGenerator>
#include <QWebSocket>
#include <cmath>
#if QT_CONFIG(ssl)
#include <QSslConfiguration>
#include <QSslSocket>
#endif

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy {

namespace {

#if QT_CONFIG(ssl)
// QWebSocket takes its TLS settings from setSslConfiguration(), not from the request: the
// system CAs plus the server's extra CA file, like prepareRequest() gives HTTPS requests.
// Verification stays on; TLS errors are never ignored.
QSslConfiguration verifyingConfiguration(const ServerConfig &config)
{
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (!config.extraCaFile.isEmpty())
        ssl.addCaCertificates(config.extraCaFile, QSsl::Pem);
    ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
    return ssl;
}
#endif

} // namespace

EventStream::EventStream(ServerConfig config,
                         const common::SecretStore *secrets,
                         QString clientId,
                         QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_secrets(secrets)
    , m_clientId(std::move(clientId))
    , m_random([] { return QRandomGenerator::global()->generateDouble(); })
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &EventStream::connectSocket);
    m_openTimer.setSingleShot(true);
    connect(&m_openTimer, &QTimer::timeout, this, [this] {
        qCDebug(lcComfyWs) << "open timed out";
        emit connectionFailed(u"timeout"_s);
        dropSocket();
        scheduleReconnect();
    });
}

EventStream::~EventStream()
{
    m_wanted = false;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        delete m_socket;
    }
}

std::chrono::milliseconds
EventStream::backoffDelay(int attempt, const Timing &timing, double random01)
{
    const int exponent = std::clamp(attempt - 1, 0, 30);
    const double base = std::min(double(timing.initialBackoff.count()) * std::pow(2.0, exponent),
                                 double(timing.maxBackoff.count()));
    const double factor = 1.0 + timing.jitter * (2.0 * std::clamp(random01, 0.0, 1.0) - 1.0);
    return std::chrono::milliseconds(qint64(std::max(1.0, base * factor)));
}

void EventStream::open()
{
    m_wanted = true;
    if (!m_socket && !m_reconnectTimer.isActive())
        connectSocket();
}

void EventStream::close()
{
    m_wanted = false;
    m_reconnectTimer.stop();
    dropSocket();
}

void EventStream::connectSocket()
{
    if (!m_wanted)
        return;
    dropSocket();
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    connect(socket, &QWebSocket::connected, this, &EventStream::onConnected);
    connect(socket, &QWebSocket::disconnected, this, &EventStream::onDisconnected);
    connect(socket, &QWebSocket::textMessageReceived, this, &EventStream::onText);
    connect(socket,
            qOverload<QAbstractSocket::SocketError>(&QWebSocket::error),
            this,
            [this](QAbstractSocket::SocketError) {
                if (m_connected)
                    return; // disconnected() follows
                qCDebug(lcComfyWs)
                        << "open failed" << (m_socket ? m_socket->errorString() : QString());
                emit connectionFailed(m_socket ? m_socket->errorString() : QString());
                dropSocket();
                scheduleReconnect();
            });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &frame) {
        emit binaryReceived(ws::parseBinaryMessage(frame));
    });
    QNetworkRequest request(m_config.webSocketUrl(m_clientId));
    prepareRequest(request, m_config, m_secrets);
#if QT_CONFIG(ssl)
    if (request.url().scheme() == u"wss")
        socket->setSslConfiguration(verifyingConfiguration(m_config));
#endif
    qCDebug(lcComfyWs) << "connecting" << request.url().toString(QUrl::RemoveUserInfo);
    m_openTimer.start(m_timing.openTimeout);
    socket->open(request);
}

// Closes the current socket (cleanly when open) without triggering a reconnect.
void EventStream::dropSocket()
{
    m_openTimer.stop();
    if (m_socket) {
        QWebSocket *old = m_socket;
        old->disconnect(this);
        if (old->state() == QAbstractSocket::ConnectedState)
            old->close(QWebSocketProtocol::CloseCodeNormal);
        else
            old->abort();
        old->deleteLater();
        m_socket = nullptr;
    }
    if (m_connected) {
        m_connected = false;
        emit connectedChanged(false);
    }
}

void EventStream::onConnected()
{
    m_openTimer.stop();
    m_attempt = 0;
    ++m_connectCount;
    m_awaitingFirstStatus = true;
    m_socket->sendTextMessage(QString::fromUtf8(ws::featureFlagsMessage()));
    m_connected = true;
    qCDebug(lcComfyWs) << "connected";
    emit connectedChanged(true);
}

void EventStream::onDisconnected()
{
    qCDebug(lcComfyWs) << "disconnected" << (m_socket ? m_socket->closeReason() : QString());
    emit connectionFailed(m_socket ? m_socket->errorString() : QString());
    dropSocket();
    scheduleReconnect();
}

void EventStream::onText(const QString &message)
{
    const ws::Event event = ws::parseTextMessage(message.toUtf8());
    if (m_awaitingFirstStatus) {
        if (const auto *status = std::get_if<ws::Status>(&event); status) {
            m_awaitingFirstStatus = false;
            if (!status->sid.isEmpty() && status->sid != m_sid) {
                m_sid = status->sid;
                emit sidReceived(m_sid);
            }
        }
    }
    emit eventReceived(event);
}

void EventStream::scheduleReconnect()
{
    if (!m_wanted || m_reconnectTimer.isActive())
        return;
    ++m_attempt;
    const auto delay = backoffDelay(m_attempt, m_timing, m_random());
    qCDebug(lcComfyWs) << "reconnect" << m_attempt << "in" << delay.count() << "ms";
    emit reconnectScheduled(m_attempt, delay);
    m_reconnectTimer.start(delay);
}

} // namespace comfyvideo::comfy
