// The reading half of JobStoreWorker: every function is one (deferred) transaction, so a
// page and its total come from the same snapshot.
#include "storage/jobrow.h"
#include "storage/jobstoreworker.h"
#include "storage/storeerrors.h"

#include <QCoreApplication>
#include <QMap>
#include <QSqlError>

namespace comfyvideo::storage {

namespace {

// FTS5's trigram tokenizer matches substrings of at least three characters.
constexpr int MinimumIndexedText = 3;
// Above this many matches a page is cheaper found in date order than by sorting the matches.
constexpr qint64 ManyTextMatches = 500;

QString ftsPhrase(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

bool usesTextIndex(const QString &text)
{
    return text.toUcs4().size() >= MinimumIndexedText;
}

// A text-only search is counted in the search index alone, without reading the jobs.
bool countsInTextIndex(const JobQuery &q)
{
    return usesTextIndex(q.text) && q.states.isEmpty() && q.kind.isEmpty() && q.backend.isEmpty()
           && q.batchId <= 0;
}

QString likePattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
            .replace(QLatin1Char('%'), QLatin1String("\\%"))
            .replace(QLatin1Char('_'), QLatin1String("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

QString orderBy(JobQuery::Order order)
{
    switch (order) {
    case JobQuery::Order::OldestFirst:
        return QStringLiteral(" ORDER BY created_at, id");
    case JobQuery::Order::QueueOrder:
        return QStringLiteral(" ORDER BY priority DESC, position, id");
    case JobQuery::Order::NewestFirst:
        break;
    }
    return QStringLiteral(" ORDER BY created_at DESC, id DESC");
}

RunSample sampleFrom(const QSqlQuery &q)
{
    RunSample sample;
    sample.backend = q.value(0).toString();
    sample.kind = q.value(1).toString();
    sample.width = q.value(2).toInt();
    sample.height = q.value(3).toInt();
    sample.frames = q.value(4).toInt();
    sample.steps = q.value(5).toInt();
    sample.secondsPerStep = q.value(6).toDouble();
    sample.postSecondsPerFrame = q.value(7).toDouble();
    sample.totalSeconds = q.value(8).toDouble();
    sample.succeeded = q.value(9).toInt() != 0;
    sample.at = jobrow::timeFrom(q.value(10));
    return sample;
}

} // namespace

std::expected<QList<JobRecord>, StoreError> JobStoreWorker::readJobs(QSqlQuery &query)
{
    QList<JobRecord> jobs;
    while (query.next())
        jobs.append(jobrow::fromQuery(query));
    if (query.lastError().isValid())
        return std::unexpected(lastError(query));
    return jobs;
}

std::expected<JobRecord, StoreError> JobStoreWorker::job(qint64 jobId)
{
    return transact(false, [&] { return readJob(jobId); });
}

std::expected<std::pair<QString, QVariantList>, StoreError>
JobStoreWorker::whereClause(const JobQuery &q)
{
    QStringList conditions;
    QVariantList values;
    if (!q.states.isEmpty()) {
        QStringList marks;
        bool allOpen = true;
        for (JobState state : q.states) {
            marks.append(QStringLiteral("?"));
            values.append(stateName(state));
            allOpen = allOpen && !isTerminal(state);
        }
        conditions.append(QStringLiteral("state IN (") + marks.join(QLatin1Char(',')) + u')');
        if (allOpen) // lets the planner use the (small) partial queue index
            conditions.append(jobrow::notTerminal());
    }
    auto equal = [&](const char *column, const QVariant &value) {
        conditions.append(QLatin1String(column) + QLatin1String(" = ?"));
        values.append(value);
    };
    if (!q.kind.isEmpty())
        equal("kind", q.kind);
    if (!q.backend.isEmpty())
        equal("backend", q.backend);
    if (q.batchId > 0)
        equal("batch_id", q.batchId);
    if (!q.text.isEmpty()) {
        if (usesTextIndex(q.text)) {
            conditions.append(
                    QStringLiteral("id IN (SELECT rowid FROM jobs_text WHERE jobs_text MATCH ?)"));
            values.append(ftsPhrase(q.text));
        } else {
            conditions.append(QStringLiteral("(prompt LIKE ? ESCAPE '\\'"
                                             " OR negative_prompt LIKE ? ESCAPE '\\')"));
            values.append(likePattern(q.text));
            values.append(likePattern(q.text));
        }
    }
    if (conditions.isEmpty())
        return std::pair<QString, QVariantList>{};
    return std::pair{QStringLiteral(" WHERE ") + conditions.join(QLatin1String(" AND ")), values};
}

std::expected<JobPage, StoreError> JobStoreWorker::query(const JobQuery &q)
{
    return transact(false, [&]() -> std::expected<JobPage, StoreError> {
        auto where = whereClause(q);
        if (!where)
            return std::unexpected(where.error());
        const QString countSql
                = countsInTextIndex(q) ? QStringLiteral("SELECT count(*) FROM jobs_text"
                                                        " WHERE jobs_text MATCH ?")
                                       : QStringLiteral("SELECT count(*) FROM jobs") + where->first;
        auto count = run(countSql, where->second);
        if (!count)
            return std::unexpected(count.error());
        JobPage page;
        if (count->next())
            page.total = count->value(0).toLongLong();
        QString condition = where->first;
        // Many matches: walk the order's index and test each job against the matches (stops
        // after one page) rather than fetch and sort every match ('+' keeps SQLite from
        // driving the query by the match list).
        if (page.total > ManyTextMatches && usesTextIndex(q.text))
            condition.replace(QLatin1String(" id IN ("), QLatin1String(" +id IN ("));
        QVariantList values = where->second;
        values << (q.limit > 0 ? q.limit : -1) << std::max(0, q.offset);
        auto rows
                = run(QStringLiteral("SELECT ") + jobrow::columns() + QStringLiteral(" FROM jobs")
                              + condition + orderBy(q.order) + QStringLiteral(" LIMIT ? OFFSET ?"),
                      values);
        if (!rows)
            return std::unexpected(rows.error());
        auto jobs = readJobs(*rows);
        if (!jobs)
            return std::unexpected(jobs.error());
        page.jobs = std::move(*jobs);
        return page;
    });
}

std::expected<QList<JobEvent>, StoreError> JobStoreWorker::events(qint64 jobId)
{
    return transact(false, [&]() -> std::expected<QList<JobEvent>, StoreError> {
        auto exists = run(QStringLiteral("SELECT 1 FROM jobs WHERE id = ?"), {jobId});
        if (!exists)
            return std::unexpected(exists.error());
        if (!exists->next())
            return std::unexpected(notFound(jobId));
        auto rows = run(QStringLiteral("SELECT ") + jobrow::eventColumns()
                                + QStringLiteral(" FROM job_events WHERE job_id = ? ORDER BY id"),
                        {jobId});
        if (!rows)
            return std::unexpected(rows.error());
        QList<JobEvent> events;
        while (rows->next())
            events.append(jobrow::eventFromQuery(*rows));
        return events;
    });
}

std::expected<QList<JobRecord>, StoreError> JobStoreWorker::unfinished()
{
    return transact(false, [&]() -> std::expected<QList<JobRecord>, StoreError> {
        auto rows = run(QStringLiteral("SELECT ") + jobrow::columns()
                        + QStringLiteral(" FROM jobs WHERE ") + jobrow::notTerminal()
                        + orderBy(JobQuery::Order::QueueOrder));
        if (!rows)
            return std::unexpected(rows.error());
        return readJobs(*rows);
    });
}

std::expected<QList<qint64>, StoreError> JobStoreWorker::cancelRequests()
{
    return transact(false, [&]() -> std::expected<QList<qint64>, StoreError> {
        auto rows = run(QStringLiteral("SELECT id FROM jobs WHERE cancel_requested <> 0 AND ")
                        + jobrow::notTerminal() + QStringLiteral(" ORDER BY id"));
        if (!rows)
            return std::unexpected(rows.error());
        QList<qint64> ids;
        while (rows->next())
            ids.append(rows->value(0).toLongLong());
        return ids;
    });
}

std::expected<qint64, StoreError> JobStoreWorker::dataVersion()
{
    auto rows = run(QStringLiteral("PRAGMA data_version"));
    if (!rows)
        return std::unexpected(rows.error());
    if (!rows->next())
        return std::unexpected(makeError(StoreError::Kind::Io,
                                         QCoreApplication::translate("JobStore",
                                                                     "The job store did not "
                                                                     "report its data version."),
                                         QStringLiteral("PRAGMA data_version returned no row")));
    return rows->value(0).toLongLong();
}

std::expected<QueueStats, StoreError> JobStoreWorker::stats()
{
    return transact(false, [&]() -> std::expected<QueueStats, StoreError> {
        auto rows = run(QStringLiteral("SELECT state, count(*) FROM jobs GROUP BY state"));
        if (!rows)
            return std::unexpected(rows.error());
        QueueStats stats;
        while (rows->next()) {
            const JobState state = parseState(rows->value(0).toString()).value_or(JobState::Failed);
            const qint64 count = rows->value(1).toLongLong();
            if (state == JobState::Queued)
                stats.waiting += count;
            else if (isActive(state))
                stats.active += count;
            else if (state == JobState::Completed)
                stats.completed += count;
            else if (state == JobState::Failed)
                stats.failed += count;
            else
                stats.canceled += count;
        }
        if (auto perBackend = backendStats(stats); !perBackend)
            return std::unexpected(perBackend.error());
        return stats;
    });
}

std::expected<void, StoreError> JobStoreWorker::backendStats(QueueStats &stats)
{
    auto rows = run(QStringLiteral("SELECT backend, state, count(*) FROM jobs"
                                   " WHERE backend <> '' GROUP BY backend, state"));
    if (!rows)
        return std::unexpected(rows.error());
    QMap<QString, BackendStats> byName;
    while (rows->next()) {
        BackendStats &entry = byName[rows->value(0).toString()];
        entry.backend = rows->value(0).toString();
        const JobState state = parseState(rows->value(1).toString()).value_or(JobState::Failed);
        const qint64 count = rows->value(2).toLongLong();
        if (state == JobState::Completed)
            entry.completed += count;
        else if (state == JobState::Failed)
            entry.failed += count;
        else if (isActive(state))
            entry.active += count;
    }
    // The mean run time: from run samples when there are any, else from the timestamps of
    // the completed jobs.
    auto samples = run(QStringLiteral("SELECT backend, avg(total_seconds) FROM run_samples"
                                      " WHERE succeeded = 1 GROUP BY backend"));
    if (!samples)
        return std::unexpected(samples.error());
    while (samples->next()) {
        BackendStats &entry = byName[samples->value(0).toString()];
        entry.backend = samples->value(0).toString();
        entry.meanSeconds = samples->value(1).toDouble();
    }
    for (BackendStats &entry : byName) {
        if (entry.meanSeconds > 0 || entry.completed == 0)
            continue;
        auto mean = run(QStringLiteral("SELECT avg(finished_at - submitted_at) / 1000.0 FROM jobs"
                                       " WHERE backend = ? AND state = 'completed'"
                                       " AND submitted_at IS NOT NULL AND finished_at IS NOT NULL"),
                        {entry.backend});
        if (!mean)
            return std::unexpected(mean.error());
        if (mean->next())
            entry.meanSeconds = mean->value(0).toDouble();
    }
    stats.backends = byName.values();
    return {};
}

std::expected<QList<RunSample>, StoreError>
JobStoreWorker::runSamples(const QString &backend, const QString &kind, int limit)
{
    return transact(false, [&]() -> std::expected<QList<RunSample>, StoreError> {
        auto rows = run(QStringLiteral("SELECT backend, kind, width, height, frames, steps,"
                                       " seconds_per_step, post_seconds_per_frame, total_seconds,"
                                       " succeeded, at FROM run_samples"
                                       " WHERE backend = ? AND kind = ? AND succeeded = 1"
                                       " ORDER BY at DESC, id DESC LIMIT ?"),
                        {backend, kind, limit > 0 ? limit : -1});
        if (!rows)
            return std::unexpected(rows.error());
        QList<RunSample> samples;
        while (rows->next())
            samples.append(sampleFrom(*rows));
        return samples;
    });
}

} // namespace comfyvideo::storage
