// The engine-side faults of comfyui-sim: ws-drop, restart, oom and hostile-names, switched on
// from the command line and through the control route.
#include "fakes/simprocess.h"
#include "simtestkit.h"

#include <QtTest>

using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;

class TestSimulatorFaults : public QObject
{
    Q_OBJECT

private:
    static QByteArray request(const QString &client, int seed = 123456789)
    {
        QByteArray r = withClient(captureRequest(u"ws_animatediff_16f.jsonl"_s), client);
        r.replace("\"width\": 512, \"height\": 512, \"batch_size\": 16",
                  "\"width\": 32, \"height\": 32, \"batch_size\": 2");
        r.replace("\"steps\": 20,", "\"steps\": 3,");
        r.replace("\"seed\": 123456789", QByteArray("\"seed\": " + QByteArray::number(seed)));
        return r;
    }

    static bool historyHas(QNetworkAccessManager &nam, const SimProcess &sim, const QString &id)
    {
        return WsRecorder::waitUntil(
                [&] { return httpGet(nam, sim.url(u"/history/"_s + id)).object().contains(id); });
    }

private slots:
    void wsDropClosesSocketButRunCompletes()
    {
        SimProcess sim({u"--step-ms"_s, u"5"_s, u"--fault"_s, u"ws-drop:after=6"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        WsRecorder ws;
        const QString client = newId();
        QVERIFY(ws.open(sim.wsUrl(client)));
        const QString id = httpPost(nam, sim.url(u"/prompt"_s), request(client))
                                   .object()
                                   .value(u"prompt_id")
                                   .toString();
        QVERIFY(WsRecorder::waitUntil([&] { return ws.disconnected; }));
        QCOMPARE(ws.messages.size(), 6);
        QVERIFY(historyHas(nam, sim, id));
    }

    void restartForgetsQueueAndHistory()
    {
        SimProcess sim({u"--step-ms"_s, u"5"_s, u"--fault"_s, u"restart:after=1"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        WsRecorder ws;
        const QString client = newId();
        QVERIFY(ws.open(sim.wsUrl(client)));
        const QString first = httpPost(nam, sim.url(u"/prompt"_s), request(client))
                                      .object()
                                      .value(u"prompt_id")
                                      .toString();
        const QString second = httpPost(nam, sim.url(u"/prompt"_s), request(client, 7))
                                       .object()
                                       .value(u"prompt_id")
                                       .toString();
        QVERIFY(ws.waitForEnd(first));
        QVERIFY(WsRecorder::waitUntil([&] { return ws.disconnected; }));
        QNetworkAccessManager fresh;
        QCOMPARE(httpGet(fresh, sim.url(u"/history/"_s + first)).body, QByteArray("{}"));
        QCOMPARE(httpGet(fresh, sim.url(u"/queue"_s)).object(),
                 QJsonDocument::fromJson(readCapture(u"queue_idle.json"_s)).object());
        QCOMPARE(httpGet(fresh, sim.url(u"/history/"_s + second)).body, QByteArray("{}"));
        // The counter starts again at 0, like a fresh server; and /sim/restart does the same.
        QCOMPARE(httpPostJson(fresh, sim.url(u"/sim/faults"_s), {{u"clear"_s, true}}).status, 200);
        const HttpResult again = httpPost(fresh, sim.url(u"/prompt"_s), request(client, 9));
        QCOMPARE(again.object().value(u"number").toInt(), 0);
        QVERIFY(historyHas(fresh, sim, again.object().value(u"prompt_id").toString()));
        QCOMPARE(httpPost(fresh, sim.url(u"/sim/restart"_s), "{}").status, 200);
        QVERIFY(WsRecorder::waitUntil(
                [&] { return httpGet(fresh, sim.url(u"/history"_s)).body == "{}"; }));
    }

    void oomAndHostileNamesFromControlRoute()
    {
        SimProcess sim({u"--step-ms"_s, u"5"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        QCOMPARE(httpPostJson(nam, sim.url(u"/sim/faults"_s), {{u"add"_s, u"oom:limit=100"_s}})
                         .status,
                 200);
        QCOMPARE(httpPostJson(nam, sim.url(u"/sim/faults"_s), {{u"add"_s, u"bogus:x=1"_s}}).status,
                 400);
        WsRecorder ws;
        const QString client = newId();
        QVERIFY(ws.open(sim.wsUrl(client)));
        const QString oom = httpPost(nam, sim.url(u"/prompt"_s), request(client))
                                    .object()
                                    .value(u"prompt_id")
                                    .toString();
        QVERIFY(ws.waitForEnd(oom));
        QCOMPARE(ws.count(u"execution_error"_s), 1);

        QCOMPARE(httpPostJson(nam, sim.url(u"/sim/faults"_s), {{u"clear"_s, true}}).status, 200);
        QCOMPARE(httpPostJson(nam,
                              sim.url(u"/sim/faults"_s),
                              {{u"add"_s, u"hostile-names:mode=traversal"_s}})
                         .status,
                 200);
        const QString hostile = httpPost(nam, sim.url(u"/prompt"_s), request(client, 11))
                                        .object()
                                        .value(u"prompt_id")
                                        .toString();
        QVERIFY(ws.waitForEnd(hostile));
        const int at = ws.find([](const WsMessage &m) { return m.type == u"executed"; });
        QVERIFY(at >= 0);
        QCOMPARE(ws.messages.at(at)
                         .data.value(u"output")
                         .toObject()
                         .value(u"gifs")
                         .toArray()
                         .at(0)
                         .toObject()
                         .value(u"filename")
                         .toString(),
                 u"../../evil.mp4"_s);
        QCOMPARE(httpGet(nam, sim.url(u"/view?filename=../../evil.mp4"_s)).status, 400);
    }

    void hostileNameModesFromCommandLine()
    {
        for (const char *mode : {"absolute", "long", "unicode"}) {
            SimProcess sim({u"--step-ms"_s,
                            u"0"_s,
                            u"--fault"_s,
                            u"hostile-names:mode="_s + QString::fromLatin1(mode)});
            QVERIFY(sim.start());
            QNetworkAccessManager nam;
            const QString id = httpPost(nam, sim.url(u"/prompt"_s), request({}))
                                       .object()
                                       .value(u"prompt_id")
                                       .toString();
            QVERIFY(historyHas(nam, sim, id));
            const QString name = httpGet(nam, sim.url(u"/history/"_s + id))
                                         .object()
                                         .value(id)
                                         .toObject()
                                         .value(u"outputs")
                                         .toObject()
                                         .value(u"11")
                                         .toObject()
                                         .value(u"gifs")
                                         .toArray()
                                         .at(0)
                                         .toObject()
                                         .value(u"filename")
                                         .toString();
            if (qstrcmp(mode, "absolute") == 0)
                QCOMPARE(name, u"/etc/passwd.mp4"_s);
            else if (qstrcmp(mode, "long") == 0)
                QCOMPARE(name.size(), 300);
            else
                QVERIFY(std::any_of(
                        name.begin(), name.end(), [](QChar c) { return c.unicode() > 127; }));
        }
    }
};

QTEST_GUILESS_MAIN(TestSimulatorFaults)
#include "tst_simulatorfaults.moc"
