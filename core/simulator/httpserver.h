#pragma once

#include "simulator/faults.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QUrlQuery>
#include <expected>
#include <functional>
#include <memory>

class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

namespace comfyvideo::simulator {

struct HttpRequest
{
    QByteArray method; // "GET", "POST", ...
    QString path;      // decoded path without query, "/api" prefix already stripped
    QUrlQuery query;   // as yarl decodes it: '+' is a space; read values with QUrl::FullyDecoded
    QHash<QByteArray, QByteArray> headers; // lowercased names
    QHash<QString, QString> pathParams;    // from "{name}" segments of the route pattern
    QByteArray body;
    QByteArray target;    // the request target exactly as sent (raw path + "?" + raw query)
    quint16 peerPort = 0; // the client's port (tells connections apart)

    QByteArray header(const QByteArray &lowercaseName) const
    {
        return headers.value(lowercaseName);
    }
};

struct MultipartPart
{
    QByteArray name;  // form field name
    QString filename; // empty when the part is not a file
    QByteArray contentType;
    QByteArray data;
};
// Parses a multipart/form-data body (boundary from the Content-Type header, quoted or not;
// filename* (RFC 5987) preferred over filename; raw UTF-8 filenames accepted). Binary-safe.
// Implemented in httpmultipart.cpp.
std::expected<QList<MultipartPart>, QString> parseMultipart(const HttpRequest &request);

struct HttpResponse
{
    int status = 200;
    QByteArray contentType; // empty: no Content-Type header
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers (Content-Length is computed)
    // When set, the body is streamed from this file in chunks (never loaded whole); HTTP Range
    // requests are answered with 206 / 416 and "Accept-Ranges: bytes" is always sent. A file
    // that cannot be opened is answered "404: Not Found".
    QString filePath;

    // "application/json; charset=utf-8", compact Qt formatting.
    static HttpResponse json(const QJsonValue &value, int status = 200);
    static HttpResponse text(int status, const QByteArray &body); // text/plain; charset=utf-8
    static HttpResponse empty(int status = 200);                  // no body
    static HttpResponse file(const QString &path, const QByteArray &contentType);
};

using RouteHandler = std::function<HttpResponse(const HttpRequest &)>;

// HTTP/1.1 and WebSocket upgrades on one loopback port (QTcpServer +
// QWebSocketServer::handleConnection). Every route is also served under "/api".
// - With setTlsFiles(), HTTPS and WSS on that port instead (TLS handshake first, then the
//   same HTTP and upgrade handling on the encrypted socket).
// - Keep-alive and pipelining; "Connection: close" and HTTP/1.0 close after the answer.
// - Unknown path: 404 "404: Not Found"; known path, other method: 405 with Allow. HEAD is
//   answered by GET routes without a body. Bad requests: 400; bodies over MaxBodySize: 413;
//   heads over 64 KiB: 431; Transfer-Encoding: 501 (all with the connection closed).
//   A plain GET on a WebSocket path: 400 (aiohttp's "No WebSocket UPGRADE hdr" text).
// - ComfyUI's origin check: Host loopback + Origin of another host → 403, empty body.
// - Faults (see faults.h): http-error, hang and malformed-json apply to routes whose path
//   matches FaultSet::routeMatches(); view-slow and view-truncate to bodies under "/view";
//   ws-refuse to upgrades. Routes under "/sim" (the simulator's control routes) are exempt.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    // Request bodies above this are refused with 413 (ComfyUI's 100 MB upload limit + 1 MB).
    static constexpr qint64 MaxBodySize = (100 + 1) * 1024 * 1024;

    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    // Serve TLS with these PEM files (certificate chain, unencrypted private key). Call before
    // listen(); when the files cannot be loaded, listen() fails and errorString() says why.
    void setTlsFiles(const QString &certificateFile, const QString &keyFile);
    bool isTls() const;

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

    // Aborts every open HTTP connection, pending handshake and WebSocket handed out (TCP close
    // without a WebSocket close frame, like a killed server; used to simulate a restart).
    // Called from a route handler, that request still gets its answer, with
    // "Connection: close".
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
