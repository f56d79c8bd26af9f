// 200 prompts through comfyui-sim at --step-ms 0: every one completes, and the process's
// resident memory stays within a bound after warm-up (no per-job leaks).
#include "fakes/simprocess.h"
#include "simtestkit.h"

#include <QtTest>

using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;

namespace {

qint64 residentKb(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace

class TestSimulatorSoak : public QObject
{
    Q_OBJECT

private slots:
    void twoHundredPromptsWithoutGrowth()
    {
        // Under AddressSanitizer freed memory sits in a quarantine and would look like growth.
        QByteArray asan = qgetenv("ASAN_OPTIONS");
        qputenv("ASAN_OPTIONS",
                asan + (asan.isEmpty() ? "" : ":")
                        + "quarantine_size_mb=0:thread_local_quarantine_size_kb=0");
        SimProcess sim({u"--step-ms"_s, u"0"_s, u"--no-previews"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        WsRecorder ws;
        const QString client = newId();
        QVERIFY(ws.open(sim.wsUrl(client)));
        QByteArray base = withClient(captureRequest(u"ws_animatediff_16f.jsonl"_s), client);
        base.replace("\"width\": 512, \"height\": 512, \"batch_size\": 16",
                     "\"width\": 32, \"height\": 32, \"batch_size\": 2");
        base.replace("\"steps\": 20,", "\"steps\": 2,");
        qint64 warm = 0;
        for (int batch = 0; batch < 4; ++batch) {
            QString last;
            for (int i = 0; i < 50; ++i) {
                QByteArray r = base;
                r.replace("\"seed\": 123456789",
                          QByteArray("\"seed\": " + QByteArray::number(batch * 1000 + i)));
                last = httpPost(nam, sim.url(u"/prompt"_s), r)
                               .object()
                               .value(u"prompt_id")
                               .toString();
                QVERIFY(!last.isEmpty());
            }
            QVERIFY(ws.waitForEnd(last, 90000));
            ws.messages.clear();
            if (batch == 0)
                warm = residentKb(sim.pid());
        }
        const qint64 end = residentKb(sim.pid());
        qInfo("VmRSS after warm-up %lld kB, after 200 prompts %lld kB", warm, end);
        QVERIFY(warm > 0);
        QVERIFY2(end - warm < 20 * 1024, "resident memory grew by more than 20 MB");
        QCOMPARE(httpGet(nam, sim.url(u"/history"_s)).object().size(), 200);
    }
};

QTEST_GUILESS_MAIN(TestSimulatorSoak)
#include "tst_simulatorsoak.moc"
