// Crash safety: a child process writes jobs in a loop and is killed with SIGKILL; the file it
// leaves is intact and holds every job whose write the child had been told was done.
#include "storetestutil.h"

#include <QProcess>
#include <QSet>
#include <QTemporaryDir>

using namespace comfyvideo;
using namespace comfyvideo::storage;
using namespace comfyvideo::storage::test;
using namespace Qt::StringLiterals;

class TestJobStoreCrash : public QObject
{
    Q_OBJECT

private slots:
    void killedWriterLosesNothingAcknowledged_data()
    {
        QTest::addColumn<int>("acks");
        QTest::newRow("early") << 10;
        QTest::newRow("later") << 120;
    }

    void killedWriterLosesNothingAcknowledged()
    {
        QFETCH(int, acks);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"jobs.sqlite"_s);
        QProcess child;
        QSet<qint64> added;
        QSet<qint64> completed;
        QByteArray pending;
        connect(&child, &QProcess::readyReadStandardOutput, this, [&] {
            pending += child.readAllStandardOutput();
            qsizetype end;
            while ((end = pending.indexOf('\n')) >= 0) {
                const QList<QByteArray> words = pending.left(end).split(' ');
                pending.remove(0, end + 1);
                if (words.size() != 2)
                    continue;
                (words[0] == "added" ? added : completed).insert(words[1].toLongLong());
            }
        });
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QStringLiteral(CV_CRASH_CHILD), {path});
        QVERIFY(child.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(completed.size() >= acks, 120000);
        child.kill(); // SIGKILL, mid-write more often than not
        QVERIFY(child.waitForFinished());
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        // Lines that arrived between the last event and the kill count too.
        pending += child.readAllStandardOutput();
        for (const QByteArray &line : pending.split('\n')) {
            const QList<QByteArray> words = line.split(' ');
            if (words.size() == 2)
                (words[0] == "added" ? added : completed).insert(words[1].toLongLong());
        }

        QCOMPARE(RawDb(path).value(u"PRAGMA integrity_check"_s).toString(), u"ok"_s);
        JobStore store(path);
        QVERIFY(openStore(store));
        JobQuery all;
        all.limit = 0;
        const auto page = find(store, all);
        QVERIFY(page);
        QSet<qint64> stored;
        QSet<qint64> storedCompleted;
        for (const JobRecord &job : page->jobs) {
            stored.insert(job.id);
            if (job.state == JobState::Completed)
                storedCompleted.insert(job.id);
        }
        QVERIFY2(stored.contains(added),
                 qPrintable(u"%1 acknowledged, %2 stored"_s.arg(added.size()).arg(stored.size())));
        QVERIFY(storedCompleted.contains(completed));
        for (qint64 id : std::as_const(completed))
            QCOMPARE(fetch(store, id)->outputPath, u"/videos/%1.mp4"_s.arg(id));
        // The store is usable after the crash.
        QVERIFY(add(store, {makeJob(u"after the crash"_s)}));
    }
};

QTEST_GUILESS_MAIN(TestJobStoreCrash)
#include "tst_jobstorecrash.moc"
