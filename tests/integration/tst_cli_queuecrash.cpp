// Kill -9 of a real `comfyvideo queue run` in the middle of 20 jobs over two simulator
// processes, then a restart: every job completes exactly once and every output file is whole.
#include "clijobs.h"
#include "fakes/simprocess.h"
#include "media/videoprobe.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

using comfyvideo::tests::CliProcess;
using comfyvideo::tests::CliResult;
using comfyvideo::tests::runCli;
using comfyvideo::tests::SimProcess;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 FirstSeed = 1000; // seeds 1000, 1001, ... tell the jobs apart on the servers

// The last state line of every job seen so far.
QHash<qint64, QString> lastStates(const QStringList &lines)
{
    static const QRegularExpression pattern(u"^#(\\d+) (\\w+)"_s);
    QHash<qint64, QString> states;
    for (const QString &line : lines) {
        const QRegularExpressionMatch match = pattern.match(line);
        if (match.hasMatch())
            states[match.captured(1).toLongLong()] = match.captured(2);
    }
    return states;
}

bool someCompletedBothServersBusy(const QStringList &lines)
{
    int completed = 0;
    int remote = 0;
    for (const QString &state : lastStates(lines)) {
        if (state == u"completed")
            ++completed;
        else if (state == u"submitted" || state == u"running" || state == u"fetching")
            ++remote;
    }
    // Both servers busy: a job on each is cut off mid-run.
    return completed >= 5 && remote >= 2;
}

// Successful prompt runs on a server, per KSampler seed, and the prompt ids that succeeded.
struct ServerRuns
{
    QHash<qint64, int> successesBySeed;
    QSet<QString> succeededPromptIds;
};

ServerRuns serverRuns(const SimProcess &sim)
{
    ServerRuns runs;
    const QJsonObject history = comfyvideo::tests::getJson(sim.url(u"/history"_s));
    for (auto it = history.begin(); it != history.end(); ++it) {
        const QJsonObject entry = it.value().toObject();
        const QJsonObject status = entry.value(u"status"_s).toObject();
        if (status.value(u"status_str"_s).toString() != u"success")
            continue;
        runs.succeededPromptIds.insert(it.key());
        const QJsonObject prompt = entry.value(u"prompt"_s).toArray().at(2).toObject();
        for (const QJsonValue &node : prompt) {
            const QJsonObject inputs = node.toObject().value(u"inputs"_s).toObject();
            if (node.toObject().value(u"class_type"_s).toString().startsWith(u"KSampler"_s))
                ++runs.successesBySeed[qint64(inputs.value(u"seed"_s).toDouble())];
        }
    }
    return runs;
}

// `queue add` of `count` tiny jobs with seeds FirstSeed, FirstSeed + 1, ...
QList<qint64> addJobs(const QString &data, int count)
{
    const CliResult added = runCli({u"queue"_s,
                                    u"add"_s,
                                    u"animatediff"_s,
                                    u"--prompt"_s,
                                    u"a fox"_s,
                                    u"--width"_s,
                                    u"64"_s,
                                    u"--height"_s,
                                    u"64"_s,
                                    u"--frames"_s,
                                    u"8"_s,
                                    u"--steps"_s,
                                    u"6"_s,
                                    u"--seed"_s,
                                    QString::number(FirstSeed),
                                    u"--count"_s,
                                    QString::number(count),
                                    u"--data-dir"_s,
                                    data});
    if (added.exitCode != 0)
        qWarning() << added.err;
    return comfyvideo::tests::idsOf(added);
}

bool hasPartFile(const QString &folder)
{
    return !QDir(folder).entryList({u"*.part"_s}, QDir::Files | QDir::Hidden).isEmpty();
}

} // namespace

class TestCliQueueCrash : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void killNineMidQueueThenRestart();
    void killNineMidDownloadThenRestart();

private:
    // Starts `queue run` on both servers, waits for `killWhen`, kills it with SIGKILL.
    void runAndKill(const std::function<bool(const QStringList &)> &killWhen);
    // Runs the queue again to the end and checks every job completed exactly once.
    void restartAndVerify(int jobCount);
    void verifyOutputFolder(const QSet<QString> &outputs, int jobCount);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SimProcess> m_simA;
    std::unique_ptr<SimProcess> m_simB;
    QString m_data;
    QString m_videos;
    QList<qint64> m_ids;
};

void TestCliQueueCrash::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_data = m_dir->filePath(u"data"_s);
    m_videos = m_dir->filePath(u"videos"_s);
}

void TestCliQueueCrash::killNineMidQueueThenRestart()
{
    m_simA = std::make_unique<SimProcess>(QStringList{u"--step-ms"_s, u"30"_s});
    m_simB = std::make_unique<SimProcess>(QStringList{u"--step-ms"_s, u"30"_s});
    QVERIFY(m_simA->start());
    QVERIFY(m_simB->start());
    m_ids = addJobs(m_data, 20);
    QCOMPARE(m_ids.size(), 20);
    runAndKill(someCompletedBothServersBusy);
    if (QTest::currentTestFailed())
        return;
    restartAndVerify(20);
}

void TestCliQueueCrash::killNineMidDownloadThenRestart()
{
    // Videos of a few KiB come at 1500 bytes a second: the kill lands in a download.
    const QStringList slow{u"--step-ms"_s, u"10"_s, u"--fault"_s, u"view-slow:bps=1500"_s};
    m_simA = std::make_unique<SimProcess>(slow);
    m_simB = std::make_unique<SimProcess>(slow);
    QVERIFY(m_simA->start());
    QVERIFY(m_simB->start());
    m_ids = addJobs(m_data, 6);
    QCOMPARE(m_ids.size(), 6);
    const QString videos = m_videos;
    runAndKill([videos](const QStringList &lines) {
        const auto states = lastStates(lines);
        return std::count(states.begin(), states.end(), u"completed"_s) >= 1
               && states.values().contains(u"fetching"_s) && hasPartFile(videos);
    });
    if (QTest::currentTestFailed())
        return;
    QVERIFY(hasPartFile(m_videos)); // a half-written download is left behind
    restartAndVerify(6);
}

void TestCliQueueCrash::runAndKill(const std::function<bool(const QStringList &)> &killWhen)
{
    CliProcess runner({u"queue"_s,
                       u"run"_s,
                       u"--server"_s,
                       m_simA->baseUrl().toString(),
                       u"--server"_s,
                       m_simB->baseUrl().toString(),
                       u"--output-dir"_s,
                       m_videos,
                       u"--data-dir"_s,
                       m_data});
    QVERIFY(runner.start());
    QVERIFY2(runner.waitFor(killWhen, 120000),
             qPrintable(runner.lines().join(u'\n') + runner.errorText()));
    runner.killHard(); // kill -9: no chance to tidy up
    QCOMPARE(runner.process().exitStatus(), QProcess::CrashExit);
    const auto states = lastStates(runner.lines());
    const auto completed = std::count(states.begin(), states.end(), u"completed"_s);
    QVERIFY(completed < m_ids.size());
    qInfo("killed with %d completed, %d started and unfinished",
          int(completed),
          int(states.size() - completed));
}

void TestCliQueueCrash::restartAndVerify(int jobCount)
{
    CliProcess restarted({u"queue"_s,
                          u"run"_s,
                          u"--server"_s,
                          m_simA->baseUrl().toString(),
                          u"--server"_s,
                          m_simB->baseUrl().toString(),
                          u"--output-dir"_s,
                          m_videos,
                          u"--data-dir"_s,
                          m_data});
    QVERIFY(restarted.start());
    const int exitCode = restarted.waitForExit(240000);
    QVERIFY2(exitCode == 0, qPrintable(restarted.lines().join(u'\n') + restarted.errorText()));

    // Every job completed, with exactly one transition to completed in its log.
    const ServerRuns runsA = serverRuns(*m_simA);
    const ServerRuns runsB = serverRuns(*m_simB);
    const QString idA = u"comfyui:"_s + m_simA->baseUrl().toString();
    QSet<QString> outputs;
    for (qint64 id : std::as_const(m_ids)) {
        const CliResult shown = runCli(
                {u"jobs"_s, u"show"_s, QString::number(id), u"--json"_s, u"--data-dir"_s, m_data});
        QCOMPARE(shown.exitCode, 0);
        const QJsonObject object = QJsonDocument::fromJson(shown.out.toUtf8()).object();
        const QJsonObject job = object.value(u"job"_s).toObject();
        QCOMPARE(job.value(u"state"_s).toString(), u"completed"_s);
        int completions = 0;
        for (const QJsonValue &event : object.value(u"events"_s).toArray())
            completions += event.toObject().value(u"state"_s).toString() == u"completed" ? 1 : 0;
        QCOMPARE(completions, 1);
        // The stored remote id is a successful run on the job's server.
        const ServerRuns &runs = job.value(u"backend"_s).toString() == idA ? runsA : runsB;
        QVERIFY(runs.succeededPromptIds.contains(job.value(u"remoteId"_s).toString()));
        outputs.insert(QFileInfo(job.value(u"outputPath"_s).toString()).fileName());
    }
    // No seed (job) ran to completion twice, on either server.
    for (qint64 seed = FirstSeed; seed < FirstSeed + jobCount; ++seed) {
        const int successes = runsA.successesBySeed.value(seed) + runsB.successesBySeed.value(seed);
        QVERIFY2(successes == 1, qPrintable(u"seed %1 ran %2 times"_s.arg(seed).arg(successes)));
    }
    QVERIFY(!runsA.succeededPromptIds.isEmpty()); // both servers took part
    QVERIFY(!runsB.succeededPromptIds.isEmpty());

    verifyOutputFolder(outputs, jobCount);
}

void TestCliQueueCrash::verifyOutputFolder(const QSet<QString> &outputs, int jobCount)
{
    // Whole videos and nothing else (no temporary or partial file) in the output folder.
    const QStringList files = QDir(m_videos).entryList(QDir::Files | QDir::Hidden | QDir::System
                                                       | QDir::Dirs | QDir::NoDotAndDotDot);
    QCOMPARE(QSet<QString>(files.begin(), files.end()), outputs);
    QCOMPARE(files.size(), jobCount);
    for (const QString &file : files) {
        const auto info = comfyvideo::media::probeVideo(QDir(m_videos).filePath(file));
        QVERIFY2(info.has_value(), qPrintable(info ? QString() : info.error()));
        QCOMPARE(info->codec, u"h264"_s);
        QCOMPARE(info->frameCount, 8);
    }
}

QTEST_GUILESS_MAIN(TestCliQueueCrash)
#include "tst_cli_queuecrash.moc"
