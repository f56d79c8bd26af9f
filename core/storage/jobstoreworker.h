#pragma once

#include "storage/jobstore.h"

#include <QObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariantList>
#include <optional>

#include "storage/storeerrors.h"

namespace comfyvideo::storage {

// The half of JobStore that lives on its worker thread and owns the one SQLite connection.
// Every function is synchronous and is one transaction; JobStore calls them in order on the
// worker thread and posts the results back.
class JobStoreWorker : public QObject
{
public:
    JobStoreWorker(QString databasePath, JobStore::Options options);
    ~JobStoreWorker() override;

    std::expected<int, StoreError> open();
    void close();

    std::expected<QList<JobRecord>, StoreError> addJobs(QList<JobRecord> jobs);
    std::expected<qint64, StoreError> newBatch(const QString &label);
    std::expected<JobRecord, StoreError> update(qint64 jobId, const JobUpdate &update);
    std::expected<JobEvent, StoreError>
    appendEvent(qint64 jobId, const QString &type, const QString &message, const QJsonObject &data);
    std::expected<JobRecord, StoreError> moveBefore(qint64 jobId, qint64 beforeJobId);
    std::expected<JobStore::Nothing, StoreError> addRunSample(const RunSample &sample);

    std::expected<JobRecord, StoreError> job(qint64 jobId);
    std::expected<JobPage, StoreError> query(const JobQuery &query);
    std::expected<QList<JobEvent>, StoreError> events(qint64 jobId);
    std::expected<QList<JobRecord>, StoreError> unfinished();
    std::expected<QueueStats, StoreError> stats();
    std::expected<QList<qint64>, StoreError> cancelRequests();
    std::expected<qint64, StoreError> dataVersion();
    std::expected<QList<RunSample>, StoreError>
    runSamples(const QString &backend, const QString &kind, int limit);

private:
    std::expected<int, StoreError> openOnce();
    // Runs `body` inside BEGIN (IMMEDIATE when writing) ... COMMIT; rolls back on failure.
    template<typename F>
    auto transact(bool write, F &&body) -> decltype(body());

    // Prepares, binds `values` in order and executes; the query is positioned before row 1.
    std::expected<QSqlQuery, StoreError> run(const QString &sql, const QVariantList &values = {});
    bool exec(const QString &sql);
    StoreError lastError(const QSqlQuery &query) const;
    // The cached statement `slot`, prepared from `sql` on first use.
    std::expected<QSqlQuery *, StoreError> prepared(std::optional<QSqlQuery> &slot,
                                                    const QString &sql);

    std::expected<JobRecord, StoreError> readJob(qint64 jobId);
    std::expected<JobEvent, StoreError> insertEvent(qint64 jobId,
                                                    qint64 atMs,
                                                    const QString &type,
                                                    JobState state,
                                                    const QString &message,
                                                    const QJsonObject &data);
    std::expected<void, StoreError> indexText(const QList<JobRecord> &jobs);
    std::expected<double, StoreError> endPosition(std::optional<int> priority);
    std::expected<double, StoreError> positionBefore(const JobRecord &before, qint64 movingId);
    std::expected<void, StoreError> renumber(int priority);
    std::expected<std::pair<QString, QVariantList>, StoreError> whereClause(const JobQuery &q);
    std::expected<QList<JobRecord>, StoreError> readJobs(QSqlQuery &query);
    std::expected<void, StoreError> backendStats(QueueStats &stats);

    QString m_path;
    JobStore::Options m_options;
    QString m_connectionName;
    QSqlDatabase m_db;
    StoreError m_error; // of the last failed exec()
    // Prepared once per connection: the statements a big addJobs() runs per job.
    std::optional<QSqlQuery> m_insertJob;
    std::optional<QSqlQuery> m_insertEvent;
};

template<typename F>
auto JobStoreWorker::transact(bool write, F &&body) -> decltype(body())
{
    if (!m_db.isOpen())
        return std::unexpected(notOpen(m_path));
    if (!exec(write ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN")))
        return std::unexpected(m_error);
    auto result = body();
    if (result && exec(QStringLiteral("COMMIT")))
        return result;
    const StoreError error = result ? m_error : result.error();
    exec(QStringLiteral("ROLLBACK"));
    return std::unexpected(error);
}

} // namespace comfyvideo::storage
