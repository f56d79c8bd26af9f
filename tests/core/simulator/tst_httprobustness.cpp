#include "simulator/httpserver.h"

#include "core/simulator/httptestclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace comfyvideo::simulator;
using namespace comfyvideo::simulator::testing;
using namespace Qt::StringLiterals;

// Hostile and malformed clients: the server answers or closes, and never crashes or leaks.
class TestHttpRobustness : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void malformedRequests_data();
    void malformedRequests();
    void oversizedHeadIs431();
    void clientClosingMidBodyIsHarmless();
    void randomBytesNeverBreakTheServer();

private:
    QUrl url(const QString &path) const
    {
        return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_server->port()).arg(path));
    }

    std::unique_ptr<HttpServer> m_server;
    QList<HttpRequest> m_seen;
};

void TestHttpRobustness::init()
{
    m_seen.clear();
    m_server = std::make_unique<HttpServer>();
    QVERIFY(m_server->listen());
    m_server->addRoute("GET", u"/system_stats"_s, [](const HttpRequest &) {
        return HttpResponse::json(QJsonObject{{u"system"_s, QJsonObject{}}});
    });
    m_server->addRoute("POST", u"/prompt"_s, [this](const HttpRequest &request) {
        m_seen.append(request);
        return HttpResponse::json(QJsonObject{{u"size"_s, request.body.size()}});
    });
}

void TestHttpRobustness::cleanup()
{
    m_server.reset();
}

void TestHttpRobustness::malformedRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::newRow("garbage line") << QByteArray("\x01\x02 garbage\r\n\r\n") << 400;
    QTest::newRow("no version") << QByteArray("GET /system_stats\r\n\r\n") << 400;
    QTest::newRow("http/2") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 400;
    QTest::newRow("absolute target") << QByteArray("GET http://x/ HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("header without colon") << QByteArray("GET / HTTP/1.1\r\nHost x\r\n\r\n") << 400;
    QTest::newRow("negative length")
            << QByteArray("POST /prompt HTTP/1.1\r\nContent-Length: -5\r\n\r\n") << 400;
    QTest::newRow("text length") << QByteArray(
            "POST /prompt HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n")
                                 << 400;
    QTest::newRow("overflowing length") << QByteArray(
            "POST /prompt HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n")
                                        << 400;
    QTest::newRow("conflicting lengths")
            << QByteArray("POST /prompt HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
            << 400;
    QTest::newRow("too large") << QByteArray(
            "POST /prompt HTTP/1.1\r\nContent-Length: 105906177\r\n\r\n")
                               << 413;
    QTest::newRow("chunked") << QByteArray(
            "POST /prompt HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                             << 501;
    QTest::newRow("nul in header") << QByteArray("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 26) << 400;
}

void TestHttpRobustness::malformedRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    RawClient client(m_server->port());
    client.write(request);
    const QList<RawResponse> responses = parseResponses(client.readToClose());
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).status, status);
    QVERIFY(client.closedByServer());
    if (status == 413)
        QVERIFY(responses.at(0).body.startsWith("Maximum request body size 105906176 exceeded"));
    // The server still works.
    QNetworkAccessManager manager;
    QCOMPARE(send(manager, "GET", url(u"/system_stats"_s)).status, 200);
}

void TestHttpRobustness::oversizedHeadIs431()
{
    RawClient client(m_server->port());
    client.write("GET /system_stats HTTP/1.1\r\nX-Big: " + QByteArray(70 * 1024, 'a'));
    const QList<RawResponse> responses = parseResponses(client.readToClose());
    QCOMPARE(responses.value(0).status, 431);
    QVERIFY(client.closedByServer());
}

void TestHttpRobustness::clientClosingMidBodyIsHarmless()
{
    {
        RawClient client(m_server->port());
        client.write("POST /prompt HTTP/1.1\r\nContent-Length: 100000\r\n\r\n"
                     + QByteArray(5000, 'z'));
        client.readUntil([](const QByteArray &) { return false; }, 100);
        client.socket().abort();
    }
    QNetworkAccessManager manager;
    QCOMPARE(send(manager, "GET", url(u"/system_stats"_s)).status, 200);
    QVERIFY(std::ranges::none_of(m_seen, [](const HttpRequest &r) { return r.method == "POST"; }));
}

void TestHttpRobustness::randomBytesNeverBreakTheServer()
{
    QRandomGenerator random(20261124); // fixed seed: reproducible
    const QList<QByteArray> prefixes
            = {"",
               "GET / HTTP/1.1\r\n",
               "POST /prompt HTTP/1.1\r\nContent-Length: ",
               "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"};
    QList<std::shared_ptr<RawClient>> clients;
    for (int i = 0; i < 120; ++i) {
        QByteArray junk(random.bounded(1, 3000), Qt::Uninitialized);
        for (char &c : junk)
            c = char(random.bounded(256));
        if (i % 3 == 0) // sprinkle line ends so that some heads complete
            junk.replace('\x7f', "\r\n\r\n");
        auto client = std::make_shared<RawClient>(m_server->port());
        QVERIFY(client->isConnected());
        client->write(prefixes.at(i % prefixes.size()) + junk);
        if (i % 2 == 0)
            client->socket().abort(); // vanish at once
        else
            clients.append(client); // or linger
        if (i % 10 == 0)
            QCoreApplication::processEvents();
    }
    QNetworkAccessManager manager;
    const Reply reply = send(manager, "GET", url(u"/system_stats"_s));
    QCOMPARE(reply.status, 200);
    for (const auto &client : std::as_const(clients))
        client->socket().abort();
    QCOMPARE(send(manager, "POST", url(u"/prompt"_s), "{}").status, 200);
}

QTEST_GUILESS_MAIN(TestHttpRobustness)
#include "tst_httprobustness.moc"
