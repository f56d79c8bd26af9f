#include "simulator/faults.h"
#include "simulator/httpserver.h"

#include "core/simulator/httptestclient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

using namespace comfyvideo::simulator;
using namespace comfyvideo::simulator::testing;
using namespace Qt::StringLiterals;

// FaultSet parsing and bookkeeping, and the faults HttpServer applies itself.
class TestFaults : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void parsesGoodSpecs();
    void rejectsBadSpecs_data();
    void rejectsBadSpecs();
    void routeMatchesWholeSegments_data();
    void routeMatchesWholeSegments();
    void httpErrorCountsDown();
    void addAndClear();

    void httpErrorFailsRouteThenRecovers();
    void hangNeverAnswers();
    void malformedJsonCutsBodyInHalf();
    void viewSlowThrottles();
    void viewTruncateClosesEarly();
    void wsRefuseAnswers503();
    void controlRoutesAreExempt();

private:
    QUrl url(const QString &path) const
    {
        return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_server->port()).arg(path));
    }
    void writeViewFile(const QByteArray &content);

    std::unique_ptr<HttpServer> m_server;
    QTemporaryDir m_dir;
    int m_promptCalls = 0;
};

void TestFaults::init()
{
    m_promptCalls = 0;
    m_server = std::make_unique<HttpServer>();
    QVERIFY(m_server->listen());
    m_server->addRoute("POST", u"/prompt"_s, [this](const HttpRequest &) {
        ++m_promptCalls;
        return HttpResponse::json(QJsonObject{{u"prompt_id"_s, u"p1"_s}, {u"number"_s, 1}});
    });
    m_server->addRoute("GET", u"/history/{prompt_id}"_s, [](const HttpRequest &) {
        return HttpResponse::json(QJsonObject{});
    });
    m_server->addRoute("GET", u"/queue"_s, [](const HttpRequest &) {
        return HttpResponse::json(QJsonObject{{u"queue_running"_s, QJsonArray{}},
                                              {u"queue_pending"_s, QJsonArray{}}});
    });
    m_server->addRoute("GET", u"/view"_s, [this](const HttpRequest &) {
        return HttpResponse::file(m_dir.filePath(u"clip.mp4"_s), "video/mp4");
    });
    m_server->addRoute("POST", u"/sim/faults"_s, [this](const HttpRequest &) {
        m_server->faults().clear();
        return HttpResponse::empty();
    });
}

void TestFaults::cleanup()
{
    m_server.reset();
}

void TestFaults::writeViewFile(const QByteArray &content)
{
    QFile file(m_dir.filePath(u"clip.mp4"_s));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
}

void TestFaults::parsesGoodSpecs()
{
    auto fault = FaultSet::parse(u"http-error:route=/prompt,status=500,count=3"_s);
    QVERIFY2(fault, qPrintable(fault ? QString() : fault.error()));
    QCOMPARE(fault->name, u"http-error"_s);
    QCOMPARE(fault->route, u"/prompt"_s);
    QCOMPARE(fault->status, 500);
    QCOMPARE(fault->count, 3);

    fault = FaultSet::parse(u" http-error : route=/api/history "_s);
    QVERIFY2(fault, qPrintable(fault ? QString() : fault.error()));
    QCOMPARE(fault->route, u"/history"_s); // "/api" dropped
    QCOMPARE(fault->status, 503);
    QCOMPARE(fault->count, -1);

    QCOMPARE(FaultSet::parse(u"ws-refuse"_s)->name, u"ws-refuse"_s);
    QCOMPARE(FaultSet::parse(u"ws-drop:after=0"_s)->value, 0);
    QCOMPARE(FaultSet::parse(u"view-slow:bps=100000"_s)->value, 100000);
    QCOMPARE(FaultSet::parse(u"view-truncate:bytes=1000"_s)->value, 1000);
    QCOMPARE(FaultSet::parse(u"restart:after=2"_s)->value, 2);
    QCOMPARE(FaultSet::parse(u"oom:limit=5000000000"_s)->value, 5000000000LL);
    QCOMPARE(FaultSet::parse(u"hostile-names:mode=traversal"_s)->mode, u"traversal"_s);
    QCOMPARE(FaultSet::parse(u"hang:route=/history"_s)->route, u"/history"_s);
    QCOMPARE(FaultSet::parse(u"malformed-json:route=/queue"_s)->route, u"/queue"_s);
    QCOMPARE(FaultSet::parse(u"http-error:route=/prompt,count=-1"_s)->count, -1);
}

void TestFaults::rejectsBadSpecs_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("empty") << u"  "_s << u"empty"_s;
    QTest::newRow("unknown name") << u"explode"_s << u"unknown fault \"explode\""_s;
    QTest::newRow("missing key") << u"ws-drop"_s << u"needs \"after=...\""_s;
    QTest::newRow("missing route") << u"http-error:status=500"_s << u"route"_s;
    QTest::newRow("unknown key") << u"view-slow:bps=1,speed=2"_s << u"no key \"speed\""_s;
    QTest::newRow("key for keyless") << u"ws-refuse:after=1"_s << u"none"_s;
    QTest::newRow("no equals") << u"hang:/history"_s << u"key=value"_s;
    QTest::newRow("not a number") << u"ws-drop:after=ten"_s << u"not an integer"_s;
    QTest::newRow("negative") << u"view-truncate:bytes=-1"_s << u"at least 0"_s;
    QTest::newRow("zero bps") << u"view-slow:bps=0"_s << u"at least 1"_s;
    QTest::newRow("status range") << u"http-error:route=/prompt,status=700"_s << u"599"_s;
    QTest::newRow("zero count") << u"http-error:route=/prompt,count=0"_s << u"at least 1"_s;
    QTest::newRow("route slash") << u"hang:route=history"_s << u"start with"_s;
    QTest::newRow("bad mode") << u"hostile-names:mode=evil"_s << u"traversal"_s;
    QTest::newRow("duplicate") << u"oom:limit=1,limit=2"_s << u"twice"_s;
    QTest::newRow("empty value") << u"restart:after="_s << u"not an integer"_s;
}

void TestFaults::rejectsBadSpecs()
{
    QFETCH(QString, spec);
    QFETCH(QString, mentions);
    const auto fault = FaultSet::parse(spec);
    QVERIFY(!fault);
    QVERIFY2(fault.error().contains(mentions), qPrintable(fault ? QString() : fault.error()));
    FaultSet set;
    QVERIFY(!set.add(spec));
    QVERIFY(set.isEmpty());
}

void TestFaults::routeMatchesWholeSegments_data()
{
    QTest::addColumn<QString>("faultRoute");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("matches");
    QTest::newRow("same") << u"/history"_s << u"/history"_s << true;
    QTest::newRow("child") << u"/history"_s << u"/history/abc"_s << true;
    QTest::newRow("partial segment") << u"/history"_s << u"/historyx"_s << false;
    QTest::newRow("parent") << u"/history/abc"_s << u"/history"_s << false;
    QTest::newRow("placeholder") << u"/history/{prompt_id}"_s << u"/history/abc"_s << true;
    QTest::newRow("root") << u"/"_s << u"/prompt"_s << true;
    QTest::newRow("other") << u"/prompt"_s << u"/queue"_s << false;
    QTest::newRow("api in fault") << u"/api/queue"_s << u"/queue"_s << true;
}

void TestFaults::routeMatchesWholeSegments()
{
    QFETCH(QString, faultRoute);
    QFETCH(QString, path);
    QFETCH(bool, matches);
    QCOMPARE(FaultSet::routeMatches(faultRoute, path), matches);
}

void TestFaults::httpErrorCountsDown()
{
    FaultSet set;
    QVERIFY(set.add(u"http-error:route=/prompt,status=500,count=2"_s));
    QVERIFY(set.add(u"http-error:route=/history"_s));
    QCOMPARE(set.takeHttpError(u"/queue"_s), std::nullopt);
    QCOMPARE(set.takeHttpError(u"/prompt"_s), 500);
    QCOMPARE(set.takeHttpError(u"/prompt"_s), 500);
    QCOMPARE(set.takeHttpError(u"/prompt"_s), std::nullopt);
    QCOMPARE(set.all().size(), 1); // used up and removed
    for (int i = 0; i < 10; ++i)
        QCOMPARE(set.takeHttpError(u"/history/x"_s), 503); // forever
}

void TestFaults::addAndClear()
{
    FaultSet set;
    QVERIFY(set.add(u"hang:route=/history"_s));
    QVERIFY(set.add(u"malformed-json:route=/queue"_s));
    QVERIFY(set.hangs(u"/history/1"_s));
    QVERIFY(!set.hangs(u"/queue"_s));
    QVERIFY(set.malformsJson(u"/queue"_s));
    QCOMPARE(set.find(u"hang"_s)->route, u"/history"_s);
    QCOMPARE(set.find(u"oom"_s), std::nullopt);
    set.clear();
    QVERIFY(set.isEmpty());
    QVERIFY(!set.hangs(u"/history/1"_s));
}

void TestFaults::httpErrorFailsRouteThenRecovers()
{
    QVERIFY(m_server->faults().add(u"http-error:route=/prompt,status=503,count=2"_s));
    QNetworkAccessManager manager;
    Reply reply = send(manager, "POST", url(u"/prompt"_s), "{}");
    QCOMPARE(reply.status, 503);
    QCOMPARE(reply.body, "503: Service Unavailable");
    QCOMPARE(reply.headers.value("content-type"), "text/plain; charset=utf-8");
    QCOMPARE(send(manager, "GET", url(u"/queue"_s)).status, 200); // other routes unaffected
    QCOMPARE(send(manager, "POST", url(u"/api/prompt"_s), "{}").status, 503);
    QCOMPARE(m_promptCalls, 0);
    QCOMPARE(send(manager, "POST", url(u"/prompt"_s), "{}").status, 200);
    QCOMPARE(m_promptCalls, 1);
    // Unknown paths stay 404 even with a catch-all fault.
    QVERIFY(m_server->faults().add(u"http-error:route=/,status=500"_s));
    QCOMPARE(send(manager, "GET", url(u"/nope"_s)).status, 404);
    QCOMPARE(send(manager, "GET", url(u"/queue"_s)).status, 500);
}

void TestFaults::hangNeverAnswers()
{
    QVERIFY(m_server->faults().add(u"hang:route=/history"_s));
    RawClient hung(m_server->port());
    hung.write("GET /api/history/abc HTTP/1.1\r\n\r\n");
    // A negative check needs a bound: nothing arrives and the socket stays open meanwhile.
    QVERIFY(hung.readUntil([](const QByteArray &d) { return !d.isEmpty(); }, 700).isEmpty());
    QCOMPARE(hung.socket().state(), QAbstractSocket::ConnectedState);
    QNetworkAccessManager manager;
    QCOMPARE(send(manager, "GET", url(u"/queue"_s)).status, 200);
    m_server->faults().clear();
    QCOMPARE(send(manager, "GET", url(u"/history/abc"_s)).status, 200);
    QCOMPARE(hung.socket().state(), QAbstractSocket::ConnectedState);
    m_server->dropAllConnections();
    QVERIFY(hung.closedByServer());
}

void TestFaults::malformedJsonCutsBodyInHalf()
{
    QNetworkAccessManager manager;
    const QByteArray whole = send(manager, "GET", url(u"/queue"_s)).body;
    QVERIFY(m_server->faults().add(u"malformed-json:route=/queue"_s));
    const Reply reply = send(manager, "GET", url(u"/api/queue"_s));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, whole.left(whole.size() / 2));
    QJsonParseError error;
    QJsonDocument::fromJson(reply.body, &error);
    QVERIFY(error.error != QJsonParseError::NoError);
    QVERIFY(!QJsonDocument::fromJson(send(manager, "GET", url(u"/history/x"_s)).body).isNull());
}

void TestFaults::viewSlowThrottles()
{
    const QByteArray content(60000, 'v');
    writeViewFile(content);
    QVERIFY(m_server->faults().add(u"view-slow:bps=100000"_s));
    QNetworkAccessManager manager;
    QElapsedTimer timer;
    timer.start();
    const Reply reply = send(manager, "GET", url(u"/view?filename=clip.mp4"_s));
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, content);
    // 60 kB at 100 kB/s cannot arrive in much less than 0.6 s (lower bound only).
    QVERIFY2(elapsed >= 450, qPrintable(QString::number(elapsed)));
    m_server->faults().clear();
    timer.restart();
    QCOMPARE(send(manager, "GET", url(u"/view?filename=clip.mp4"_s)).body, content);
}

void TestFaults::viewTruncateClosesEarly()
{
    writeViewFile(QByteArray(10000, 't'));
    QVERIFY(m_server->faults().add(u"view-truncate:bytes=1000"_s));
    RawClient client(m_server->port());
    client.write("GET /view?filename=clip.mp4 HTTP/1.1\r\n\r\n");
    const QByteArray data = client.readToClose();
    QVERIFY(client.closedByServer());
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    QVERIFY(data.left(headEnd).contains("Content-Length: 10000"));
    QCOMPARE(data.size() - headEnd - 4, 1000);
    QNetworkAccessManager manager;
    const Reply reply = send(manager, "GET", url(u"/view?filename=clip.mp4"_s));
    QVERIFY(reply.error != QNetworkReply::NoError);
}

void TestFaults::wsRefuseAnswers503()
{
    QVERIFY(m_server->faults().add(u"ws-refuse"_s));
    int upgrades = 0;
    connect(m_server.get(), &HttpServer::webSocketConnected, this, [&upgrades](QWebSocket *s) {
        ++upgrades;
        delete s;
    });
    RawClient raw(m_server->port());
    raw.write("GET /ws?clientId=a HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: "
              "Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QVERIFY(raw.readToClose().startsWith("HTTP/1.1 503 Service Unavailable\r\n"));
    QWebSocket client;
    QSignalSpy errors(&client, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
    client.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_server->port())));
    QTRY_VERIFY(!errors.isEmpty());
    m_server->faults().clear();
    QSignalSpy connected(&client, &QWebSocket::connected);
    client.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_server->port())));
    QVERIFY(connected.wait(5000));
    QTRY_COMPARE(upgrades, 1);
}

void TestFaults::controlRoutesAreExempt()
{
    QVERIFY(m_server->faults().add(u"http-error:route=/,status=500"_s));
    QVERIFY(m_server->faults().add(u"hang:route=/sim"_s));
    QNetworkAccessManager manager;
    QCOMPARE(send(manager, "POST", url(u"/prompt"_s), "{}").status, 500);
    QCOMPARE(send(manager, "POST", url(u"/sim/faults"_s), "{}").status, 200);
    QCOMPARE(send(manager, "POST", url(u"/prompt"_s), "{}").status, 200);
}

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
