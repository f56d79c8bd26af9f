#include "simulator/httpparsing.h"

#include <QTest>

using namespace comfyvideo::simulator;
using namespace Qt::StringLiterals;

// The pure request-head and Range helpers of the simulator's HTTP layer.
class TestHttpParsing : public QObject
{
    Q_OBJECT

private slots:
    void parsesHead();
    void connectionSemantics_data();
    void connectionSemantics();
    void detectsWebSocketUpgrade();
    void evaluatesRanges_data();
    void evaluatesRanges();
    void statusLines();
    void crossOriginCheck_data();
    void crossOriginCheck();
};

void TestHttpParsing::parsesHead()
{
    const auto head = http::parseRequestHead(
            "POST /api/view%20x/%C3%A9?filename=a+b%26c&type=output HTTP/1.1\r\n"
            "HOST: 127.0.0.1\r\nX-Multi: 1\r\nx-multi: 2\r\n"
            "Content-Length:   42  \r\nExpect: 100-Continue",
            100);
    QVERIFY(head);
    QCOMPARE(head->request.method, "POST");
    QCOMPARE(head->request.path, u"/api/view x/é"_s);
    QCOMPARE(head->rawTarget, "/api/view%20x/%C3%A9?filename=a+b%26c&type=output");
    QCOMPARE(head->request.query.queryItemValue(u"filename"_s, QUrl::FullyDecoded), u"a b&c"_s);
    QCOMPARE(head->request.query.queryItemValue(u"type"_s), u"output"_s);
    QCOMPARE(head->request.header("host"), "127.0.0.1");
    QCOMPARE(head->request.header("x-multi"), "1, 2");
    QCOMPARE(head->contentLength, 42);
    QVERIFY(head->expectContinue);
    QVERIFY(head->keepAlive);
    QVERIFY(!head->webSocketUpgrade);

    const auto tooBig = http::parseRequestHead("POST / HTTP/1.1\r\nContent-Length: 101", 100);
    QVERIFY(!tooBig);
    QCOMPARE(tooBig.error().status, 413);
    QCOMPARE(tooBig.error().message,
             "Maximum request body size 100 exceeded, actual body size 101");
}

void TestHttpParsing::connectionSemantics_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<bool>("keepAlive");
    QTest::newRow("1.1 default") << QByteArray("GET / HTTP/1.1") << true;
    QTest::newRow("1.1 close") << QByteArray("GET / HTTP/1.1\r\nConnection: Close") << false;
    QTest::newRow("1.0 default") << QByteArray("GET / HTTP/1.0") << false;
    QTest::newRow("1.0 keep-alive")
            << QByteArray("GET / HTTP/1.0\r\nconnection: Keep-Alive") << true;
}

void TestHttpParsing::connectionSemantics()
{
    QFETCH(QByteArray, head);
    QFETCH(bool, keepAlive);
    const auto parsed = http::parseRequestHead(head, 100);
    QVERIFY(parsed);
    QCOMPARE(parsed->keepAlive, keepAlive);
}

void TestHttpParsing::detectsWebSocketUpgrade()
{
    auto head = http::parseRequestHead("GET /ws?clientId=a HTTP/1.1\r\nUpgrade: WebSocket\r\n"
                                       "Connection: keep-alive, Upgrade",
                                       100);
    QVERIFY(head);
    QVERIFY(head->webSocketUpgrade);
    head = http::parseRequestHead("GET /ws HTTP/1.1\r\nUpgrade: websocket", 100);
    QVERIFY(head);
    QVERIFY(!head->webSocketUpgrade); // no "Connection: upgrade"
}

void TestHttpParsing::evaluatesRanges_data()
{
    using Kind = http::ByteRange::Kind;
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<qint64>("size");
    QTest::addColumn<int>("kind");
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("last");
    QTest::newRow("none") << QByteArray() << 10LL << int(Kind::Whole) << 0LL << -1LL;
    QTest::newRow("a-b") << QByteArray("bytes=2-4") << 10LL << int(Kind::Partial) << 2LL << 4LL;
    QTest::newRow("a-a") << QByteArray("bytes=9-9") << 10LL << int(Kind::Partial) << 9LL << 9LL;
    QTest::newRow("a-") << QByteArray("bytes=3-") << 10LL << int(Kind::Partial) << 3LL << 9LL;
    QTest::newRow("-n") << QByteArray("bytes=-3") << 10LL << int(Kind::Partial) << 7LL << 9LL;
    QTest::newRow("-0") << QByteArray("bytes=-0") << 10LL << int(Kind::Unsatisfiable) << 0LL
                        << -1LL;
    QTest::newRow("empty file") << QByteArray("bytes=0-") << 0LL << int(Kind::Unsatisfiable) << 0LL
                                << -1LL;
    QTest::newRow("dash only") << QByteArray("bytes=-") << 10LL << int(Kind::Unsatisfiable) << 0LL
                               << -1LL;
    QTest::newRow("signed") << QByteArray("bytes=+1-2") << 10LL << int(Kind::Unsatisfiable) << 0LL
                            << -1LL;
    QTest::newRow("spaces") << QByteArray("bytes= 1-2") << 10LL << int(Kind::Unsatisfiable) << 0LL
                            << -1LL;
}

void TestHttpParsing::evaluatesRanges()
{
    QFETCH(QByteArray, header);
    QFETCH(qint64, size);
    QFETCH(int, kind);
    QFETCH(qint64, first);
    QFETCH(qint64, last);
    const http::ByteRange range
            = http::evaluateRange(header.isEmpty() ? QByteArray() : header, size);
    QCOMPARE(int(range.kind), kind);
    if (range.kind != http::ByteRange::Kind::Unsatisfiable) {
        QCOMPARE(range.first, first);
        QCOMPARE(range.last, last);
    }
}

void TestHttpParsing::statusLines()
{
    QCOMPARE(http::statusText(404), "404: Not Found");
    QCOMPARE(http::responseHead(206, {{"A", "b"}}), "HTTP/1.1 206 Partial Content\r\nA: b\r\n\r\n");
    QCOMPARE(http::reasonPhrase(299), "Unknown");
}

void TestHttpParsing::crossOriginCheck_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<bool>("refused");
    QTest::newRow("no origin") << QByteArray("127.0.0.1:8188") << QByteArray() << false;
    QTest::newRow("same") << QByteArray("127.0.0.1:8188") << QByteArray("http://127.0.0.1:8188")
                          << false;
    QTest::newRow("other host") << QByteArray("127.0.0.1:8188") << QByteArray("http://evil.example")
                                << true;
    QTest::newRow("other port") << QByteArray("127.0.0.1:8188")
                                << QByteArray("http://127.0.0.1:9000") << true;
    QTest::newRow("origin without port")
            << QByteArray("localhost:8188") << QByteArray("http://LOCALHOST") << false;
    QTest::newRow("localhost vs ip")
            << QByteArray("localhost:8188") << QByteArray("http://127.0.0.1:8188") << true;
    QTest::newRow("ipv6") << QByteArray("[::1]:8188") << QByteArray("http://[::1]:8188") << false;
    QTest::newRow("not loopback") << QByteArray("192.168.1.5:8188")
                                  << QByteArray("http://evil.example") << false;
    QTest::newRow("null origin") << QByteArray("127.0.0.1:8188") << QByteArray("null") << false;
}

void TestHttpParsing::crossOriginCheck()
{
    QFETCH(QByteArray, host);
    QFETCH(QByteArray, origin);
    QFETCH(bool, refused);
    QHash<QByteArray, QByteArray> headers{{"host", host}};
    if (!origin.isEmpty())
        headers.insert("origin", origin);
    QCOMPARE(http::isCrossOriginRefused(headers), refused);
}

QTEST_GUILESS_MAIN(TestHttpParsing)
#include "tst_httpparsing.moc"
