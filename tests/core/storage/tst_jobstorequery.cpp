// JobStore reads: query() filters (state, kind, text, backend, batch), orders, paging and
// totals, and unfinished().
#include "storetestutil.h"

#include <QTemporaryDir>

using namespace comfyvideo;
using namespace comfyvideo::storage;
using namespace comfyvideo::storage::test;
using namespace Qt::StringLiterals;

class TestJobStoreQuery : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<JobStore>(m_dir.filePath(u"jobs.sqlite"_s));
        QVERIFY(openStore(*m_store));
        const auto batch = await<qint64>([&](auto done) { m_store->newBatch(u"b"_s, done); });
        QVERIFY(batch);
        m_batch = *batch;
        auto job = [&](const QString &prompt, Kind kind, JobState state, int createdOffset) {
            JobRecord record = makeJob(prompt, kind);
            record.state = state;
            record.createdAt
                    = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000 + createdOffset, Qt::UTC);
            return record;
        };
        JobRecord fox = job(u"A red fox in snow"_s, Kind::AnimateDiff, JobState::Completed, 1);
        fox.request.negativePrompt = u"blurry"_s;
        fox.backend = u"local"_s;
        JobRecord glove = job(u"A RED FOXGLOVE"_s, Kind::Svd, JobState::Failed, 2);
        glove.backend = u"remote"_s;
        JobRecord sunset = job(u"Sunset over the sea"_s, Kind::AnimateDiff, JobState::Queued, 3);
        // Added in a second transaction: the search index covers every insert.
        JobRecord city
                = job(u"city at night 100% neon_lights"_s, Kind::AnimateDiff, JobState::Running, 4);
        city.backend = u"local"_s;
        city.batchId = m_batch;
        JobRecord unicode = job(u"Ünïcode Straße"_s, Kind::Svd, JobState::Queued, 5);
        unicode.priority = 2;
        unicode.batchId = m_batch;
        unicode.batchIndex = 1;
        JobRecord plain = job(u"plain"_s, Kind::AnimateDiff, JobState::Canceled, 5);
        plain.request.negativePrompt = u"red fox"_s;

        auto first = add(*m_store, {fox, glove, sunset});
        auto second = add(*m_store, {city, unicode, plain});
        QVERIFY(first && second);
        m_ids = ids(*first) + ids(*second);
    }

    void filtersByState()
    {
        JobQuery query;
        query.states = {JobState::Queued};
        QCOMPARE(result(query), (QList<qint64>{id(5), id(3)}));
        query.states = {JobState::Completed, JobState::Failed};
        QCOMPARE(result(query), (QList<qint64>{id(2), id(1)}));
        query.states = {JobState::Queued, JobState::Running};
        QCOMPARE(result(query), (QList<qint64>{id(5), id(4), id(3)}));
    }

    void filtersByKindBackendAndBatch()
    {
        JobQuery query;
        query.kind = u"svd"_s;
        QCOMPARE(result(query), (QList<qint64>{id(5), id(2)}));
        query = {};
        query.backend = u"local"_s;
        QCOMPARE(result(query), (QList<qint64>{id(4), id(1)}));
        query = {};
        query.batchId = m_batch;
        query.order = JobQuery::Order::OldestFirst;
        QCOMPARE(result(query), (QList<qint64>{id(4), id(5)}));
    }

    void searchesTextCaseInsensitively_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<int>>("expected");
        QTest::newRow("words") << u"red fox"_s << QList<int>{6, 2, 1};
        QTest::newRow("upper case") << u"FOX"_s << QList<int>{6, 2, 1};
        QTest::newRow("negative prompt") << u"blurry"_s << QList<int>{1};
        QTest::newRow("percent is literal") << u"100%"_s << QList<int>{4};
        QTest::newRow("short, underscore is literal") << u"_l"_s << QList<int>{4};
        QTest::newRow("short, percent is literal") << u"%"_s << QList<int>{4};
        QTest::newRow("one letter") << u"X"_s << QList<int>{6, 2, 1};
        QTest::newRow("non-ascii case") << u"üNÏCODE"_s << QList<int>{5};
        QTest::newRow("quotes") << u"a \"red"_s << QList<int>{};
        QTest::newRow("fts syntax is literal") << u"fox OR sea"_s << QList<int>{};
        QTest::newRow("no match") << u"zebra"_s << QList<int>{};
    }

    void searchesTextCaseInsensitively()
    {
        QFETCH(QString, text);
        QFETCH(QList<int>, expected);
        JobQuery query;
        query.text = text;
        QList<qint64> expectedIds;
        for (int n : expected)
            expectedIds.append(id(n));
        QCOMPARE(result(query), expectedIds);
    }

    void combinesFilters()
    {
        JobQuery query;
        query.text = u"fox"_s;
        query.kind = u"animatediff"_s;
        QCOMPARE(result(query), (QList<qint64>{id(6), id(1)}));
        query.states = {JobState::Completed};
        QCOMPARE(result(query), (QList<qint64>{id(1)}));
        query.backend = u"remote"_s;
        QCOMPARE(result(query), QList<qint64>{});
    }

    void ordersResults()
    {
        JobQuery query;
        // Jobs 5 and 6 were created in the same millisecond: the higher id first.
        QCOMPARE(result(query), (QList<qint64>{id(6), id(5), id(4), id(3), id(2), id(1)}));
        query.order = JobQuery::Order::OldestFirst;
        QCOMPARE(result(query), (QList<qint64>{id(1), id(2), id(3), id(4), id(5), id(6)}));
        query.order = JobQuery::Order::QueueOrder;
        query.states = {JobState::Queued};
        QCOMPARE(result(query), (QList<qint64>{id(5), id(3)}));
    }

    void pagesWithTotals()
    {
        JobQuery query;
        query.limit = 4;
        QList<qint64> seen;
        for (int offset = 0; offset < 8; offset += 4) {
            query.offset = offset;
            const auto page = find(*m_store, query);
            QVERIFY(page);
            QCOMPARE(page->total, 6);
            seen += ids(page->jobs);
        }
        QCOMPARE(seen, (QList<qint64>{id(6), id(5), id(4), id(3), id(2), id(1)}));
        query.offset = 100;
        const auto beyond = find(*m_store, query);
        QVERIFY(beyond && beyond->jobs.isEmpty());
        QCOMPARE(beyond->total, 6);

        query = {};
        query.text = u"red"_s;
        query.limit = 1;
        query.offset = 1;
        const auto page = find(*m_store, query);
        QCOMPARE(page->total, 3);
        QCOMPARE(ids(page->jobs), QList<qint64>{id(2)});
    }

    void manyTextMatchesPageTheSame()
    {
        // Above a few hundred matches the store finds pages differently (in date order
        // instead of sorting the matches): the results must not change.
        JobStore store(m_dir.filePath(u"many.sqlite"_s));
        QVERIFY(openStore(store));
        QList<JobRecord> jobs;
        for (int i = 0; i < 1500; ++i) {
            JobRecord job = makeJob(i % 2 ? u"common words %1"_s.arg(i) : u"other %1"_s.arg(i));
            // Creation times out of id order, so date order is not id order.
            job.createdAt = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000 + (i * 7919) % 1500,
                                                           Qt::UTC);
            jobs.append(job);
        }
        const auto added = add(store, jobs);
        QVERIFY(added);
        QList<JobRecord> common;
        for (const JobRecord &job : *added) {
            if (job.prompt.startsWith(u"common"_s))
                common.append(job);
        }
        QCOMPARE(common.size(), 750);
        std::sort(common.begin(), common.end(), [](const JobRecord &a, const JobRecord &b) {
            return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
        });
        for (int offset : {0, 50, 700, 740}) {
            JobQuery query;
            query.text = u"COMMON words"_s;
            query.limit = 50;
            query.offset = offset;
            const auto page = find(store, query);
            QVERIFY(page);
            QCOMPARE(page->total, 750);
            QCOMPARE(ids(page->jobs), ids(common.mid(offset, 50)));
        }
        JobQuery oldest;
        oldest.text = u"common"_s;
        oldest.order = JobQuery::Order::OldestFirst;
        oldest.limit = 3;
        QList<qint64> expected;
        for (int i = 0; i < 3; ++i)
            expected.append(common.at(common.size() - 1 - i).id);
        QCOMPARE(ids(find(store, oldest)->jobs), expected);
    }

    void unfinishedInQueueOrder()
    {
        const auto open = await<QList<JobRecord>>([&](auto done) { m_store->unfinished(done); });
        QVERIFY(open);
        // Priority first, then position (the order they were added in).
        QCOMPARE(ids(*open), (QList<qint64>{id(5), id(3), id(4)}));
        QCOMPARE(open->first().prompt, u"Ünïcode Straße"_s);
    }

    void cleanupTestCase() { m_store.reset(); }

private:
    qint64 id(int n) const { return m_ids.at(n - 1); }
    QList<qint64> result(const JobQuery &query)
    {
        const auto page = find(*m_store, query);
        if (!page) {
            qWarning() << page.error().message << page.error().detail;
            return {-1};
        }
        if (page->total != page->jobs.size())
            return {-2};
        return ids(page->jobs);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<JobStore> m_store;
    qint64 m_batch = 0;
    QList<qint64> m_ids;
};

QTEST_GUILESS_MAIN(TestJobStoreQuery)
#include "tst_jobstorequery.moc"
