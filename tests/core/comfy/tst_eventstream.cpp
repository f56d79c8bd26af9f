// EventStream against comfyui-sim: handshake (feature flags, sid), backoff math, drops and
// reconnects, refused upgrades.
#include "clienttestutil.h"
#include "comfy/eventstream.h"

using namespace comfyvideo;
using namespace comfyvideo::comfy;
using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class TestEventStream : public QObject
{
    Q_OBJECT

private slots:
    void backoffDelay();
    void handshake();
    void reconnectsAfterDrop();
    void refusedUpgradeBacksOff();
    void closeStopsReconnecting();
};

void TestEventStream::backoffDelay()
{
    EventStream::Timing t;
    t.initialBackoff = 100ms;
    t.maxBackoff = 1000ms;
    t.jitter = 0.5;
    QCOMPARE(EventStream::backoffDelay(1, t, 0.5), 100ms);
    QCOMPARE(EventStream::backoffDelay(2, t, 0.5), 200ms);
    QCOMPARE(EventStream::backoffDelay(4, t, 0.5), 800ms);
    QCOMPARE(EventStream::backoffDelay(5, t, 0.5), 1000ms); // capped
    QCOMPARE(EventStream::backoffDelay(500, t, 0.5), 1000ms);
    QCOMPARE(EventStream::backoffDelay(2, t, 0.0), 100ms); // -50 %
    QCOMPARE(EventStream::backoffDelay(2, t, 1.0), 300ms); // +50 %
    QCOMPARE(EventStream::backoffDelay(0, t, 0.5), 100ms);
}

void TestEventStream::handshake()
{
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    EventStream stream(configFor(sim), nullptr, u"my-client-1"_s);
    QSignalSpy connected(&stream, &EventStream::connectedChanged);
    QSignalSpy sid(&stream, &EventStream::sidReceived);
    QList<ws::Event> events;
    connect(&stream, &EventStream::eventReceived, this, [&](const ws::Event &e) {
        events.append(e);
    });
    stream.open();
    QVERIFY(connected.wait(10000));
    QCOMPARE(connected.first().first().toBool(), true);
    QTRY_COMPARE_WITH_TIMEOUT(sid.size(), 1, 5000);
    QCOMPARE(stream.sid(), u"my-client-1"_s);
    // The server answers our feature_flags first message with its own flags.
    QTRY_VERIFY_WITH_TIMEOUT(
            std::ranges::any_of(
                    events,
                    [](const ws::Event &e) {
                        const auto *f = std::get_if<ws::FeatureFlags>(&e);
                        return f && f->flags.value("supports_preview_metadata"_L1).toBool();
                    }),
            5000);
    QVERIFY(std::holds_alternative<ws::Status>(events.first()));
}

void TestEventStream::reconnectsAfterDrop()
{
    SimProcess sim({u"--fault"_s, u"ws-drop:after=2"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    EventStream stream(configFor(sim), nullptr, u"c2"_s);
    EventStream::Timing t;
    t.initialBackoff = 20ms;
    stream.setTiming(t);
    stream.setRandomSource([] { return 0.5; });
    QSignalSpy scheduled(&stream, &EventStream::reconnectScheduled);
    stream.open();
    // Every connection gets status + feature_flags, then is dropped: it keeps coming back,
    // with the same clientId, and the backoff resets after each successful open.
    QTRY_VERIFY_WITH_TIMEOUT(stream.connectCount() >= 3, 10000);
    QVERIFY(scheduled.size() >= 2);
    for (const auto &args : std::as_const(scheduled))
        QCOMPARE(args.at(0).toInt(), 1);
    QCOMPARE(stream.sid(), u"c2"_s);
}

void TestEventStream::refusedUpgradeBacksOff()
{
    SimProcess sim({u"--fault"_s, u"ws-refuse"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    EventStream stream(configFor(sim), nullptr, u"c3"_s);
    EventStream::Timing t;
    t.initialBackoff = 10ms;
    t.maxBackoff = 40ms;
    stream.setTiming(t);
    stream.setRandomSource([] { return 0.5; });
    QSignalSpy scheduled(&stream, &EventStream::reconnectScheduled);
    QSignalSpy failed(&stream, &EventStream::connectionFailed);
    stream.open();
    QTRY_VERIFY_WITH_TIMEOUT(scheduled.size() >= 4, 10000);
    QCOMPARE(stream.connectCount(), 0);
    QVERIFY(!stream.isConnected());
    QVERIFY(failed.size() >= 4);
    QCOMPARE(scheduled.at(0).at(1).value<std::chrono::milliseconds>(), 10ms);
    QCOMPARE(scheduled.at(1).at(1).value<std::chrono::milliseconds>(), 20ms);
    QCOMPARE(scheduled.at(2).at(1).value<std::chrono::milliseconds>(), 40ms);
    QCOMPARE(scheduled.at(3).at(1).value<std::chrono::milliseconds>(), 40ms);
    // Once the server accepts upgrades again, the stream connects by itself.
    QVERIFY(simControl(sim, u"/sim/faults"_s, {{"clear"_L1, true}}));
    QTRY_VERIFY_WITH_TIMEOUT(stream.isConnected(), 10000);
}

void TestEventStream::closeStopsReconnecting()
{
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    EventStream stream(configFor(sim), nullptr, u"c4"_s);
    QSignalSpy connected(&stream, &EventStream::connectedChanged);
    stream.open();
    QTRY_VERIFY_WITH_TIMEOUT(stream.isConnected(), 10000);
    stream.close();
    QVERIFY(!stream.isConnected());
    QCOMPARE(connected.last().first().toBool(), false);
    QSignalSpy scheduled(&stream, &EventStream::reconnectScheduled);
    QTest::qWait(300); // nothing may happen: negative check over a fixed window
    QCOMPARE(scheduled.size(), 0);
    QCOMPARE(stream.connectCount(), 1);
}

QTEST_GUILESS_MAIN(TestEventStream)
#include "tst_eventstream.moc"
