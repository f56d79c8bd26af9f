// The HTTP-level faults of comfyui-sim, driven as a separate process: refused WebSocket
// upgrades, 5xx bursts, hanging routes, malformed JSON, slow and truncated /view bodies, and a
// fault spec the simulator cannot parse.
#include "fakes/simprocess.h"
#include "simtestkit.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QtTest>

using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;

namespace {

// A file of `size` bytes with a recognisable pattern, in the simulator's output folder.
QByteArray writeOutput(const SimProcess &sim, const QString &name, int size)
{
    QByteArray data(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        data[i] = char('a' + (i * 7) % 26);
    QDir().mkpath(sim.dataDir() + u"/output"_s);
    QFile file(sim.dataDir() + u"/output/"_s + name);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != size)
        return {};
    return data;
}

bool addFault(QNetworkAccessManager &nam, const SimProcess &sim, const QString &spec)
{
    return httpPostJson(nam, sim.url(u"/sim/faults"_s), QJsonObject{{u"add"_s, spec}}).status
           == 200;
}

} // namespace

class TestSimulatorHttpFaults : public QObject
{
    Q_OBJECT

private slots:
    void wsRefuseKeepsHttpWorking()
    {
        SimProcess sim({u"--fault"_s, u"ws-refuse"_s});
        QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
        QWebSocket socket;
        QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(sim.wsUrl(newId()));
        QVERIFY(disconnected.wait(10000));
        QCOMPARE(connected.count(), 0);
        QNetworkAccessManager nam;
        QCOMPARE(httpGet(nam, sim.url(u"/system_stats"_s)).status, 200);
    }

    void httpErrorBurstThenRecovers()
    {
        SimProcess sim;
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        QVERIFY(addFault(nam, sim, u"http-error:route=/system_stats,status=503,count=2"_s));
        QCOMPARE(httpGet(nam, sim.url(u"/system_stats"_s)).status, 503);
        QCOMPARE(httpGet(nam, sim.url(u"/api/system_stats"_s)).status, 503);
        const HttpResult ok = httpGet(nam, sim.url(u"/system_stats"_s));
        QCOMPARE(ok.status, 200);
        QVERIFY(ok.object().contains(u"devices"_s));
        // Other routes were never affected.
        QCOMPARE(httpGet(nam, sim.url(u"/queue"_s)).status, 200);
    }

    void hangNeverAnswersThatRoute()
    {
        SimProcess sim({u"--fault"_s, u"hang:route=/history"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        QNetworkReply *hung = nam.get(QNetworkRequest(sim.url(u"/history/abc"_s)));
        QSignalSpy finished(hung, &QNetworkReply::finished);
        // Meanwhile the server answers everything else.
        QCOMPARE(httpGet(nam, sim.url(u"/system_stats"_s)).status, 200);
        QVERIFY(!finished.wait(1500));
        QVERIFY(!hung->isFinished());
        hung->abort();
        delete hung;
    }

    void malformedJsonIsCutInHalf()
    {
        SimProcess sim({u"--fault"_s, u"malformed-json:route=/queue"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        const HttpResult queue = httpGet(nam, sim.url(u"/queue"_s));
        QCOMPARE(queue.status, 200);
        QJsonParseError error;
        QJsonDocument::fromJson(queue.body, &error);
        QVERIFY(error.error != QJsonParseError::NoError);
        const HttpResult stats = httpGet(nam, sim.url(u"/system_stats"_s));
        QJsonDocument::fromJson(stats.body, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
    }

    void viewTruncateThenRangeResume()
    {
        SimProcess sim({u"--fault"_s, u"view-truncate:bytes=1000"_s});
        QVERIFY(sim.start());
        const QByteArray data = writeOutput(sim, u"clip.mp4"_s, 100000);
        QVERIFY(!data.isEmpty());
        QNetworkAccessManager nam;
        const QUrl url = sim.url(u"/view?filename=clip.mp4&type=output"_s);
        QNetworkReply *reply = nam.get(QNetworkRequest(url));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        const QByteArray head = reply->readAll();
        QVERIFY(reply->error() != QNetworkReply::NoError);
        QCOMPARE(head.size(), 1000);
        QCOMPARE(head, data.left(1000));
        delete reply;

        QCOMPARE(httpPostJson(nam, sim.url(u"/sim/faults"_s), QJsonObject{{u"clear"_s, true}})
                         .status,
                 200);
        const HttpResult rest = httpGet(nam, url, "bytes=1000-");
        QCOMPARE(rest.status, 206);
        QCOMPARE(rest.body, data.mid(1000));
        QCOMPARE(rest.headers.value("content-range"), QByteArray("bytes 1000-99999/100000"));
    }

    void viewSlowThrottlesTheBody()
    {
        SimProcess sim({u"--fault"_s, u"view-slow:bps=100000"_s});
        QVERIFY(sim.start());
        const QByteArray data = writeOutput(sim, u"slow.mp4"_s, 100000);
        QNetworkAccessManager nam;
        QElapsedTimer clock;
        clock.start();
        const HttpResult slow = httpGet(nam, sim.url(u"/view?filename=slow.mp4"_s));
        const qint64 elapsed = clock.elapsed();
        QCOMPARE(slow.status, 200);
        QCOMPARE(slow.body, data);
        // 100 kB at 100 kB/s: the throttle must have spread the body over most of a second.
        QVERIFY2(elapsed >= 600, qPrintable(u"took only %1 ms"_s.arg(elapsed)));
    }

    void badFaultSpecIsRefusedAtStart()
    {
        QProcess sim;
        QTemporaryDir dir;
        sim.start(SimProcess::executable(),
                  {u"--port"_s,
                   u"0"_s,
                   u"--data-dir"_s,
                   dir.path(),
                   u"--fault"_s,
                   u"no-such-fault:x=1"_s});
        QVERIFY(sim.waitForFinished(15000));
        QVERIFY(sim.exitCode() != 0);
        const QString err = QString::fromUtf8(sim.readAllStandardError());
        QVERIFY2(err.contains(u"no-such-fault"_s), qPrintable(err));
        QVERIFY(sim.readAllStandardOutput().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSimulatorHttpFaults)
#include "tst_simulatorhttpfaults.moc"
