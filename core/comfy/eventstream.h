#pragma once

#include "comfy/serverconfig.h"
#include "comfy/wsevents.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>

class QWebSocket;

namespace comfyvideo::common {
class SecretStore;
}

namespace comfyvideo::comfy {

// The /ws connection to one server: announces preview metadata support first, learns the sid
// from the first status, reconnects after drops with exponential backoff and jitter (the old
// socket is closed first, the clientId is kept so queued prompts still reach us).
class EventStream : public QObject
{
    Q_OBJECT
public:
    struct Timing
    {
        std::chrono::milliseconds initialBackoff = 250ms;
        std::chrono::milliseconds maxBackoff = 10s;
        double jitter = 0.25; // +- fraction of the delay
        std::chrono::milliseconds openTimeout = 10s;
    };

    EventStream(ServerConfig config,
                const common::SecretStore *secrets,
                QString clientId,
                QObject *parent = nullptr);
    ~EventStream() override;

    void setTiming(const Timing &timing) { m_timing = timing; }
    // Source of uniform numbers in [0, 1) for the jitter (tests make it deterministic).
    void setRandomSource(std::function<double()> random) { m_random = std::move(random); }

    void open();  // connects, and keeps reconnecting until close()
    void close(); // closes cleanly, no reconnect

    bool isConnected() const { return m_connected; }
    // Connected and the server's first status (with the sid) has arrived: messages for prompts
    // submitted with sid() as client_id now reach this stream.
    bool isRouted() const { return m_connected && !m_sid.isEmpty(); }
    QString clientId() const { return m_clientId; }
    QString sid() const { return m_sid.isEmpty() ? m_clientId : m_sid; }
    int connectCount() const { return m_connectCount; }
    int failedAttempts() const { return m_attempt; }

    // Delay before reconnect attempt `attempt` (1-based): initial * 2^(attempt-1), capped,
    // times (1 + jitter * (2 * random01 - 1)).
    static std::chrono::milliseconds
    backoffDelay(int attempt, const Timing &timing, double random01);

signals:
    void connectedChanged(bool connected);
    void sidReceived(const QString &sid);
    void eventReceived(const comfyvideo::comfy::ws::Event &event);
    void binaryReceived(const comfyvideo::comfy::ws::BinaryEvent &event);
    void reconnectScheduled(int attempt, std::chrono::milliseconds delay);
    void connectionFailed(const QString &reason); // one failed or lost connection

private:
    void connectSocket();
    void dropSocket();
    void onConnected();
    void onDisconnected();
    void onText(const QString &message);
    void scheduleReconnect();

    ServerConfig m_config;
    const common::SecretStore *m_secrets;
    QString m_clientId;
    QString m_sid;
    Timing m_timing;
    std::function<double()> m_random;
    QPointer<QWebSocket> m_socket;
    QTimer m_reconnectTimer;
    QTimer m_openTimer;
    bool m_wanted = false;
    bool m_connected = false;
    bool m_awaitingFirstStatus = false;
    int m_attempt = 0;
    int m_connectCount = 0;
};

} // namespace comfyvideo::comfy
