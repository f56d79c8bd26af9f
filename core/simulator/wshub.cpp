#include "simulator/wshub.h"

#include "common/logging.h"
#include "simulator/faults.h"

#include <QJsonDocument>
#include <QUrlQuery>
#include <QUuid>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace comfyvideo::simulator {

WsHub::WsHub(const SimulatorConfig &config, const FaultSet *faults, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_faults(faults)
{}

WsHub::~WsHub()
{
    const auto sockets = m_clients.keys();
    m_clients.clear();
    m_sockets.clear();
    for (QWebSocket *socket : sockets) {
        socket->disconnect(this);
        socket->abort();
        delete socket;
    }
}

void WsHub::setQueueRemaining(std::function<int()> queueRemaining)
{
    m_queueRemaining = std::move(queueRemaining);
}

void WsHub::setExecutingNodeFor(std::function<std::optional<QString>(const QString &)> lookup)
{
    m_executingNodeFor = std::move(lookup);
}

QJsonObject WsHub::message(const QString &type, const QJsonObject &data)
{
    return {{u"type"_s, type}, {u"data"_s, data}};
}

void WsHub::addSocket(QWebSocket *socket)
{
    QString sid = QUrlQuery(socket->requestUrl()).queryItemValue(u"clientId"_s, QUrl::FullyDecoded);
    if (sid.isEmpty())
        sid = QUuid::createUuid().toString(QUuid::Id128);
    m_clients.insert(socket, Client{sid});
    m_sockets.insert(sid, socket); // an older socket of this sid is dropped from routing
    connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString &text) {
        onTextMessage(socket, text);
    });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { onDisconnected(socket); });

    const int remaining = m_queueRemaining ? m_queueRemaining() : 0;
    const QJsonObject status{{u"exec_info"_s, QJsonObject{{u"queue_remaining"_s, remaining}}}};
    send(sid, message(u"status"_s, {{u"status"_s, status}, {u"sid"_s, sid}}));
    if (m_executingNodeFor) {
        if (const auto node = m_executingNodeFor(sid))
            send(sid, message(u"executing"_s, {{u"node"_s, *node}}));
    }
}

void WsHub::onTextMessage(QWebSocket *socket, const QString &text)
{
    auto it = m_clients.find(socket);
    if (it == m_clients.end() || it->sawFirstMessage)
        return;
    it->sawFirstMessage = true;
    if (m_config.legacy())
        return; // feature flags arrived with 0.3.45
    const QJsonObject msg = QJsonDocument::fromJson(text.toUtf8()).object();
    if (msg.value(u"type").toString() != u"feature_flags")
        return;
    it->previewMetadata
            = msg.value(u"data").toObject().value(u"supports_preview_metadata").toBool();
    const QJsonObject flags{{u"supports_preview_metadata"_s, true},
                            {u"max_upload_size"_s, 104857600}};
    deliver(socket,
            QJsonDocument(message(u"feature_flags"_s, flags)).toJson(QJsonDocument::Compact),
            false);
}

void WsHub::onDisconnected(QWebSocket *socket)
{
    const auto it = m_clients.find(socket);
    if (it == m_clients.end())
        return;
    // ComfyUI <= 0.3.64 pops the sid when a socket's handler ends, even when a newer socket
    // took that sid meanwhile (reference §3.1, "reconnect trap").
    m_sockets.remove(it->sid);
    m_clients.erase(it);
    socket->deleteLater();
}

void WsHub::deliver(QWebSocket *socket, const QByteArray &payload, bool binary)
{
    auto it = m_clients.find(socket);
    if (it == m_clients.end() || socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (binary)
        socket->sendBinaryMessage(payload);
    else
        socket->sendTextMessage(QString::fromUtf8(payload));
    ++it->sent;
    const auto drop = m_faults ? m_faults->find(u"ws-drop"_s) : std::nullopt;
    if (drop && it->sent >= drop->value) {
        qCDebug(lcSimulator) << "ws-drop: closing socket of" << it->sid << "after" << it->sent;
        socket->close(QWebSocketProtocol::CloseCodeGoingAway);
    }
}

void WsHub::send(const QString &sid, const QJsonObject &msg)
{
    QWebSocket *socket = m_sockets.value(sid);
    if (socket)
        deliver(socket, QJsonDocument(msg).toJson(QJsonDocument::Compact), false);
}

void WsHub::broadcast(const QJsonObject &msg)
{
    const QByteArray payload = QJsonDocument(msg).toJson(QJsonDocument::Compact);
    const auto sockets = m_sockets.values();
    for (QWebSocket *socket : sockets)
        deliver(socket, payload, false);
}

void WsHub::sendOrBroadcast(const QString &sid, const QJsonObject &msg)
{
    if (sid.isEmpty())
        broadcast(msg);
    else
        send(sid, msg);
}

void WsHub::sendBinaryOrBroadcast(const QString &sid, const QByteArray &frame)
{
    if (!sid.isEmpty()) {
        if (QWebSocket *socket = m_sockets.value(sid))
            deliver(socket, frame, true);
        return;
    }
    const auto sockets = m_sockets.values();
    for (QWebSocket *socket : sockets)
        deliver(socket, frame, true);
}

bool WsHub::supportsPreviewMetadata(const QString &sid) const
{
    QWebSocket *socket = m_sockets.value(sid);
    return socket && m_clients.value(socket).previewMetadata;
}

void WsHub::broadcastStatus(int queueRemaining)
{
    const QJsonObject status{{u"exec_info"_s, QJsonObject{{u"queue_remaining"_s, queueRemaining}}}};
    broadcast(message(u"status"_s, {{u"status"_s, status}}));
}

void WsHub::closeAll()
{
    const auto sockets = m_clients.keys();
    for (QWebSocket *socket : sockets)
        socket->close(QWebSocketProtocol::CloseCodeGoingAway);
}

} // namespace comfyvideo::simulator
