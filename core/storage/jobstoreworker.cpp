#include "storage/jobstoreworker.h"

#include "storage/jobrow.h"
#include "storage/migrations.h"
#include "storage/storeerrors.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlError>
#include <QThread>
#include <QUuid>

namespace comfyvideo::storage {

JobStoreWorker::JobStoreWorker(QString databasePath, JobStore::Options options)
    : m_path(std::move(databasePath))
    , m_options(options)
    , m_connectionName(QStringLiteral("comfyvideo-jobstore-")
                       + QUuid::createUuid().toString(QUuid::WithoutBraces))
{}

JobStoreWorker::~JobStoreWorker()
{
    close();
}

std::expected<int, StoreError> JobStoreWorker::open()
{
    // Two processes creating one file at once (the window and a CLI command) can get SQLITE_BUSY
    // without the busy handler (SQLite returns it at once where waiting could deadlock, e.g.
    // while the other switches the new file to WAL): open again until busyTimeoutMs passes.
    // This runs on the store's worker thread, so the short sleeps block no one.
    QElapsedTimer clock;
    clock.start();
    for (int attempt = 0;; ++attempt) {
        auto version = openOnce();
        const bool busy
                = !version && version.error().detail.contains(QStringLiteral("database is locked"));
        if (!busy || clock.elapsed() >= m_options.busyTimeoutMs)
            return version;
        QThread::msleep(std::min(10 * (attempt + 1), 100));
    }
}

std::expected<int, StoreError> JobStoreWorker::openOnce()
{
    if (m_db.isOpen())
        return schemaVersion(m_db);
    const QString folder = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(folder)) {
        return std::unexpected(makeError(
                StoreError::Kind::Open,
                QCoreApplication::translate("JobStore",
                                            "The folder %1 for the job database %2 cannot be "
                                            "created: check that you may write there.")
                        .arg(QDir::toNativeSeparators(folder), QDir::toNativeSeparators(m_path))));
    }
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(m_path);
    if (!m_db.open()) {
        const StoreError error = sqlError(m_db.lastError(), m_path);
        close();
        return std::unexpected(error);
    }
    // Connection settings first (they write nothing), then the version check, which only
    // reads: a newer or foreign file is refused before anything could change it.
    exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(m_options.busyTimeoutMs));
    auto version = schemaVersion(m_db);
    if (version && *version > currentSchemaVersion())
        version = migrate(m_db); // reports the refusal
    if (!version) {
        close();
        return version;
    }
    bool ok = exec(QStringLiteral("PRAGMA journal_mode = WAL"))
              && exec(QStringLiteral("PRAGMA synchronous = FULL"))
              && exec(QStringLiteral("PRAGMA foreign_keys = ON"))
              // Statement journals (SQLite keeps one per statement inside a transaction) stay
              // in memory instead of becoming hundreds of thousands of small writes to
              // temporary files, and a 10,000-job insert does not spill pages mid-transaction.
              && exec(QStringLiteral("PRAGMA temp_store = MEMORY"))
              && exec(QStringLiteral("PRAGMA cache_size = -32768"));
    if (ok && m_options.maxPageCount > 0)
        ok = exec(QStringLiteral("PRAGMA max_page_count = %1").arg(m_options.maxPageCount));
    if (!ok) {
        const StoreError error = m_error;
        close();
        return std::unexpected(error);
    }
    version = migrate(m_db);
    if (!version)
        close();
    return version;
}

void JobStoreWorker::close()
{
    if (!m_db.isValid())
        return;
    m_insertJob.reset();
    m_insertEvent.reset();
    if (m_db.isOpen()) {
        exec(QStringLiteral("PRAGMA optimize"));
        m_db.close();
    }
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

std::expected<QSqlQuery, StoreError> JobStoreWorker::run(const QString &sql,
                                                         const QVariantList &values)
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return std::unexpected(lastError(query));
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        return std::unexpected(lastError(query));
    return query;
}

bool JobStoreWorker::exec(const QString &sql)
{
    QSqlQuery query(m_db);
    if (query.exec(sql))
        return true;
    m_error = lastError(query);
    return false;
}

std::expected<QSqlQuery *, StoreError> JobStoreWorker::prepared(std::optional<QSqlQuery> &slot,
                                                                const QString &sql)
{
    if (!slot) {
        QSqlQuery query(m_db);
        if (!query.prepare(sql))
            return std::unexpected(lastError(query));
        slot = std::move(query);
    }
    return &*slot;
}

StoreError JobStoreWorker::lastError(const QSqlQuery &query) const
{
    return sqlError(query.lastError(), m_path);
}

std::expected<JobRecord, StoreError> JobStoreWorker::readJob(qint64 jobId)
{
    auto query = run(QStringLiteral("SELECT ") + jobrow::columns()
                             + QStringLiteral(" FROM jobs WHERE id = ?"),
                     {jobId});
    if (!query)
        return std::unexpected(query.error());
    if (!query->next())
        return std::unexpected(notFound(jobId));
    return jobrow::fromQuery(*query);
}

std::expected<JobEvent, StoreError> JobStoreWorker::insertEvent(qint64 jobId,
                                                                qint64 atMs,
                                                                const QString &type,
                                                                JobState state,
                                                                const QString &message,
                                                                const QJsonObject &data)
{
    JobEvent event{0, jobId, jobrow::timeFrom(atMs), type, state, message, data};
    const QString json = QString::fromUtf8(QJsonDocument(data).toJson(QJsonDocument::Compact));
    auto query = prepared(m_insertEvent,
                          QStringLiteral("INSERT INTO job_events (job_id, at, type, state, message,"
                                         " data) VALUES (?, ?, ?, ?, ?, ?)"));
    if (!query)
        return std::unexpected(query.error());
    const QVariantList values{
            jobId, atMs, jobrow::text(type), stateName(state), jobrow::text(message), json};
    for (int i = 0; i < values.size(); ++i)
        (*query)->bindValue(i, values.at(i));
    if (!(*query)->exec())
        return std::unexpected(lastError(**query));
    event.id = (*query)->lastInsertId().toLongLong();
    (*query)->finish();
    return event;
}

} // namespace comfyvideo::storage
