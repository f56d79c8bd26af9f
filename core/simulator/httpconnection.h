#pragma once

#include "simulator/httpserver.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <memory>

class QFile;
class QTcpSocket;

namespace comfyvideo::simulator {

// What a connection needs from the server: routing, the WebSocket handoff and fault state.
class HttpDispatcher
{
public:
    struct Result
    {
        HttpResponse response;
        bool hang = false;         // never answer (fault "hang")
        qint64 bytesPerSecond = 0; // throttle the body (fault "view-slow"); 0 = no limit
        qint64 truncateAfter = -1; // close after that many body bytes (fault "view-truncate")
    };

    virtual ~HttpDispatcher() = default;
    // request.path is the decoded path as sent; the dispatcher strips "/api".
    virtual Result dispatch(HttpRequest &request) = 0;
    virtual bool isWebSocketPath(const QString &path) const = 0;
    virtual bool refusesWebSockets() const = 0;
    // Takes ownership of the socket, whose unread data starts with the upgrade request.
    virtual void upgrade(QTcpSocket *socket) = 0;
    virtual qint64 maxBodySize() const = 0;
};

// One HTTP/1.1 connection: parses requests (keep-alive, pipelining), hands WebSocket upgrades
// over, and writes responses, streaming bodies as the socket drains.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, HttpDispatcher &dispatcher, QObject *parent = nullptr);
    ~HttpConnection() override;

    // Aborts the connection (no more data is sent) and schedules deletion. Called from within
    // this connection's request handler, the answer is still sent, then the connection closes.
    void abortConnection();

private:
    enum class State { Head, Body, Responding, Hung, Closing, Closed };
    struct Outgoing;

    void onReadyRead();
    bool readHead();
    bool readBody();
    void handOver();
    void dispatchRequest();
    void respond(HttpDispatcher::Result result);
    bool prepareFile(HttpResponse &response, QList<QPair<QByteArray, QByteArray>> &headers);
    void respondAndClose(int status, const QByteArray &body);
    void pump();
    bool pumpChunk();
    void finishResponse();
    void onThrottleTick();
    void onDisconnected();

    QPointer<QTcpSocket> m_socket;
    HttpDispatcher &m_dispatcher;
    State m_state = State::Head;
    bool m_processing = false;
    bool m_inHandler = false;      // the dispatcher is running this connection's handler
    bool m_closeRequested = false; // abortConnection() was called from that handler
    HttpRequest m_request;
    qint64 m_contentLength = 0;
    bool m_keepAlive = true;
    bool m_crossOrigin = false; // refused with 403 by the origin check
    std::unique_ptr<Outgoing> m_out;
    QTimer m_throttle;
};

} // namespace comfyvideo::simulator
