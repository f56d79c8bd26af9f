// JobStore failures: a file that is not a database (Corrupt, untouched), folders that cannot
// be written (Open/Io naming the path), a full disk (DiskFull, earlier data intact) and calls
// made before open().
#include "storetestutil.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <unistd.h>

using namespace comfyvideo;
using namespace comfyvideo::storage;
using namespace comfyvideo::storage::test;
using namespace Qt::StringLiterals;

namespace {

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

} // namespace

class TestJobStoreErrors : public QObject
{
    Q_OBJECT

private slots:
    void notADatabaseIsCorruptAndLeftAlone()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"jobs.sqlite"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < 200; ++i)
            file.write("These are my notes, not a database. ");
        file.close();
        const QByteArray before = fileHash(path);

        JobStore store(path);
        const auto opened = openStore(store);
        QVERIFY(!opened);
        QCOMPARE(opened.error().kind, StoreError::Kind::Corrupt);
        QVERIFY2(opened.error().message.contains(path), qPrintable(opened.error().message));
        QVERIFY(!opened.error().detail.isEmpty());
        QCOMPARE(fileHash(path), before);
    }

    void folderThatCannotExistIsAnOpenError()
    {
        QTemporaryDir dir;
        const QString blocker = dir.filePath(u"not-a-folder"_s);
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        const QString path = blocker + u"/jobs/jobs.sqlite"_s;
        JobStore store(path);
        const auto opened = openStore(store);
        QVERIFY(!opened);
        QCOMPARE(opened.error().kind, StoreError::Kind::Open);
        QVERIFY2(opened.error().message.contains(path), qPrintable(opened.error().message));
    }

    void readOnlyFolderNamesThePath()
    {
        if (::geteuid() == 0)
            QSKIP("root may write to read-only folders");
        QTemporaryDir dir;
        const QString folder = dir.filePath(u"locked"_s);
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner));
        const QString path = folder + u"/jobs.sqlite"_s;
        JobStore store(path);
        const auto opened = openStore(store);
        QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QVERIFY(!opened);
        QVERIFY(opened.error().kind == StoreError::Kind::Open
                || opened.error().kind == StoreError::Kind::Io);
        QVERIFY2(opened.error().message.contains(path), qPrintable(opened.error().message));
    }

    void fullDiskIsDiskFullAndKeepsEarlierData()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"jobs.sqlite"_s);
        qint64 id = 0;
        {
            JobStore store(path);
            QVERIFY(openStore(store));
            id = add(store, {makeJob(u"kept"_s)})->first().id;
        }
        const qint64 pages = RawDb(path).value(u"PRAGMA page_count"_s).toLongLong();
        QVERIFY(pages > 0);

        JobStore::Options options;
        options.maxPageCount = pages; // the file cannot grow any more: as on a full disk
        JobStore store(path, options);
        QVERIFY(openStore(store));
        JobUpdate big;
        big.state = JobState::Completed;
        big.outputPath = QString(200'000, u'x');
        const auto updated = update(store, id, big);
        QVERIFY(!updated);
        QCOMPARE(updated.error().kind, StoreError::Kind::DiskFull);
        QVERIFY2(updated.error().message.contains(QDir::toNativeSeparators(dir.path())),
                 qPrintable(updated.error().message));

        QList<JobRecord> many;
        for (int i = 0; i < 300; ++i)
            many.append(makeJob(QString(500, u'p')));
        QCOMPARE(add(store, many).error().kind, StoreError::Kind::DiskFull);

        // Nothing of the failed calls was written; reads and small changes still work.
        const auto kept = fetch(store, id);
        QVERIFY(kept);
        QCOMPARE(kept->state, JobState::Queued);
        QCOMPARE(kept->prompt, u"kept"_s);
        JobQuery all;
        QCOMPARE(find(store, all)->total, 1);
        const auto events = await<QList<JobEvent>>([&](auto done) { store.events(id, done); });
        QCOMPARE(events->size(), 1);
        QCOMPARE(RawDb(path).value(u"PRAGMA integrity_check"_s).toString(), u"ok"_s);
    }

    void callsBeforeOpenFail()
    {
        QTemporaryDir dir;
        JobStore store(dir.filePath(u"jobs.sqlite"_s));
        const auto job = fetch(store, 1);
        QVERIFY(!job);
        QCOMPARE(job.error().kind, StoreError::Kind::Open);
        QCOMPARE(add(store, {makeJob(u"x"_s)}).error().kind, StoreError::Kind::Open);
    }
};

QTEST_GUILESS_MAIN(TestJobStoreErrors)
#include "tst_jobstoreerrors.moc"
