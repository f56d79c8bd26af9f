// JobStore's threading promises: a callback never runs inside the call, calls run in call
// order, and destroying the store finishes queued writes but runs none of their callbacks.
#include "storetestutil.h"

#include <QTemporaryDir>

using namespace comfyvideo;
using namespace comfyvideo::storage;
using namespace comfyvideo::storage::test;
using namespace Qt::StringLiterals;

class TestJobStoreThreads : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("db%1/jobs.sqlite").arg(++m_count));
    }

    void callbacksAreNeverSynchronous()
    {
        JobStore store(m_path);
        bool called = false;
        store.open([&](std::expected<int, StoreError>) { called = true; });
        QVERIFY(!called);
        QTRY_VERIFY(called);
        called = false;
        store.stats([&](std::expected<QueueStats, StoreError>) { called = true; });
        QVERIFY(!called);
        QTRY_VERIFY(called);
    }

    void callsRunInCallOrder()
    {
        JobStore store(m_path);
        QList<int> order;
        store.open([&](auto) { order.append(0); });
        for (int i = 1; i <= 20; ++i)
            store.addJobs({makeJob(QString::number(i))},
                          [&order, i](auto r) { order.append(r ? int(r->first().id) : -i); });
        store.stats([&](auto) { order.append(99); });
        QTRY_COMPARE(order.size(), 22);
        QList<int> expected{0};
        for (int i = 1; i <= 20; ++i)
            expected.append(i);
        expected.append(99);
        QCOMPARE(order, expected);
    }

    void destructionKeepsQueuedWritesAndDropsCallbacks()
    {
        int callbacks = 0;
        {
            auto store = std::make_unique<JobStore>(m_path);
            QVERIFY(openStore(*store));
            for (int i = 0; i < 200; ++i)
                store->addJobs({makeJob(QStringLiteral("pending %1").arg(i))},
                               [&callbacks](auto) { ++callbacks; });
            store.reset();
        }
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        QCOMPARE(callbacks, 0);
        JobStore again(m_path);
        QVERIFY(openStore(again));
        JobQuery all;
        all.limit = 0;
        const auto page = find(again, all);
        QVERIFY(page);
        QCOMPARE(page->total, 200);
        QCOMPARE(page->jobs.size(), 200);
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    int m_count = 0;
};

QTEST_GUILESS_MAIN(TestJobStoreThreads)
#include "tst_jobstorethreads.moc"
