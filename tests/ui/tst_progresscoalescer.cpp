#include "progress/progresscoalescer.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace comfyvideo;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;
using ui::ProgressCoalescer;

namespace {

backends::JobProgress sampling(int step, int steps = 10000)
{
    backends::JobProgress progress;
    progress.phase = comfy::Progress::Phase::Sampling;
    progress.step = step;
    progress.steps = steps;
    progress.overall = double(step) / steps;
    return progress;
}

// What the receiver saw, per job.
struct Receiver
{
    QHash<qint64, backends::JobProgress> latest;
    QHash<qint64, int> count;
    int total = 0;

    void attach(ProgressCoalescer *coalescer)
    {
        QObject::connect(coalescer,
                         &ProgressCoalescer::progressReady,
                         coalescer,
                         [this](qint64 jobId, const backends::JobProgress &progress) {
                             latest.insert(jobId, progress);
                             ++count[jobId];
                             ++total;
                         });
    }
};

} // namespace

class TestProgressCoalescer : public QObject
{
    Q_OBJECT

private slots:
    void defaultIntervalIsAboutThirtyPerSecond();
    void floodDeliversLatestAtBoundedRate();
    void twoJobsEachGetTheirOwnLatest();
    void forgetDropsPending();
    void flushDeliversSynchronously();
    void nothingPendingNothingDelivered();
    void receiverMayPushWhileDelivering();
};

void TestProgressCoalescer::defaultIntervalIsAboutThirtyPerSecond()
{
    ProgressCoalescer coalescer;
    QCOMPARE(coalescer.interval(), 33ms);
    coalescer.setInterval(10ms);
    QCOMPARE(coalescer.interval(), 10ms);
}

void TestProgressCoalescer::floodDeliversLatestAtBoundedRate()
{
    ProgressCoalescer coalescer;
    Receiver receiver;
    receiver.attach(&coalescer);
    constexpr int Count = 10000;

    QElapsedTimer elapsed;
    elapsed.start();
    for (int i = 1; i <= Count; ++i) {
        coalescer.push(7, sampling(i));
        if (i % 500 == 0)
            QCoreApplication::processEvents(); // let ticks happen mid-flood, like a live socket
    }
    QTRY_COMPARE(receiver.latest.value(7).step, Count);
    const qint64 ms = elapsed.elapsed();

    QCOMPARE(coalescer.pushedCount(), Count);
    QCOMPARE(receiver.latest.value(7), sampling(Count));
    QCOMPARE(coalescer.deliveredCount(), receiver.total);
    const qint64 bound = ms / coalescer.interval().count() + 2;
    QVERIFY2(
            receiver.total <= bound,
            qPrintable(
                    u"%1 deliveries in %2 ms (bound %3)"_s.arg(receiver.total).arg(ms).arg(bound)));
    QVERIFY(receiver.total < Count / 10);
}

void TestProgressCoalescer::twoJobsEachGetTheirOwnLatest()
{
    ProgressCoalescer coalescer;
    coalescer.setInterval(5ms);
    Receiver receiver;
    receiver.attach(&coalescer);
    for (int i = 1; i <= 1000; ++i) {
        coalescer.push(1, sampling(i, 1000));
        coalescer.push(2, sampling(1000 - i + 1, 1000));
    }
    QTRY_VERIFY(receiver.latest.contains(1) && receiver.latest.contains(2));
    QCOMPARE(receiver.latest.value(1).step, 1000);
    QCOMPARE(receiver.latest.value(2).step, 1);
    QCOMPARE(receiver.count.value(1), 1); // one burst, one tick
    QCOMPARE(receiver.count.value(2), 1);
}

void TestProgressCoalescer::forgetDropsPending()
{
    ProgressCoalescer coalescer;
    coalescer.setInterval(5ms);
    Receiver receiver;
    receiver.attach(&coalescer);
    coalescer.push(1, sampling(3));
    coalescer.push(2, sampling(4));
    coalescer.forget(1);
    QTRY_COMPARE(receiver.total, 1);
    QVERIFY(!receiver.latest.contains(1));
    QCOMPARE(receiver.latest.value(2).step, 4);
    // Nothing of job 1 turns up later either.
    QTest::qWait(30);
    QCOMPARE(receiver.total, 1);
}

void TestProgressCoalescer::flushDeliversSynchronously()
{
    ProgressCoalescer coalescer;
    coalescer.setInterval(std::chrono::hours(1)); // no tick during the test
    Receiver receiver;
    receiver.attach(&coalescer);
    coalescer.push(5, sampling(1));
    coalescer.push(5, sampling(2));
    QCOMPARE(receiver.total, 0);
    coalescer.flush();
    QCOMPARE(receiver.total, 1);
    QCOMPARE(receiver.latest.value(5).step, 2);
    coalescer.flush(); // nothing pending any more
    QCOMPARE(receiver.total, 1);
}

void TestProgressCoalescer::nothingPendingNothingDelivered()
{
    ProgressCoalescer coalescer;
    coalescer.setInterval(2ms);
    QSignalSpy spy(&coalescer, &ProgressCoalescer::progressReady);
    coalescer.push(9, sampling(1));
    QTRY_COMPARE(spy.count(), 1);
    QTest::qWait(30); // the timer stops once idle: no repeats of the same value
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toLongLong(), 9);
}

void TestProgressCoalescer::receiverMayPushWhileDelivering()
{
    ProgressCoalescer coalescer;
    coalescer.setInterval(2ms);
    QList<int> steps;
    connect(&coalescer,
            &ProgressCoalescer::progressReady,
            this,
            [&](qint64 jobId, const backends::JobProgress &progress) {
                steps.append(progress.step);
                if (progress.step < 3)
                    coalescer.push(jobId, sampling(progress.step + 1));
            });
    coalescer.push(4, sampling(1));
    QTRY_COMPARE(steps, (QList<int>{1, 2, 3}));
}

QTEST_MAIN(TestProgressCoalescer)
#include "tst_progresscoalescer.moc"
