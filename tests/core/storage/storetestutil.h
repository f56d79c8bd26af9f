#pragma once

#include "storage/jobstore.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>
#include <QUuid>
#include <memory>
#include <optional>

// Helpers shared by the job store tests: waiting for a reply (the event loop runs meanwhile,
// as it would in the app) and reading the file directly.
namespace comfyvideo::storage::test {

using request::Kind;
using namespace Qt::StringLiterals;

// Calls `start(reply)` and waits for the reply. A reply that never comes is a failure.
template<typename T, typename Start>
std::expected<T, StoreError> await(Start start, int timeoutMs = 60000)
{
    auto result = std::make_shared<std::optional<std::expected<T, StoreError>>>();
    start([result](std::expected<T, StoreError> reply) { *result = std::move(reply); });
    if (!QTest::qWaitFor([&] { return result->has_value(); }, timeoutMs))
        return std::unexpected(StoreError{StoreError::Kind::Io, QStringLiteral("no reply"), {}});
    return **result;
}

// The error of a failed reply, for QVERIFY2 (empty for a value).
template<typename T>
QByteArray why(const std::expected<T, StoreError> &reply)
{
    if (reply)
        return {};
    return (reply.error().message + u" | "_s + reply.error().detail).toUtf8();
}

inline JobRecord makeJob(const QString &prompt, Kind kind = Kind::AnimateDiff)
{
    JobRecord job;
    job.request = request::defaultRequest(kind);
    job.request.prompt = prompt;
    return job;
}

inline std::expected<int, StoreError> openStore(JobStore &store)
{
    return await<int>([&](auto done) { store.open(done); });
}

inline std::expected<QList<JobRecord>, StoreError> add(JobStore &store, QList<JobRecord> jobs)
{
    return await<QList<JobRecord>>([&](auto done) { store.addJobs(jobs, done); });
}

inline std::expected<JobRecord, StoreError> update(JobStore &store, qint64 id, JobUpdate u)
{
    return await<JobRecord>([&](auto done) { store.update(id, u, done); });
}

inline std::expected<JobRecord, StoreError> fetch(JobStore &store, qint64 id)
{
    return await<JobRecord>([&](auto done) { store.job(id, done); });
}

inline std::expected<JobPage, StoreError> find(JobStore &store, const JobQuery &query)
{
    return await<JobPage>([&](auto done) { store.query(query, done); });
}

inline QList<qint64> ids(const QList<JobRecord> &jobs)
{
    QList<qint64> list;
    for (const JobRecord &job : jobs)
        list.append(job.id);
    return list;
}

// A direct connection to a database file, for checks the API does not offer. Closed and
// removed when it goes out of scope.
class RawDb
{
public:
    explicit RawDb(const QString &path)
        : m_name(QUuid::createUuid().toString())
    {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        m_db.setDatabaseName(path);
        m_db.open();
    }
    ~RawDb()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    // The first column of the first row (an invalid QVariant on error).
    QVariant value(const QString &sql)
    {
        QSqlQuery query(m_db);
        if (!query.exec(sql) || !query.next())
            return {};
        return query.value(0);
    }
    bool exec(const QString &sql)
    {
        QSqlQuery query(m_db);
        return query.exec(sql);
    }
    QSqlDatabase &db() { return m_db; }

private:
    QString m_name;
    QSqlDatabase m_db;
};

} // namespace comfyvideo::storage::test
