#pragma once

#include "simulator/simulatorconfig.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <functional>
#include <optional>

class QWebSocket;

namespace comfyvideo::simulator {

class FaultSet;

// The /ws side of the simulator: sid -> socket routing as ComfyUI 0.3.64 does it (reference
// §3.1), the on-connect status, the feature-flag handshake, binary frames and the ws-drop fault.
class WsHub : public QObject
{
    Q_OBJECT
public:
    WsHub(const SimulatorConfig &config, const FaultSet *faults, QObject *parent = nullptr);
    ~WsHub() override;

    // Takes ownership of a socket whose handshake completed.
    void addSocket(QWebSocket *socket);

    // Queue size for the on-connect status.
    void setQueueRemaining(std::function<int()> queueRemaining);
    // The node the given sid's running prompt executes now, for the on-reconnect `executing`.
    void setExecutingNodeFor(std::function<std::optional<QString>(const QString &sid)> lookup);

    static QJsonObject message(const QString &type, const QJsonObject &data);

    void send(const QString &sid, const QJsonObject &message); // dropped when sid has no socket
    void broadcast(const QJsonObject &message);
    // To the sid, or to everyone when sid is empty (progress, previews, interrupted).
    void sendOrBroadcast(const QString &sid, const QJsonObject &message);
    void sendBinaryOrBroadcast(const QString &sid, const QByteArray &frame);
    bool supportsPreviewMetadata(const QString &sid) const;
    void broadcastStatus(int queueRemaining);

    int connectionCount() const { return int(m_clients.size()); }
    void closeAll();

private:
    struct Client
    {
        QString sid;
        int sent = 0;
        bool sawFirstMessage = false;
        bool previewMetadata = false;
    };

    void onTextMessage(QWebSocket *socket, const QString &text);
    void onDisconnected(QWebSocket *socket);
    void deliver(QWebSocket *socket, const QByteArray &payload, bool binary);

    SimulatorConfig m_config;
    const FaultSet *m_faults;
    std::function<int()> m_queueRemaining;
    std::function<std::optional<QString>(const QString &)> m_executingNodeFor;
    QHash<QWebSocket *, Client> m_clients;
    QHash<QString, QWebSocket *> m_sockets; // sid -> socket
};

} // namespace comfyvideo::simulator
