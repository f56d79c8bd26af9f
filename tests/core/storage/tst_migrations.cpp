// Schema versions: the migration list, a fresh database, the upgrade from version 1 (a frozen
// v1 file with rows), a failed migration that rolls back, a newer database that is refused
// untouched, and the indexes the cheap queries rely on.
#include "storetestutil.h"

#include "storage/jobrow.h"
#include "storage/migrations.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlError>
#include <QTemporaryDir>

using namespace comfyvideo;
using namespace comfyvideo::storage;
using namespace comfyvideo::storage::test;
using namespace Qt::StringLiterals;

namespace {

// Runs a .sql file of ';'-terminated statements (one per line or several) on `path`.
bool runScript(const QString &path, const QString &scriptFile)
{
    QFile file(scriptFile);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    RawDb raw(path);
    QString statement;
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
    for (const QString &line : lines) {
        if (line.startsWith(u"--"_s))
            continue;
        statement += line + u'\n';
        if (line.trimmed().endsWith(u';')) {
            if (!raw.exec(statement)) {
                qWarning() << "failed:" << statement;
                return false;
            }
            statement.clear();
        }
    }
    return true;
}

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

} // namespace

class TestMigrations : public QObject
{
    Q_OBJECT

private slots:
    void init() { m_path = m_dir.filePath(u"db%1.sqlite"_s.arg(++m_count)); }

    void versionsAreConsecutive()
    {
        const QList<Migration> &all = migrations();
        QVERIFY(all.size() >= 2);
        for (int i = 0; i < all.size(); ++i) {
            QCOMPARE(all.at(i).version, i + 1);
            QVERIFY(!all.at(i).statements.isEmpty());
        }
        QCOMPARE(currentSchemaVersion(), all.size());
    }

    void freshDatabaseHasEveryTable()
    {
        {
            JobStore store(m_path);
            QCOMPARE(openStore(store).value_or(-1), currentSchemaVersion());
        }
        RawDb raw(m_path);
        for (const QString &name : {u"jobs"_s,
                                    u"job_events"_s,
                                    u"batches"_s,
                                    u"run_samples"_s,
                                    u"jobs_text"_s,
                                    u"jobs_queue"_s,
                                    u"jobs_cancel_requested"_s}) {
            QVERIFY2(raw.value(u"SELECT count(*) FROM sqlite_master WHERE name = '%1'"_s.arg(name))
                                     .toInt()
                             == 1,
                     qPrintable(name));
        }
        QCOMPARE(raw.value(u"PRAGMA integrity_check"_s).toString(), u"ok"_s);
    }

    void upgradesVersion1WithItsRows()
    {
        QVERIFY(runScript(m_path, QStringLiteral(CV_TEST_DATA_DIR "/storage/schema_v1.sql")));
        QCOMPARE(RawDb(m_path).value(u"PRAGMA user_version"_s).toInt(), 1);

        JobStore store(m_path);
        const auto version = openStore(store);
        QVERIFY2(version, why(version).constData());
        QCOMPARE(*version, 2);

        const auto fox = fetch(store, 1);
        QVERIFY(fox);
        QCOMPARE(fox->state, JobState::Completed);
        QCOMPARE(fox->prompt, u"an old fox"_s);
        QCOMPARE(fox->request.negativePrompt, u"grainy film"_s);
        QCOMPARE(fox->request.seed, std::numeric_limits<quint64>::max());
        QCOMPARE(fox->request.frames, 24);
        QCOMPARE(fox->chain, QStringList{u"local"_s});
        QCOMPARE(fox->batchId, 1);
        QCOMPARE(fox->outputPath, u"/videos/fox.mp4"_s);
        QCOMPARE(fox->finishedAt.toMSecsSinceEpoch(), 1700000031000);
        const auto events = await<QList<JobEvent>>([&](auto done) { store.events(1, done); });
        QVERIFY(events && events->size() == 2);
        QCOMPARE(events->at(1).data.value(u"seconds"_s).toInt(), 30);

        // What version 2 adds works on the old rows: search by the negative prompt (a new
        // column filled from the stored request) and by prompt, statistics, run samples,
        // cancel requests through the new index.
        JobQuery byNegative;
        byNegative.text = u"GRAINY"_s;
        QCOMPARE(ids(find(store, byNegative)->jobs), QList<qint64>{1});
        JobQuery byPrompt;
        byPrompt.text = u"old fox"_s;
        QCOMPARE(ids(find(store, byPrompt)->jobs), QList<qint64>{1});
        QCOMPARE(*await<QList<qint64>>([&](auto done) { store.cancelRequests(done); }),
                 QList<qint64>{2});
        RunSample sample{u"local"_s, u"svd"_s, 1, 1, 1, 1, 1, 1, 12.5, true, {}};
        QVERIFY(await<JobStore::Nothing>([&](auto done) { store.addRunSample(sample, done); }));
        const auto stats = await<QueueStats>([&](auto done) { store.stats(done); });
        QCOMPARE(stats->completed, 1);
        QCOMPARE(stats->waiting, 1);
        QCOMPARE(stats->backends.first().meanSeconds, 12.5);

        // New jobs continue the old ids and queue positions.
        const auto added = add(store, {makeJob(u"new"_s)});
        QCOMPARE(added->first().id, 3);
        QCOMPARE(added->first().position, 3.0);
    }

    void failedMigrationRollsBack()
    {
        QVERIFY(runScript(m_path, QStringLiteral(CV_TEST_DATA_DIR "/storage/schema_v1.sql")));
        // Something in the way of version 2 (a table it creates already exists).
        QVERIFY(RawDb(m_path).exec(u"CREATE TABLE run_samples (x)"_s));
        {
            JobStore store(m_path);
            const auto version = openStore(store);
            QVERIFY(!version);
            QCOMPARE(version.error().kind, StoreError::Kind::Migration);
            QVERIFY(version.error().message.contains(m_path));
        }
        RawDb raw(m_path);
        QCOMPARE(raw.value(u"PRAGMA user_version"_s).toInt(), 1);
        QCOMPARE(raw.value(u"SELECT count(*) FROM jobs"_s).toInt(), 2);
        // The first statement of migration 2 was undone with the rest.
        QVERIFY(!raw.exec(u"SELECT negative_prompt FROM jobs"_s));
    }

    void refusesNewerDatabaseUntouched()
    {
        {
            RawDb raw(m_path);
            QVERIFY(raw.exec(u"CREATE TABLE jobs (id INTEGER PRIMARY KEY, future TEXT)"_s));
            QVERIFY(raw.exec(u"INSERT INTO jobs (future) VALUES ('x')"_s));
            QVERIFY(raw.exec(u"PRAGMA user_version = 999"_s));
        }
        const QByteArray before = fileHash(m_path);
        QVERIFY(!before.isEmpty());
        {
            JobStore store(m_path);
            const auto version = openStore(store);
            QVERIFY(!version);
            QCOMPARE(version.error().kind, StoreError::Kind::Migration);
            QVERIFY(version.error().message.contains(u"999"_s));
            // Nothing else works on a store that did not open.
            QCOMPARE(fetch(store, 1).error().kind, StoreError::Kind::Open);
        }
        QCOMPARE(fileHash(m_path), before);
        QVERIFY(!QFile::exists(m_path + u"-wal"_s));
    }

    void cheapQueriesUseTheirIndexes_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("index");
        const QString open = jobrow::notTerminal();
        QTest::newRow("cancel requests")
                << u"SELECT id FROM jobs WHERE cancel_requested <> 0 AND %1 ORDER BY id"_s.arg(open)
                << u"jobs_cancel_requested"_s;
        QTest::newRow("unfinished")
                << u"SELECT * FROM jobs WHERE %1 ORDER BY priority DESC, position, id"_s.arg(open)
                << u"jobs_queue"_s;
        QTest::newRow("history page") << u"SELECT * FROM jobs ORDER BY created_at DESC, id DESC"
                                         " LIMIT 100"_s
                                      << u"jobs_by_created"_s;
        QTest::newRow("short text search")
                << u"SELECT id FROM jobs WHERE (prompt LIKE '%zz%' OR negative_prompt LIKE '%zz%')"
                   " ORDER BY created_at DESC, id DESC LIMIT 50"_s
                << u"COVERING INDEX jobs_by_created"_s;
        QTest::newRow("events") << u"SELECT * FROM job_events WHERE job_id = 5 ORDER BY id"_s
                                << u"job_events_by_job"_s;
    }

    void cheapQueriesUseTheirIndexes()
    {
        QFETCH(QString, sql);
        QFETCH(QString, index);
        {
            JobStore store(m_path);
            QVERIFY(openStore(store));
        }
        RawDb raw(m_path);
        QSqlQuery plan(raw.db());
        QVERIFY(plan.exec(u"EXPLAIN QUERY PLAN "_s + sql));
        QString details;
        while (plan.next())
            details += plan.value(3).toString() + u'\n';
        QVERIFY2(details.contains(index), qPrintable(details));
        QVERIFY2(!details.contains(u"TEMP B-TREE"_s), qPrintable(details));
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    int m_count = 0;
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
