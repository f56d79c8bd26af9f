#include "simulator/httpserver.h"

#include "simulator/httpconnection.h"
#include "simulator/httpparsing.h"
#include "simulator/tlstcpserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpSocket>
#include <QUrl>
#include <QWebSocket>
#include <QWebSocketServer>

namespace comfyvideo::simulator {

using namespace Qt::StringLiterals;

namespace {

struct Route
{
    QByteArray method;
    QString pattern;
    QStringList segments; // split at '/', keeping the leading empty segment
    RouteHandler handler;
};

QString withoutApiPrefix(const QString &path)
{
    if (path.startsWith(u"/api/"))
        return path.mid(4);
    return path;
}

// Decoded segments of the raw path ("/history/a%2Fb" → "", "history", "a/b").
QStringList pathSegments(const QByteArray &rawTarget)
{
    QByteArray rawPath = rawTarget;
    if (const qsizetype end = rawPath.indexOf('?'); end >= 0)
        rawPath.truncate(end);
    if (const qsizetype end = rawPath.indexOf('#'); end >= 0)
        rawPath.truncate(end);
    QStringList segments;
    for (const QByteArray &segment : rawPath.split('/'))
        segments.append(QUrl::fromPercentEncoding(segment));
    if (segments.size() >= 3 && segments.at(1) == u"api") // "/api/<pattern>", "/api/" is "/"
        segments.removeAt(1);
    return segments;
}

std::optional<QHash<QString, QString>> matchRoute(const Route &route, const QStringList &segments)
{
    if (route.segments.size() != segments.size())
        return std::nullopt;
    QHash<QString, QString> params;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QString &want = route.segments.at(i);
        if (want.startsWith(u'{') && want.endsWith(u'}')) {
            if (segments.at(i).isEmpty())
                return std::nullopt;
            params.insert(want.mid(1, want.size() - 2), segments.at(i));
        } else if (want != segments.at(i)) {
            return std::nullopt;
        }
    }
    return params;
}

} // namespace

struct HttpServer::Private final : HttpDispatcher
{
    explicit Private(HttpServer *owner)
        : q(owner)
        , wsServer(u"comfyui-sim"_s, QWebSocketServer::NonSecureMode)
    {}

    Result dispatch(HttpRequest &request) override;
    bool isWebSocketPath(const QString &path) const override
    {
        return webSocketPaths.contains(withoutApiPrefix(path));
    }
    bool refusesWebSockets() const override { return faults.find(u"ws-refuse"_s).has_value(); }
    void upgrade(QTcpSocket *socket) override;
    qint64 maxBodySize() const override { return HttpServer::MaxBodySize; }

    Result routeNotFound(const HttpRequest &request, const QByteArrayList &allowed) const;
    void applyResponseFaults(const QString &path, Result &result) const;
    void onNewConnection();
    void onWebSocketConnected();

    HttpServer *q;
    TlsTcpServer tcpServer;
    QString tlsError; // the TLS files given could not be loaded: listen() fails
    QWebSocketServer wsServer;
    QList<Route> routes;
    QStringList webSocketPaths{u"/ws"_s};
    FaultSet faults;
    QList<QPointer<HttpConnection>> connections;
    QList<QPointer<QTcpSocket>> handshakes;
    QList<QPointer<QWebSocket>> webSockets;
};

HttpDispatcher::Result HttpServer::Private::dispatch(HttpRequest &request)
{
    request.path = withoutApiPrefix(request.path);
    const QStringList segments = pathSegments(request.target);
    const bool head = request.method == "HEAD";
    QByteArrayList allowed;
    const Route *found = nullptr;
    for (const Route &route : std::as_const(routes)) {
        auto params = matchRoute(route, segments);
        if (!params)
            continue;
        allowed.append(route.method);
        if (route.method == request.method || (head && route.method == "GET")) {
            found = &route;
            request.pathParams = std::move(*params);
            break;
        }
    }
    if (!found)
        return routeNotFound(request, allowed);

    // The simulator's own control routes stay usable whatever the faults say.
    const bool control = FaultSet::routeMatches(u"/sim"_s, request.path);
    if (!control && faults.hangs(request.path)) {
        Result hang;
        hang.hang = true;
        return hang;
    }
    if (!control) {
        if (const auto status = faults.takeHttpError(request.path))
            return {HttpResponse::text(*status, http::statusText(*status))};
    }
    const RouteHandler handler = found->handler; // a handler may add routes
    Result result{handler(request)};
    if (!control)
        applyResponseFaults(request.path, result);
    return result;
}

HttpDispatcher::Result HttpServer::Private::routeNotFound(const HttpRequest &request,
                                                          const QByteArrayList &allowed) const
{
    if (isWebSocketPath(request.path)) {
        if (request.method == "GET" || request.method == "HEAD") {
            // aiohttp's WebSocketResponse.prepare() on a request without an upgrade.
            return {HttpResponse::text(400,
                                       "No WebSocket UPGRADE hdr: " + request.header("upgrade")
                                               + "\n Can \"Upgrade\" only to \"WebSocket\".")};
        }
        HttpResponse response = HttpResponse::text(405, http::statusText(405));
        response.headers.emplaceBack("Allow", "GET");
        return {response};
    }
    if (allowed.isEmpty())
        return {HttpResponse::text(404, http::statusText(404))};
    HttpResponse response = HttpResponse::text(405, http::statusText(405));
    QByteArrayList methods = allowed;
    std::ranges::sort(methods);
    methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
    response.headers.emplaceBack("Allow", methods.join(','));
    return {response};
}

void HttpServer::Private::applyResponseFaults(const QString &path, Result &result) const
{
    HttpResponse &response = result.response;
    if (faults.malformsJson(path) && response.contentType.startsWith("application/json")
        && response.filePath.isEmpty()) {
        response.body.truncate(response.body.size() / 2);
    }
    if (FaultSet::routeMatches(u"/view"_s, path)) {
        if (const auto slow = faults.find(u"view-slow"_s))
            result.bytesPerSecond = slow->value;
        if (const auto truncate = faults.find(u"view-truncate"_s))
            result.truncateAfter = truncate->value;
    }
}

void HttpServer::Private::upgrade(QTcpSocket *socket)
{
    socket->setParent(&wsServer); // freed with the server if the handshake never completes
    handshakes.removeAll(nullptr);
    handshakes.append(socket);
    wsServer.handleConnection(socket);
}

void HttpServer::Private::onNewConnection()
{
    connections.removeAll(nullptr);
    while (QTcpSocket *socket = tcpServer.nextPendingConnection()) {
        // As aiohttp (ComfyUI's server) does: without it, a small answer on a kept-alive
        // connection waits ~40 ms for the client's delayed ACK (Nagle).
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        connections.append(new HttpConnection(socket, *this, q));
    }
}

void HttpServer::Private::onWebSocketConnected()
{
    webSockets.removeAll(nullptr);
    while (QWebSocket *socket = wsServer.nextPendingConnection()) {
        socket->setParent(nullptr);
        webSockets.append(socket);
        emit q->webSocketConnected(socket);
    }
}

HttpServer::HttpServer(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this))
{
    connect(&d->tcpServer, &QTcpServer::newConnection, this, [this] { d->onNewConnection(); });
    connect(&d->wsServer, &QWebSocketServer::newConnection, this, [this] {
        d->onWebSocketConnected();
    });
}

HttpServer::~HttpServer()
{
    d->tcpServer.close();
    for (const QPointer<HttpConnection> &connection : std::as_const(d->connections))
        delete connection.data();
    d->connections.clear();
}

bool HttpServer::listen(const QHostAddress &address, quint16 port)
{
    if (!d->tlsError.isEmpty())
        return false;
    return d->tcpServer.listen(address, port);
}

void HttpServer::setTlsFiles(const QString &certificateFile, const QString &keyFile)
{
    const auto loaded = d->tcpServer.setTlsFiles(certificateFile, keyFile);
    d->tlsError = loaded ? QString() : loaded.error();
}

bool HttpServer::isTls() const
{
    return d->tcpServer.isTls();
}

quint16 HttpServer::port() const
{
    return d->tcpServer.serverPort();
}

QString HttpServer::errorString() const
{
    if (!d->tlsError.isEmpty())
        return d->tlsError;
    return d->tcpServer.errorString();
}

void HttpServer::addRoute(const QByteArray &method, const QString &pattern, RouteHandler handler)
{
    d->routes.append({method.toUpper(), pattern, pattern.split(u'/'), std::move(handler)});
}

void HttpServer::setWebSocketPath(const QString &path)
{
    const QString stripped = withoutApiPrefix(path);
    if (!d->webSocketPaths.contains(stripped))
        d->webSocketPaths.append(stripped);
}

FaultSet &HttpServer::faults()
{
    return d->faults;
}

const FaultSet &HttpServer::faults() const
{
    return d->faults;
}

void HttpServer::dropAllConnections()
{
    d->tcpServer.abortHandshakes();
    const auto connections = std::exchange(d->connections, {});
    for (const QPointer<HttpConnection> &connection : connections) {
        if (connection)
            connection->abortConnection();
    }
    const auto handshakes = std::exchange(d->handshakes, {});
    for (const QPointer<QTcpSocket> &socket : handshakes) {
        if (socket)
            socket->abort();
    }
    const auto webSockets = std::exchange(d->webSockets, {});
    for (const QPointer<QWebSocket> &socket : webSockets) {
        if (socket)
            socket->abort();
    }
}

HttpResponse HttpResponse::json(const QJsonValue &value, int status)
{
    HttpResponse response;
    response.status = status;
    response.contentType = "application/json; charset=utf-8";
    if (value.isObject())
        response.body = QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    else if (value.isArray())
        response.body = QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    else // scalars: wrap in an array and strip the brackets
        response.body
                = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
    return response;
}

HttpResponse HttpResponse::text(int status, const QByteArray &body)
{
    HttpResponse response;
    response.status = status;
    response.contentType = "text/plain; charset=utf-8";
    response.body = body;
    return response;
}

HttpResponse HttpResponse::empty(int status)
{
    HttpResponse response;
    response.status = status;
    return response;
}

HttpResponse HttpResponse::file(const QString &path, const QByteArray &contentType)
{
    HttpResponse response;
    response.contentType = contentType;
    response.filePath = path;
    return response;
}

} // namespace comfyvideo::simulator
