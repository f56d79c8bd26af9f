// `comfyvideo queue` and `comfyvideo jobs` end to end: the real executable on a temporary data
// folder, against comfyui-sim processes.
#include "clijobs.h"
#include "fakes/simprocess.h"
#include "media/videoprobe.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using comfyvideo::tests::CliProcess;
using comfyvideo::tests::CliResult;
using comfyvideo::tests::runCli;
using comfyvideo::tests::SimProcess;
using namespace Qt::StringLiterals;

namespace {

// `queue add animatediff` with a tiny, fast request.
QStringList tinyAdd(const QString &dataDir, int steps = 3)
{
    return {u"queue"_s,
            u"add"_s,
            u"animatediff"_s,
            u"--prompt"_s,
            u"a red fox"_s,
            u"--width"_s,
            u"64"_s,
            u"--height"_s,
            u"64"_s,
            u"--frames"_s,
            u"8"_s,
            u"--steps"_s,
            QString::number(steps),
            u"--data-dir"_s,
            dataDir};
}

QJsonObject showJson(const QString &dataDir, qint64 id)
{
    const CliResult result = runCli(
            {u"jobs"_s, u"show"_s, QString::number(id), u"--json"_s, u"--data-dir"_s, dataDir});
    if (result.exitCode != 0)
        qWarning() << "jobs show failed" << result.err;
    return QJsonDocument::fromJson(result.out.toUtf8()).object();
}

QJsonObject jobJson(const QString &dataDir, qint64 id)
{
    return showJson(dataDir, id).value(u"job"_s).toObject();
}

QString stateOf(const QString &dataDir, qint64 id)
{
    return jobJson(dataDir, id).value(u"state"_s).toString();
}

QList<qint64> listIds(const QString &dataDir, const QStringList &filters)
{
    const CliResult result = runCli(
            QStringList{u"jobs"_s, u"list"_s, u"--json"_s, u"--data-dir"_s, dataDir} + filters);
    QList<qint64> ids;
    for (const QJsonObject &job : comfyvideo::tests::jsonLines(result.out))
        ids << qint64(job.value(u"id"_s).toInteger());
    return ids;
}

} // namespace

class TestCliJobs : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_data = m_dir->filePath(u"data"_s);
    }

    void addCountMakesConsecutiveSeedsInOneBatch();
    void addSeedRange();
    void addPromptsFile();
    void addWithServersSetsTheChain();
    void invalidOptionsStoreNothing();
    void listFilters();
    void showAndStats();
    void cancelAndRetry();
    void unknownJob();
    void queueRunDrainsToRealFiles();
    void secondRunRefusedAndCancelReachesTheRunner();
    void sigtermLeavesRemoteWorkForTheNextRun();
    void jobsQueuedDuringARunRunToo();

private:
    qint64 addThreeCancelOne();

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_data;
};

void TestCliJobs::addCountMakesConsecutiveSeedsInOneBatch()
{
    const CliResult result = runCli(tinyAdd(m_data) << u"--count"_s << u"3"_s << u"--seed"_s
                                                    << u"18446744073709551613"_s);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QList<qint64> ids = comfyvideo::tests::idsOf(result);
    QCOMPARE(ids.size(), 3);
    QVERIFY(QFileInfo::exists(m_data + u"/jobs.sqlite"_s));
    QStringList seeds;
    QSet<qint64> batches;
    for (qint64 id : ids) {
        const QJsonObject job = jobJson(m_data, id);
        QCOMPARE(job.value(u"state"_s).toString(), u"queued"_s);
        QCOMPARE(job.value(u"prompt"_s).toString(), u"a red fox"_s);
        seeds << job.value(u"request"_s).toObject().value(u"seed"_s).toString();
        batches << qint64(job.value(u"batchId"_s).toInteger());
    }
    // 64-bit seeds survive: the last three seeds of the range.
    QCOMPARE(seeds,
             (QStringList{u"18446744073709551613"_s,
                          u"18446744073709551614"_s,
                          u"18446744073709551615"_s}));
    QCOMPARE(batches.size(), 1);
    QVERIFY(*batches.begin() > 0);

    // One more would pass the largest seed: refused, nothing stored.
    const CliResult over = runCli(tinyAdd(m_data) << u"--count"_s << u"4"_s << u"--seed"_s
                                                  << u"18446744073709551613"_s);
    QCOMPARE(over.exitCode, 2);
    QVERIFY2(over.err.contains(u"largest seed"_s), qPrintable(over.err));
    QCOMPARE(listIds(m_data, {}).size(), 3);
}

void TestCliJobs::addSeedRange()
{
    const CliResult result = runCli(tinyAdd(m_data) << u"--seeds"_s << u"5-9"_s);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QList<qint64> ids = comfyvideo::tests::idsOf(result);
    QCOMPARE(ids.size(), 5);
    QSet<qint64> batches;
    for (int i = 0; i < ids.size(); ++i) {
        const QJsonObject job = jobJson(m_data, ids[i]);
        QCOMPARE(job.value(u"request"_s).toObject().value(u"seed"_s).toString(),
                 QString::number(5 + i));
        QCOMPARE(job.value(u"batchIndex"_s).toInt(), i);
        batches << qint64(job.value(u"batchId"_s).toInteger());
    }
    QCOMPARE(batches.size(), 1);

    // A single job without --seed: no batch, a random seed.
    const CliResult single = runCli(tinyAdd(m_data));
    QCOMPARE(single.exitCode, 0);
    const QJsonObject job = jobJson(m_data, comfyvideo::tests::idsOf(single).value(0));
    QCOMPARE(job.value(u"batchId"_s).toInteger(), 0);
}

void TestCliJobs::addPromptsFile()
{
    const QString path = m_dir->filePath(u"ideas.txt"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("# evening ideas\n"
               "a cat on a roof\n"
               "\n"
               "  caf\xC3\xA9 at night  \n"
               "a fox in snow\n");
    file.close();
    const CliResult result
            = runCli(tinyAdd(m_data) << u"--prompts"_s << path << u"--seed"_s << u"7"_s);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QList<qint64> ids = comfyvideo::tests::idsOf(result);
    QCOMPARE(ids.size(), 3);
    QStringList prompts;
    for (qint64 id : ids) {
        const QJsonObject job = jobJson(m_data, id);
        prompts << job.value(u"prompt"_s).toString();
        QCOMPARE(job.value(u"request"_s).toObject().value(u"seed"_s).toString(), u"7"_s);
    }
    QCOMPARE(prompts, (QStringList{u"a cat on a roof"_s, u"café at night"_s, u"a fox in snow"_s}));
    QCOMPARE(jobJson(m_data, ids[0]).value(u"batchId"_s),
             jobJson(m_data, ids[2]).value(u"batchId"_s));

    // An over-long prompt is named by its line.
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("ok\n" + QByteArray(10001, 'x') + "\n");
    file.close();
    const CliResult tooLong = runCli(tinyAdd(m_data) << u"--prompts"_s << path);
    QCOMPARE(tooLong.exitCode, 2);
    QVERIFY2(tooLong.err.contains(u"ideas.txt, line 2"_s), qPrintable(tooLong.err));
}

void TestCliJobs::addWithServersSetsTheChain()
{
    const CliResult result = runCli(
            tinyAdd(m_data) << u"--server"_s << u"http://10.0.0.5:8188/"_s << u"--server"_s
                            << u"https://gpu.example:443/comfy"_s << u"--priority"_s << u"5"_s);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonObject job = jobJson(m_data, comfyvideo::tests::idsOf(result).value(0));
    QCOMPARE(job.value(u"chain"_s).toArray().toVariantList(),
             (QVariantList{u"comfyui:http://10.0.0.5:8188"_s,
                           u"comfyui:https://gpu.example:443/comfy"_s}));
    QCOMPARE(job.value(u"priority"_s).toInt(), 5);
}

void TestCliJobs::invalidOptionsStoreNothing()
{
    const CliResult result = runCli({u"queue"_s,
                                     u"add"_s,
                                     u"animatediff"_s,
                                     u"--frames"_s,
                                     u"3"_s,
                                     u"--seeds"_s,
                                     u"9-5"_s,
                                     u"--server"_s,
                                     u"ftp://x"_s,
                                     u"--prompts"_s,
                                     m_dir->filePath(u"missing.txt"_s),
                                     u"--data-dir"_s,
                                     m_data});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.out.isEmpty());
    for (const QString &expected : {u"frames:"_s, u"seeds:"_s, u"server:"_s, u"missing.txt"_s})
        QVERIFY2(result.err.contains(expected), qPrintable(expected + u'\n' + result.err));

    const CliResult both
            = runCli(tinyAdd(m_data) << u"--count"_s << u"2"_s << u"--seeds"_s << u"1-2"_s);
    QCOMPARE(both.exitCode, 2);
    QVERIFY2(both.err.contains(u"not both"_s), qPrintable(both.err));
    const CliResult svdCount = runCli({u"queue"_s,
                                       u"add"_s,
                                       u"svd"_s,
                                       u"--image"_s,
                                       QStringLiteral(CV_CAPTURES_DIR "/svd_input.png"),
                                       u"--count"_s,
                                       u"0"_s,
                                       u"--data-dir"_s,
                                       m_data});
    QCOMPARE(svdCount.exitCode, 2);
    QVERIFY2(svdCount.err.contains(u"count:"_s), qPrintable(svdCount.err));
    QCOMPARE(listIds(m_data, {}).size(), 0);
}

// Two queued fox jobs (1, 2) and a canceled dog job (3).
qint64 TestCliJobs::addThreeCancelOne()
{
    if (runCli(tinyAdd(m_data) << u"--count"_s << u"2"_s).exitCode != 0)
        return 0;
    CliResult dog = runCli({u"queue"_s,
                            u"add"_s,
                            u"animatediff"_s,
                            u"--prompt"_s,
                            u"A Dog in the Rain"_s,
                            u"--data-dir"_s,
                            m_data});
    const qint64 dogId = comfyvideo::tests::idsOf(dog).value(0);
    const CliResult cancel
            = runCli({u"jobs"_s, u"cancel"_s, QString::number(dogId), u"--data-dir"_s, m_data});
    return dog.exitCode == 0 && cancel.exitCode == 0 ? dogId : 0;
}

void TestCliJobs::listFilters()
{
    const qint64 dogId = addThreeCancelOne();
    QCOMPARE(dogId, 3);
    QCOMPARE(listIds(m_data, {}), (QList<qint64>{3, 2, 1})); // newest first
    QCOMPARE(listIds(m_data, {u"--state"_s, u"queued"_s}), (QList<qint64>{2, 1}));
    QCOMPARE(listIds(m_data, {u"--state"_s, u"canceled,failed"_s}), QList<qint64>{dogId});
    QCOMPARE(listIds(m_data, {u"--search"_s, u"dog IN"_s}), QList<qint64>{dogId});
    QCOMPARE(listIds(m_data, {u"--search"_s, u"fox"_s, u"--limit"_s, u"1"_s}), QList<qint64>{2});
    QCOMPARE(listIds(m_data, {u"--kind"_s, u"svd"_s}), QList<qint64>{});
    const CliResult bad
            = runCli({u"jobs"_s, u"list"_s, u"--state"_s, u"sleeping"_s, u"--data-dir"_s, m_data});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(bad.err.contains(u"sleeping"_s));

    const CliResult table = runCli({u"jobs"_s, u"list"_s, u"--data-dir"_s, m_data});
    QCOMPARE(table.exitCode, 0);
    const QStringList rows = table.outLines();
    QCOMPARE(rows.size(), 4);
    QVERIFY(rows[0].startsWith(u"ID"_s));
    QVERIFY2(rows[1].contains(u"canceled"_s) && rows[1].contains(u"A Dog in the Rain"_s),
             qPrintable(rows[1]));
}

void TestCliJobs::showAndStats()
{
    const qint64 dogId = addThreeCancelOne();
    QCOMPARE(dogId, 3);
    const CliResult show = runCli({u"jobs"_s, u"show"_s, u"#1"_s, u"--data-dir"_s, m_data});
    QCOMPARE(show.exitCode, 0);
    QVERIFY2(show.out.contains(u"a red fox"_s), qPrintable(show.out));
    QVERIFY2(show.out.contains(u"Events:"_s) && show.out.contains(u"created"_s),
             qPrintable(show.out));
    const QJsonObject shown = showJson(m_data, dogId);
    const QJsonArray events = shown.value(u"events"_s).toArray();
    QCOMPARE(events.size(), 2);
    QCOMPARE(events[1].toObject().value(u"state"_s).toString(), u"canceled"_s);

    const CliResult stats = runCli({u"jobs"_s, u"stats"_s, u"--json"_s, u"--data-dir"_s, m_data});
    QCOMPARE(stats.exitCode, 0);
    const QJsonObject counts = QJsonDocument::fromJson(stats.out.toUtf8()).object();
    QCOMPARE(counts.value(u"waiting"_s).toInt(), 2);
    QCOMPARE(counts.value(u"canceled"_s).toInt(), 1);
    QCOMPARE(counts.value(u"completed"_s).toInt(), 0);
    const CliResult text = runCli({u"jobs"_s, u"stats"_s, u"--data-dir"_s, m_data});
    QVERIFY2(text.out.contains(u"waiting:"_s), qPrintable(text.out));
}

void TestCliJobs::cancelAndRetry()
{
    const qint64 id = comfyvideo::tests::idsOf(runCli(tinyAdd(m_data))).value(0);
    QVERIFY(id > 0);
    const QString idText = QString::number(id);
    // Only failed or canceled jobs can be retried.
    CliResult retry = runCli({u"jobs"_s, u"retry"_s, idText, u"--data-dir"_s, m_data});
    QCOMPARE(retry.exitCode, 1);
    QVERIFY2(retry.err.contains(u"queued"_s), qPrintable(retry.err));

    const CliResult cancel = runCli({u"jobs"_s, u"cancel"_s, idText, u"--data-dir"_s, m_data});
    QCOMPARE(cancel.exitCode, 0);
    QCOMPARE(stateOf(m_data, id), u"canceled"_s);
    const CliResult again = runCli({u"jobs"_s, u"cancel"_s, idText, u"--data-dir"_s, m_data});
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.err.contains(u"already canceled"_s), qPrintable(again.err));

    retry = runCli({u"jobs"_s, u"retry"_s, idText, u"--data-dir"_s, m_data});
    QCOMPARE(retry.exitCode, 0);
    const QJsonObject job = jobJson(m_data, id);
    QCOMPARE(job.value(u"state"_s).toString(), u"queued"_s);
    QCOMPARE(job.value(u"attempts"_s).toInt(), 0);
    QVERIFY(job.value(u"error"_s).isNull());
    QCOMPARE(job.value(u"finishedAt"_s).toString(), QString());
}

void TestCliJobs::unknownJob()
{
    QCOMPARE(runCli(tinyAdd(m_data)).exitCode, 0);
    for (const QString &command : {u"show"_s, u"cancel"_s, u"retry"_s}) {
        const CliResult result = runCli({u"jobs"_s, command, u"42"_s, u"--data-dir"_s, m_data});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(u"42"_s), qPrintable(result.err));
    }
    const CliResult notAnId = runCli({u"jobs"_s, u"show"_s, u"x1"_s, u"--data-dir"_s, m_data});
    QCOMPARE(notAnId.exitCode, 2);
}

void TestCliJobs::queueRunDrainsToRealFiles()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s});
    QVERIFY(sim.start());
    const QList<qint64> ids
            = comfyvideo::tests::idsOf(runCli(tinyAdd(m_data) << u"--count"_s << u"3"_s));
    QCOMPARE(ids.size(), 3);
    const CliResult run = runCli({u"queue"_s,
                                  u"run"_s,
                                  u"--server"_s,
                                  sim.baseUrl().toString(),
                                  u"--data-dir"_s,
                                  m_data});
    QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
    const QStringList lines = run.outLines();
    QCOMPARE(comfyvideo::tests::idsInState(lines, u"completed"_s), ids);
    const QString videos = QDir(m_data).filePath(u"videos"_s);
    for (qint64 id : ids) {
        const QJsonObject job = jobJson(m_data, id);
        QCOMPARE(job.value(u"state"_s).toString(), u"completed"_s);
        const QString path = job.value(u"outputPath"_s).toString();
        QCOMPARE(QFileInfo(path).absolutePath(), videos);
        QVERIFY2(lines.contains(u'#' + QString::number(id) + u" completed "_s + path),
                 qPrintable(lines.join(u'\n')));
        const auto info = comfyvideo::media::probeVideo(path);
        QVERIFY2(info.has_value(), qPrintable(info ? QString() : info.error()));
        QCOMPARE(info->codec, u"h264"_s);
        QCOMPARE(info->frameCount, 8);
        QCOMPARE(info->width, 64);
    }
    QCOMPARE(QDir(videos).entryList(QDir::Files | QDir::Hidden).size(), 3);

    // Nothing left: a second run exits at once.
    const CliResult idle = runCli({u"queue"_s,
                                   u"run"_s,
                                   u"--server"_s,
                                   sim.baseUrl().toString(),
                                   u"--data-dir"_s,
                                   m_data});
    QCOMPARE(idle.exitCode, 0);
    QVERIFY(idle.out.isEmpty());
}

void TestCliJobs::secondRunRefusedAndCancelReachesTheRunner()
{
    SimProcess sim({u"--step-ms"_s, u"10"_s});
    QVERIFY(sim.start());
    // 3000 steps x 10 ms: runs for half a minute unless canceled.
    const qint64 id = comfyvideo::tests::idsOf(runCli(tinyAdd(m_data, 3000))).value(0);
    QVERIFY(id > 0);
    const QStringList runArgs{
            u"queue"_s, u"run"_s, u"--server"_s, sim.baseUrl().toString(), u"--data-dir"_s, m_data};
    CliProcess runner(runArgs);
    QVERIFY(runner.start());
    QVERIFY2(runner.waitFor(
                     [](const QStringList &lines) {
                         return !comfyvideo::tests::idsInState(lines, u"running"_s).isEmpty();
                     },
                     30000),
             qPrintable(runner.lines().join(u'\n') + runner.errorText()));

    const CliResult second = runCli(runArgs);
    QCOMPARE(second.exitCode, 1);
    QVERIFY2(second.err.contains(u"already running"_s), qPrintable(second.err));

    const CliResult cancel
            = runCli({u"jobs"_s, u"cancel"_s, QString::number(id), u"--data-dir"_s, m_data});
    QCOMPARE(cancel.exitCode, 0);
    QVERIFY2(cancel.out.contains(u"running 'queue run'"_s), qPrintable(cancel.out));
    QCOMPARE(runner.waitForExit(15000), 0); // canceled on request is not a failure
    QVERIFY2(comfyvideo::tests::idsInState(runner.lines(), u"canceled"_s) == QList<qint64>{id},
             qPrintable(runner.lines().join(u'\n')));
    QCOMPARE(stateOf(m_data, id), u"canceled"_s);
    // The server stopped working on it.
    QTRY_VERIFY_WITH_TIMEOUT(comfyvideo::tests::getJson(sim.url(u"/queue"_s))
                                     .value(u"queue_running"_s)
                                     .toArray()
                                     .isEmpty(),
                             10000);
}

void TestCliJobs::sigtermLeavesRemoteWorkForTheNextRun()
{
    SimProcess sim({u"--step-ms"_s, u"10"_s});
    QVERIFY(sim.start());
    // 300 steps x 10 ms: three seconds of sampling.
    const qint64 id = comfyvideo::tests::idsOf(runCli(tinyAdd(m_data, 300))).value(0);
    const QStringList runArgs{
            u"queue"_s, u"run"_s, u"--server"_s, sim.baseUrl().toString(), u"--data-dir"_s, m_data};
    {
        CliProcess runner(runArgs);
        QVERIFY(runner.start());
        QVERIFY(runner.waitFor(
                [](const QStringList &lines) { return lines.filter(u"Sampling"_s).size() > 0; },
                30000));
        ::kill(pid_t(runner.process().processId()), SIGTERM);
        QCOMPARE(runner.waitForExit(15000), 128 + SIGTERM);
        QVERIFY2(runner.errorText().contains(u"Stopping"_s), qPrintable(runner.errorText()));
    }
    // Still on the server, not lost, not canceled.
    QCOMPARE(stateOf(m_data, id), u"running"_s);
    const CliResult resumed = runCli(runArgs);
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.out + resumed.err));
    const QJsonObject job = jobJson(m_data, id);
    QCOMPARE(job.value(u"state"_s).toString(), u"completed"_s);
    QCOMPARE(job.value(u"attempts"_s).toInt(), 1); // re-attached, not resubmitted
    QVERIFY(comfyvideo::media::probeVideo(job.value(u"outputPath"_s).toString()).has_value());
}

void TestCliJobs::jobsQueuedDuringARunRunToo()
{
    SimProcess sim({u"--step-ms"_s, u"10"_s});
    QVERIFY(sim.start());
    const qint64 first = comfyvideo::tests::idsOf(runCli(tinyAdd(m_data, 150))).value(0);
    CliProcess runner({u"queue"_s,
                       u"run"_s,
                       u"--server"_s,
                       sim.baseUrl().toString(),
                       u"--data-dir"_s,
                       m_data});
    QVERIFY(runner.start());
    QVERIFY(runner.waitFor(
            [](const QStringList &lines) {
                return !comfyvideo::tests::idsInState(lines, u"running"_s).isEmpty();
            },
            30000));
    const qint64 second = comfyvideo::tests::idsOf(runCli(tinyAdd(m_data))).value(0);
    QVERIFY(second > first);
    QCOMPARE(runner.waitForExit(60000), 0);
    // The second job was adopted while the first ran (the scheduler notices the other
    // process's commit) or when the queue drained; either way it ran in this run.
    QCOMPARE(comfyvideo::tests::idsInState(runner.lines(), u"completed"_s),
             (QList<qint64>{first, second}));
}

QTEST_GUILESS_MAIN(TestCliJobs)
#include "tst_cli_jobs.moc"
