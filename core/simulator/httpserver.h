#pragma once

#include "simulator/faults.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrlQuery>
#include <expected>
#include <functional>
#include <memory>

class QTcpServer;
class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

namespace comfyvideo::simulator {

struct HttpRequest
{
    QByteArray method; // "GET", "POST", ...
    QString path;      // decoded path without query, "/api" prefix already stripped
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // lowercased names
    QHash<QString, QString> pathParams;    // from "{name}" segments of the route pattern
    QByteArray body;

    QByteArray header(const QByteArray &lowercaseName) const { return headers.value(lowercaseName); }
};

struct MultipartPart
{
    QByteArray name;     // form field name
    QString filename;    // empty when the part is not a file
    QByteArray contentType;
    QByteArray data;
};
// Parses a multipart/form-data body (boundary from the Content-Type header).
std::expected<QList<MultipartPart>, QString> parseMultipart(const HttpRequest &request);

struct HttpResponse
{
    int status = 200;
    QByteArray contentType; // empty: no Content-Type header
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers
    // When set, the body is streamed from this file in chunks (never loaded whole); HTTP Range
    // requests are answered with 206 / 416.
    QString filePath;

    static HttpResponse json(const QJsonValue &value, int status = 200); // application/json
    static HttpResponse text(int status, const QByteArray &body);         // text/plain
    static HttpResponse empty(int status = 200);                          // no body
    static HttpResponse file(const QString &path, const QByteArray &contentType);
};

using RouteHandler = std::function<HttpResponse(const HttpRequest &)>;

// HTTP/1.1 and WebSocket upgrades on one loopback port (QTcpServer +
// QWebSocketServer::handleConnection). Every route is also served under "/api".
class HttpServer : public QObject
{
    Q_OBJECT
public:
    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    quint16 port() const;
    QString errorString() const;

    // pattern: "/prompt", "/history/{prompt_id}", "/object_info/{class}" (one segment per name).
    void addRoute(const QByteArray &method, const QString &pattern, RouteHandler handler);
    // Paths that accept WebSocket upgrades ("/ws" is served by default, and "/api/ws").
    void setWebSocketPath(const QString &path);

    // HTTP-level faults (5xx bursts, hangs, slow/truncated file bodies, malformed JSON,
    // refused upgrades). The application layer reads the rest of the FaultSet.
    FaultSet &faults();
    const FaultSet &faults() const;

    // Closes every open HTTP connection and WebSocket (used to simulate a restart).
    void dropAllConnections();

signals:
    // A completed WebSocket handshake. The receiver takes ownership of the socket
    // (it is parented to nobody; delete it with deleteLater when done).
    void webSocketConnected(QWebSocket *socket);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace comfyvideo::simulator
