#include "simulator/httpserver.h"

#include "core/simulator/httptestclient.h"

#include <QHttpMultiPart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>

using namespace comfyvideo::simulator;
using namespace comfyvideo::simulator::testing;
using namespace Qt::StringLiterals;

class TestHttpServer : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void routesAnswerUnderApiAlias();
    void pathParamsAreDecoded();
    void queryIsDecodedLikeAiohttp();
    void unknownPathIs404AndWrongMethodIs405();
    void jsonAndEmptyBodies();
    void requestBodyReachesHandler();
    void keepAliveReusesOneConnection();
    void pipelinedRequestsOnRawSocket();
    void connectionCloseIsHonoured();
    void http10ClosesByDefault();
    void headRequestHasNoBody();
    void webSocketUpgradeAndHttpShareThePort();
    void webSocketOnApiAliasAndCustomPath();
    void plainGetOnWebSocketPathIs400();
    void dropAllConnectionsClosesEverything();
    void crossOriginRequestsAreRefused();
    void dropAllConnectionsFromHandler();
    void multipartFromQHttpMultiPart();

private:
    QUrl url(const QString &pathAndQuery) const
    {
        return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_server->port()).arg(pathAndQuery));
    }

    std::unique_ptr<HttpServer> m_server;
    QList<HttpRequest> m_seen;
};

void TestHttpServer::init()
{
    m_seen.clear();
    m_server = std::make_unique<HttpServer>();
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    QVERIFY(m_server->port() != 0);
    m_server->addRoute("GET", u"/system_stats"_s, [this](const HttpRequest &request) {
        m_seen.append(request);
        return HttpResponse::json(QJsonObject{{u"system"_s, QJsonObject{{u"os"_s, u"posix"_s}}}});
    });
    m_server->addRoute("GET", u"/history/{prompt_id}"_s, [this](const HttpRequest &request) {
        m_seen.append(request);
        return HttpResponse::json(QJsonObject{{u"id"_s, request.pathParams.value(u"prompt_id"_s)}});
    });
    m_server->addRoute("POST", u"/queue"_s, [this](const HttpRequest &request) {
        m_seen.append(request);
        return HttpResponse::empty();
    });
    m_server->addRoute("POST", u"/prompt"_s, [this](const HttpRequest &request) {
        m_seen.append(request);
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        return HttpResponse::json(QJsonObject{{u"echo"_s, body}, {u"size"_s, request.body.size()}});
    });
    m_server->addRoute("GET", u"/view"_s, [this](const HttpRequest &request) {
        m_seen.append(request);
        return HttpResponse::text(
                200, request.query.queryItemValue(u"filename"_s, QUrl::FullyDecoded).toUtf8());
    });
}

void TestHttpServer::cleanup()
{
    m_server.reset();
}

void TestHttpServer::routesAnswerUnderApiAlias()
{
    QNetworkAccessManager manager;
    for (const QString &path : {u"/system_stats"_s, u"/api/system_stats"_s}) {
        const Reply reply = send(manager, "GET", url(path));
        QVERIFY(reply.finished);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.headers.value("content-type"), "application/json; charset=utf-8");
        QCOMPARE(QJsonDocument::fromJson(reply.body)[u"system"_s][u"os"_s].toString(), u"posix"_s);
    }
    QCOMPARE(m_seen.size(), 2);
    QCOMPARE(m_seen.at(1).path, u"/system_stats"_s); // "/api" stripped for the handler
    m_server->addRoute(
            "GET", u"/"_s, [](const HttpRequest &) { return HttpResponse::text(200, "root"); });
    QCOMPARE(send(manager, "GET", url(u"/"_s)).body, "root");
    QCOMPARE(send(manager, "GET", url(u"/api/"_s)).body, "root"); // "/api" + "/"
    QCOMPARE(send(manager, "GET", url(u"/api"_s)).status, 404);
}

void TestHttpServer::pathParamsAreDecoded()
{
    QNetworkAccessManager manager;
    const Reply reply = send(manager, "GET", url(u"/api/history/ab%20c%C3%A9"_s));
    QCOMPARE(reply.status, 200);
    QCOMPARE(QJsonDocument::fromJson(reply.body)[u"id"_s].toString(), u"ab cé"_s);
    // "{name}" never spans segments, and a trailing slash is another path (as in aiohttp).
    QCOMPARE(send(manager, "GET", url(u"/history/a/b"_s)).status, 404);
    QCOMPARE(send(manager, "GET", url(u"/history/"_s)).status, 404);
}

void TestHttpServer::queryIsDecodedLikeAiohttp()
{
    QNetworkAccessManager manager;
    QUrlQuery query;
    query.addQueryItem(u"filename"_s, u"my clip é 🎬.mp4"_s);
    QUrl target = url(u"/view"_s);
    target.setQuery(query);
    Reply reply = send(manager, "GET", target);
    QCOMPARE(reply.status, 200);
    QCOMPARE(QString::fromUtf8(reply.body), u"my clip é 🎬.mp4"_s);
    // yarl decodes '+' in a query as a space; "%2B" is a plus.
    reply = send(manager,
                 "GET",
                 QUrl::fromEncoded("http://127.0.0.1:" + QByteArray::number(m_server->port())
                                   + "/view?filename=a+b%2Bc.png"));
    QCOMPARE(QString::fromUtf8(reply.body), u"a b+c.png"_s);
}

void TestHttpServer::unknownPathIs404AndWrongMethodIs405()
{
    QNetworkAccessManager manager;
    Reply reply = send(manager, "GET", url(u"/nope"_s));
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.body, "404: Not Found");
    QCOMPARE(send(manager, "GET", url(u"/api/nope"_s)).status, 404);
    reply = send(manager, "DELETE", url(u"/system_stats"_s));
    QCOMPARE(reply.status, 405);
    QCOMPARE(reply.body, "405: Method Not Allowed");
    QCOMPARE(reply.headers.value("allow"), "GET");
    QCOMPARE(send(manager, "GET", url(u"/api/queue"_s)).status, 405);
    QVERIFY(m_seen.isEmpty());
}

void TestHttpServer::jsonAndEmptyBodies()
{
    QNetworkAccessManager manager;
    const Reply empty = send(manager,
                             "POST",
                             url(u"/queue"_s),
                             "{\"clear\": true}",
                             {{"Content-Type", "application/json"}});
    QCOMPARE(empty.status, 200);
    QVERIFY(empty.body.isEmpty());
    QCOMPARE(empty.headers.value("content-length"), "0");
    QCOMPARE(empty.headers.value("content-type"), QByteArray());
    QCOMPARE(HttpResponse::json(QJsonValue(true)).body, "true");
    QCOMPARE(HttpResponse::json(QJsonArray{QJsonValue(1), QJsonValue(u"x"_s)}).body, "[1,\"x\"]");
}

void TestHttpServer::requestBodyReachesHandler()
{
    QNetworkAccessManager manager;
    QByteArray big(3 * 1024 * 1024, 'x'); // several socket reads
    const QByteArray body = "{\"prompt\": \"" + big + "\"}";
    const Reply reply = send(
            manager, "POST", url(u"/api/prompt"_s), body, {{"Content-Type", "application/json"}});
    QCOMPARE(reply.status, 200);
    const QJsonObject answer = QJsonDocument::fromJson(reply.body).object();
    QCOMPARE(answer[u"size"_s].toInteger(), body.size());
    QCOMPARE(answer[u"echo"_s][u"prompt"_s].toString().size(), big.size());
    QCOMPARE(m_seen.last().header("content-type"), "application/json");
    QCOMPARE(m_seen.last().method, "POST");
}

void TestHttpServer::keepAliveReusesOneConnection()
{
    QNetworkAccessManager manager;
    for (int i = 0; i < 5; ++i) {
        const Reply reply = send(manager, "GET", url(u"/system_stats"_s));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.headers.value("connection"), QByteArray());
    }
    QCOMPARE(m_seen.size(), 5);
    for (const HttpRequest &request : std::as_const(m_seen))
        QCOMPARE(request.peerPort, m_seen.first().peerPort);
}

void TestHttpServer::pipelinedRequestsOnRawSocket()
{
    RawClient client(m_server->port());
    QVERIFY(client.isConnected());
    client.write(
            "GET /system_stats HTTP/1.1\r\nHost: x\r\n\r\n"
            "POST /api/prompt HTTP/1.1\r\nhOsT: x\r\ncontent-LENGTH: 13\r\n\r\n{\"a\": \"b c\"}\n"
            "\r\nGET /history/42 HTTP/1.1\r\n\r\n");
    const QList<RawResponse> responses = parseResponses(client.readResponses(3));
    QCOMPARE(responses.size(), 3);
    QCOMPARE(responses.at(0).status, 200);
    QCOMPARE(QJsonDocument::fromJson(responses.at(1).body)[u"echo"_s][u"a"_s].toString(), u"b c"_s);
    QCOMPARE(QJsonDocument::fromJson(responses.at(2).body)[u"id"_s].toString(), u"42"_s);
    QCOMPARE(m_seen.size(), 3);
    QCOMPARE(m_seen.at(1).header("host"), "x");
    // The connection stays open for more.
    client.clear();
    client.write("GET /nope HTTP/1.1\r\n\r\n");
    QCOMPARE(parseResponses(client.readResponses(1)).value(0).status, 404);
}

void TestHttpServer::connectionCloseIsHonoured()
{
    RawClient client(m_server->port());
    client.write("GET /system_stats HTTP/1.1\r\nConnection: close\r\n\r\n");
    const QList<RawResponse> responses = parseResponses(client.readToClose());
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).headers.value("connection"), "close");
    QVERIFY(client.closedByServer());
}

void TestHttpServer::http10ClosesByDefault()
{
    RawClient client(m_server->port());
    client.write("GET /system_stats HTTP/1.0\r\n\r\n");
    QCOMPARE(parseResponses(client.readToClose()).value(0).status, 200);
    QVERIFY(client.closedByServer());
}

void TestHttpServer::headRequestHasNoBody()
{
    RawClient client(m_server->port());
    client.write("HEAD /system_stats HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\n");
    const QByteArray data
            = client.readUntil([](const QByteArray &d) { return d.contains("404: Not Found"); });
    QVERIFY(data.startsWith("HTTP/1.1 200 OK\r\n"));
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    QVERIFY(data.left(headEnd).contains("Content-Length: 25\r\n")); // the GET body's size
    QVERIFY(data.mid(headEnd + 4).startsWith("HTTP/1.1 404 Not Found\r\n"));
}

void TestHttpServer::webSocketUpgradeAndHttpShareThePort()
{
    QList<QWebSocket *> serverSockets;
    QStringList received;
    connect(m_server.get(), &HttpServer::webSocketConnected, this, [&](QWebSocket *socket) {
        serverSockets.append(socket);
        connect(socket,
                &QWebSocket::textMessageReceived,
                this,
                [&received, socket](const QString &text) {
                    received.append(text);
                    socket->sendTextMessage(u"echo:"_s + text);
                });
        socket->sendTextMessage(u"{\"type\": \"status\"}"_s);
    });
    QWebSocket client;
    QSignalSpy messages(&client, &QWebSocket::textMessageReceived);
    client.open(QUrl(u"ws://127.0.0.1:%1/ws?clientId=abc"_s.arg(m_server->port())));
    QVERIFY(messages.wait(5000));
    QCOMPARE(messages.at(0).at(0).toString(), u"{\"type\": \"status\"}"_s);
    QCOMPARE(serverSockets.size(), 1);
    QCOMPARE(QUrlQuery(serverSockets.at(0)->requestUrl()).queryItemValue(u"clientId"_s), u"abc"_s);
    QCOMPARE(serverSockets.at(0)->requestUrl().path(), u"/ws"_s);

    QNetworkAccessManager manager;
    QCOMPARE(send(manager, "GET", url(u"/system_stats"_s)).status, 200); // HTTP in between
    client.sendTextMessage(u"hello"_s);
    QTRY_COMPARE(messages.size(), 2);
    QCOMPARE(messages.at(1).at(0).toString(), u"echo:hello"_s);
    QCOMPARE(received, QStringList{u"hello"_s});
    QCOMPARE(send(manager, "GET", url(u"/api/system_stats"_s)).status, 200);

    QSignalSpy serverSideClosed(serverSockets.at(0), &QWebSocket::disconnected);
    client.close();
    QVERIFY(serverSideClosed.wait(5000));
    qDeleteAll(serverSockets);
}

void TestHttpServer::webSocketOnApiAliasAndCustomPath()
{
    m_server->setWebSocketPath(u"/custom"_s);
    QList<QWebSocket *> serverSockets;
    connect(m_server.get(), &HttpServer::webSocketConnected, this, [&](QWebSocket *socket) {
        serverSockets.append(socket);
    });
    for (const QString &path : {u"/api/ws?clientId=x%20y"_s, u"/custom"_s, u"/api/custom"_s}) {
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        client.open(QUrl(u"ws://127.0.0.1:%1%2"_s.arg(m_server->port()).arg(path)));
        QVERIFY2(connected.wait(5000), qPrintable(path));
        client.abort();
    }
    QTRY_COMPARE(serverSockets.size(), 3);
    QCOMPARE(QUrlQuery(serverSockets.at(0)->requestUrl())
                     .queryItemValue(u"clientId"_s, QUrl::FullyDecoded),
             u"x y"_s);
    qDeleteAll(serverSockets);
}

void TestHttpServer::plainGetOnWebSocketPathIs400()
{
    QNetworkAccessManager manager;
    const Reply reply = send(manager, "GET", url(u"/ws?clientId=abc"_s));
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.body.startsWith("No WebSocket UPGRADE hdr"));
    QCOMPARE(send(manager, "POST", url(u"/api/ws"_s)).status, 405);
}

void TestHttpServer::dropAllConnectionsClosesEverything()
{
    QPointer<QWebSocket> serverSide;
    connect(m_server.get(), &HttpServer::webSocketConnected, this, [&](QWebSocket *socket) {
        serverSide = socket;
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    });
    QWebSocket ws;
    QSignalSpy wsConnected(&ws, &QWebSocket::connected);
    ws.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_server->port())));
    QVERIFY(wsConnected.wait(5000));
    QTRY_VERIFY(serverSide);
    RawClient http(m_server->port());
    http.write("GET /system_stats HTTP/1.1\r\n\r\n");
    QCOMPARE(parseResponses(http.readResponses(1)).size(), 1);

    QSignalSpy wsClosed(&ws, &QWebSocket::disconnected);
    m_server->dropAllConnections();
    QVERIFY(http.closedByServer());
    QTRY_COMPARE(wsClosed.size(), 1);
    QTRY_VERIFY(!serverSide); // the receiver deleted it on disconnected
    // New connections are still accepted.
    QNetworkAccessManager manager;
    QCOMPARE(send(manager, "GET", url(u"/system_stats"_s)).status, 200);
}

void TestHttpServer::crossOriginRequestsAreRefused()
{
    int upgrades = 0;
    connect(m_server.get(), &HttpServer::webSocketConnected, this, [&upgrades](QWebSocket *s) {
        ++upgrades;
        delete s;
    });
    QNetworkAccessManager manager;
    const QByteArray host = "127.0.0.1:" + QByteArray::number(m_server->port());
    Reply reply = send(
            manager, "GET", url(u"/system_stats"_s), {}, {{"Origin", "http://evil.example"}});
    QCOMPARE(reply.status, 403);
    QVERIFY(reply.body.isEmpty());
    QVERIFY(m_seen.isEmpty());
    reply = send(manager, "GET", url(u"/system_stats"_s), {}, {{"Origin", "http://" + host}});
    QCOMPARE(reply.status, 200);

    QWebSocket evil(u"http://evil.example"_s);
    QSignalSpy evilError(&evil, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
    evil.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_server->port())));
    QVERIFY(evilError.wait(5000));
    QWebSocket same(QString::fromLatin1("http://" + host));
    QSignalSpy connected(&same, &QWebSocket::connected);
    same.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_server->port())));
    QVERIFY(connected.wait(5000));
    QTRY_COMPARE(upgrades, 1);
}

void TestHttpServer::dropAllConnectionsFromHandler()
{
    m_server->addRoute("POST", u"/sim/restart"_s, [this](const HttpRequest &) {
        m_server->dropAllConnections();
        return HttpResponse::empty(200);
    });
    RawClient other(m_server->port());
    other.write("GET /system_stats HTTP/1.1\r\n\r\n");
    QCOMPARE(parseResponses(other.readResponses(1)).size(), 1);
    RawClient client(m_server->port());
    client.write("POST /sim/restart HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"
                 "GET /system_stats HTTP/1.1\r\n\r\n");
    const QList<RawResponse> responses = parseResponses(client.readToClose());
    QCOMPARE(responses.size(), 1); // answered, then closed: the pipelined GET is dropped
    QCOMPARE(responses.at(0).status, 200);
    QCOMPARE(responses.at(0).headers.value("connection"), "close");
    QVERIFY(client.closedByServer());
    QVERIFY(other.closedByServer());
}

void TestHttpServer::multipartFromQHttpMultiPart()
{
    QList<MultipartPart> parts;
    m_server->addRoute("POST", u"/upload/image"_s, [&parts](const HttpRequest &request) {
        auto parsed = parseMultipart(request);
        if (!parsed)
            return HttpResponse::text(400, parsed.error().toUtf8());
        parts = *parsed;
        return HttpResponse::json(QJsonObject{{u"name"_s, parts.value(0).filename}});
    });
    QByteArray image;
    for (int i = 0; i < 70000; ++i)
        image += char(i * 31 % 256);
    image += "\r\n--boundary-lookalike\r\n";
    auto *multi = new QHttpMultiPart(QHttpMultiPart::FormDataType);
    QHttpPart file;
    file.setHeader(
            QNetworkRequest::ContentDispositionHeader,
            QVariant(u"form-data; name=\"image\"; filename=\"init frame é.png\""_s.toUtf8()));
    file.setHeader(QNetworkRequest::ContentTypeHeader, u"image/png"_s);
    file.setBody(image);
    QHttpPart overwrite;
    overwrite.setHeader(QNetworkRequest::ContentDispositionHeader,
                        u"form-data; name=\"overwrite\""_s);
    overwrite.setBody("true");
    multi->append(file);
    multi->append(overwrite);
    QNetworkAccessManager manager;
    QNetworkReply *reply = manager.post(QNetworkRequest(url(u"/upload/image"_s)), multi);
    multi->setParent(reply);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    delete reply;
    QCOMPARE(parts.size(), 2);
    QCOMPARE(parts.at(0).name, "image");
    QCOMPARE(parts.at(0).filename, u"init frame é.png"_s);
    QCOMPARE(parts.at(0).contentType, "image/png");
    QCOMPARE(parts.at(0).data, image);
    QCOMPARE(parts.at(1).name, "overwrite");
    QVERIFY(parts.at(1).filename.isEmpty());
    QCOMPARE(parts.at(1).data, "true");
}

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
