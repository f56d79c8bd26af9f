// Job store benchmark (issue #5): inserts N jobs (default 100,000) with varied prompts, kinds
// and states, then times the history queries the UI and the scheduler run, each ~20 times
// (median and 95th percentile), and compares LIKE with the FTS5 trigram index for text
// search. Prints a table; never fails on timings.
#include "storage/jobstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <ctime>

using namespace comfyvideo;
using namespace comfyvideo::storage;
using namespace Qt::StringLiterals;

namespace {

// Waits for one reply (a nested loop is fine in a benchmark, never in library code).
template<typename T, typename Start>
std::expected<T, StoreError> await(Start start)
{
    std::optional<std::expected<T, StoreError>> result;
    QEventLoop loop;
    start([&](std::expected<T, StoreError> reply) {
        result = std::move(reply);
        loop.quit();
    });
    if (!result)
        loop.exec();
    return *result;
}

struct Timing
{
    double median = 0;
    double p95 = 0;
    qint64 rows = -1; // what the query returned (total matches), for the table
};

Timing summarize(QList<double> ms, qint64 rows)
{
    std::sort(ms.begin(), ms.end());
    const qsizetype p95 = std::min<qsizetype>(ms.size() - 1, (ms.size() * 95 + 99) / 100 - 1);
    return {ms.at(ms.size() / 2), ms.at(p95), rows};
}

// Runs `once` (which returns a row count, or -1 on failure) `runs` times.
template<typename F>
Timing measure(int runs, F once)
{
    QList<double> ms;
    qint64 rows = 0;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        rows = once();
        ms.append(timer.nsecsElapsed() / 1e6);
    }
    return summarize(ms, rows);
}

void printRow(const char *name, const Timing &t)
{
    std::printf(
            "  %-44s %9.2f %9.2f %10lld\n", name, t.median, t.p95, static_cast<long long>(t.rows));
}

const QStringList Subjects{u"cat"_s,
                           u"fox"_s,
                           u"lighthouse"_s,
                           u"city"_s,
                           u"forest"_s,
                           u"robot"_s,
                           u"ocean"_s,
                           u"dragon"_s,
                           u"train"_s,
                           u"garden"_s,
                           u"astronaut"_s,
                           u"waterfall"_s};
const QStringList Styles{u"cinematic"_s,
                         u"watercolor"_s,
                         u"anime"_s,
                         u"photorealistic"_s,
                         u"pixel art"_s,
                         u"oil painting"_s,
                         u"low poly"_s,
                         u"film noir"_s};
const QStringList Moods{u"at sunset"_s,
                        u"in the rain"_s,
                        u"at night"_s,
                        u"in fog"_s,
                        u"in spring"_s,
                        u"under stars"_s,
                        u"in snow"_s};

JobRecord generatedJob(QRandomGenerator &random, int index)
{
    JobRecord job;
    const bool svd = random.bounded(10) < 3;
    job.request = request::defaultRequest(svd ? request::Kind::Svd : request::Kind::AnimateDiff);
    QString prompt = u"a %1 %2, %3, highly detailed"_s.arg(Subjects.at(random.bounded(12)),
                                                           Moods.at(random.bounded(7)),
                                                           Styles.at(random.bounded(8)));
    if (index % 1000 == 7)
        prompt += u", zanzibar"_s; // the rare word: 0.1% of the rows
    job.request.prompt = prompt;
    job.request.negativePrompt = u"blurry, low quality, watermark"_s;
    job.request.seed = random.generate64();
    const int dice = random.bounded(100);
    job.state = dice < 80   ? JobState::Completed
                : dice < 90 ? JobState::Failed
                : dice < 95 ? JobState::Canceled
                : dice < 98 ? JobState::Queued
                            : JobState::Running;
    if (job.state != JobState::Queued) {
        static const QStringList backends{u"local"_s, u"remote-a"_s, u"veo"_s};
        job.backend = backends.at(random.bounded(3));
        job.submittedAt
                = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000 + index * 60'000LL, Qt::UTC);
        if (isTerminal(job.state))
            job.finishedAt = job.submittedAt.addMSecs(20'000 + random.bounded(100'000));
    }
    job.cancelRequested = job.state == JobState::Running && random.bounded(10) == 0;
    job.createdAt = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000 + index * 60'000LL, Qt::UTC);
    return job;
}

struct InsertRate
{
    double jobsPerSecond = 0;
    double cpuMsPer10k = 0; // process CPU time (every thread): independent of machine load
};

// Inserts `rows` jobs in transactions of 10,000 (generating them is not timed).
InsertRate populate(JobStore &store, int rows)
{
    QRandomGenerator random(42);
    qint64 wallNs = 0;
    std::clock_t cpu = 0;
    for (int done = 0; done < rows;) {
        QList<JobRecord> jobs;
        const int count = std::min(10'000, rows - done);
        for (int i = 0; i < count; ++i)
            jobs.append(generatedJob(random, done + i));
        QElapsedTimer timer;
        timer.start();
        const std::clock_t cpuStart = std::clock();
        const auto added = await<QList<JobRecord>>(
                [&](auto reply) { store.addJobs(std::move(jobs), reply); });
        cpu += std::clock() - cpuStart;
        wallNs += timer.nsecsElapsed();
        if (!added) {
            std::fprintf(stderr, "insert failed: %s\n", qPrintable(added.error().detail));
            return {};
        }
        done += count;
    }
    const double cpuMs = 1000.0 * double(cpu) / CLOCKS_PER_SEC;
    return {rows / (wallNs / 1e9), cpuMs * 10'000 / rows};
}

qint64 pageRows(JobStore &store, const JobQuery &query)
{
    const auto page = await<JobPage>([&](auto reply) { store.query(query, reply); });
    return page ? page->total : -1;
}

void apiQueries(JobStore &store, int runs, int rows)
{
    std::printf("\nJobStore calls (ms, through the worker thread)   median       p95    matches\n");
    auto page = [&](const char *name, JobQuery query) {
        printRow(name, measure(runs, [&] { return pageRows(store, query); }));
    };
    JobQuery q;
    q.limit = 50;
    page("history page 1 (newest 50, no filter)", q);
    q.states = {JobState::Completed};
    page("state=completed page 1", q);
    q.states = {JobState::Queued};
    page("state=queued page 1", q);
    q.states = {JobState::Failed, JobState::Canceled};
    page("state in (failed, canceled) page 1", q);
    q = {};
    q.limit = 50;
    q.kind = u"svd"_s;
    page("kind=svd page 1", q);
    q = {};
    q.limit = 50;
    q.text = u"cat"_s;
    page("text 'cat' (common word, FTS5)", q);
    q.text = u"lighthouse at sunset"_s;
    page("text 'lighthouse at sunset' (FTS5)", q);
    q.text = u"zanzibar"_s;
    page("text 'zanzibar' (rare word, FTS5)", q);
    q.text = u"zz"_s;
    page("text 'zz' (2 letters: LIKE scan)", q);
    q.text = u"cat"_s;
    q.states = {JobState::Failed};
    q.kind = u"animatediff"_s;
    page("text 'cat' + state=failed + kind", q);
    q = {};
    q.limit = 50;
    q.offset = std::min(50'000, rows / 2);
    page("deep page (offset rows/2, max 50,000)", q);
    printRow("stats()", measure(runs, [&] {
                 const auto s = await<QueueStats>([&](auto reply) { store.stats(reply); });
                 return s ? s->completed : -1;
             }));
    printRow("unfinished()", measure(runs, [&] {
                 const auto u
                         = await<QList<JobRecord>>([&](auto reply) { store.unfinished(reply); });
                 return u ? u->size() : -1;
             }));
    printRow("cancelRequests()", measure(runs, [&] {
                 const auto c
                         = await<QList<qint64>>([&](auto reply) { store.cancelRequests(reply); });
                 return c ? c->size() : -1;
             }));
    printRow("job(id)", measure(runs, [&] {
                 const auto j = await<JobRecord>([&](auto reply) { store.job(rows / 2, reply); });
                 return j ? 1 : -1;
             }));
    int step = 0;
    printRow("update(id) (one committed write, fsync)", measure(runs, [&] {
                 JobUpdate u;
                 u.eventType = u"note"_s;
                 u.eventMessage = u"bench %1"_s.arg(++step);
                 const auto j
                         = await<JobRecord>([&](auto reply) { store.update(rows / 3, u, reply); });
                 return j ? 1 : -1;
             }));
}

// The same searches in plain SQL on a second connection: substring LIKE (a scan) versus the
// FTS5 trigram index the store uses, each with its count and first page.
void likeVersusFts(const QString &path, int runs)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"bench"_s);
    db.setDatabaseName(path);
    db.open();
    auto run = [&](const QString &where, const QString &value) {
        return measure(runs, [&] {
            QSqlQuery count(db);
            count.prepare(u"SELECT count(*) FROM jobs WHERE "_s + where);
            count.addBindValue(value);
            count.exec();
            count.next();
            QSqlQuery page(db);
            page.prepare(u"SELECT id FROM jobs WHERE "_s + where
                         + u" ORDER BY created_at DESC, id DESC LIMIT 50"_s);
            page.addBindValue(value);
            page.exec();
            while (page.next()) {
            }
            return count.value(0).toLongLong();
        });
    };
    const QString like = u"prompt LIKE ?"_s;
    const QString fts = u"id IN (SELECT rowid FROM jobs_text WHERE jobs_text MATCH ?)"_s;
    std::printf(
            "\nText search, plain SQL (count + first 50)          median       p95    matches\n");
    printRow("LIKE '%cat%'", run(like, u"%cat%"_s));
    printRow("FTS5 trigram \"cat\"", run(fts, u"\"cat\""_s));
    printRow("LIKE '%zanzibar%'", run(like, u"%zanzibar%"_s));
    printRow("FTS5 trigram \"zanzibar\"", run(fts, u"\"zanzibar\""_s));
    printRow("LIKE '%lighthouse at sunset%'", run(like, u"%lighthouse at sunset%"_s));
    printRow("FTS5 trigram \"lighthouse at sunset\"", run(fts, u"\"lighthouse at sunset\""_s));
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"bench"_s);
}

// The 1-minute load average (Linux), printed so numbers from a busy machine are read as such.
QByteArray loadAverage()
{
    QFile file(u"/proc/loadavg"_s);
    if (!file.open(QIODevice::ReadOnly))
        return "?";
    return file.readAll().split(' ').value(0);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({u"rows"_s, u"Jobs to insert (default 100000)."_s, u"N"_s, u"100000"_s});
    parser.addOption({u"runs"_s, u"Runs per query (default 20)."_s, u"R"_s, u"20"_s});
    parser.process(app);
    const int rows = std::max(10, parser.value(u"rows"_s).toInt());
    const int runs = std::max(1, parser.value(u"runs"_s).toInt());

    QTemporaryDir dir;
    const QString path = dir.filePath(u"bench.sqlite"_s);
    InsertRate insertRate;
    {
        JobStore store(path);
        if (const auto opened = await<int>([&](auto reply) { store.open(reply); }); !opened) {
            std::fprintf(stderr, "open failed: %s\n", qPrintable(opened.error().message));
            return 1;
        }
        insertRate = populate(store, rows);
    }
    // Reopened as the app would be on its next start (closing runs PRAGMA optimize).
    JobStore store(path);
    await<int>([&](auto reply) { store.open(reply); });
    std::printf("bench_jobstore: %d jobs (load average now %s), %d runs per query, SQLite file "
                "%.1f MB\n",
                rows,
                loadAverage().constData(),
                runs,
                QFileInfo(path).size() / 1e6);
    std::printf("  insert (addJobs, 10,000 per transaction): %.0f jobs/s,"
                " CPU %.0f ms per 10,000 jobs\n",
                insertRate.jobsPerSecond,
                insertRate.cpuMsPer10k);
    apiQueries(store, runs, rows);
    likeVersusFts(path, runs);
    return 0;
}
