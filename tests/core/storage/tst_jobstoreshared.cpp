// Two stores on one file, as the GUI and a `comfyvideo jobs ...` command are: opening a new
// file together, and a cancel request written by one and polled by the other.
#include "storetestutil.h"

#include <QTemporaryDir>

using namespace comfyvideo;
using namespace comfyvideo::storage;
using namespace comfyvideo::storage::test;
using namespace Qt::StringLiterals;

class TestJobStoreShared : public QObject
{
    Q_OBJECT

private slots:
    void twoStoresCreateOneFileTogether()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"jobs.sqlite"_s);
        JobStore first(path);
        JobStore second(path);
        std::optional<std::expected<int, StoreError>> a, b;
        first.open([&](auto result) { a = result; });
        second.open([&](auto result) { b = result; });
        QTRY_VERIFY(a && b);
        QVERIFY2(*a, why(*a).constData());
        QVERIFY2(*b, why(*b).constData());
        QCOMPARE(**a, 2);
        QCOMPARE(**b, 2);
    }

    void cancelRequestFromAnotherConnection()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"jobs.sqlite"_s);
        JobStore scheduler(path);
        QVERIFY(openStore(scheduler));
        JobRecord running = makeJob(u"long video"_s);
        running.state = JobState::Running;
        const qint64 id = add(scheduler, {running})->first().id;

        JobStore cli(path);
        QVERIFY(openStore(cli));
        JobUpdate request;
        request.cancelRequested = true;
        request.eventType = u"note"_s;
        request.eventMessage = u"Cancel requested from the command line"_s;
        QVERIFY(update(cli, id, request));

        const auto polled
                = await<QList<qint64>>([&](auto done) { scheduler.cancelRequests(done); });
        QCOMPARE(*polled, QList<qint64>{id});
        JobUpdate canceled;
        canceled.state = JobState::Canceled;
        canceled.expectedStates = {JobState::Running};
        QVERIFY(update(scheduler, id, canceled));
        QVERIFY(await<QList<qint64>>([&](auto done) { cli.cancelRequests(done); })->isEmpty());
        QCOMPARE(fetch(cli, id)->state, JobState::Canceled);
    }
};

QTEST_GUILESS_MAIN(TestJobStoreShared)
#include "tst_jobstoreshared.moc"
