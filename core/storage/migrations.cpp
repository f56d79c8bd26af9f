#include "storage/migrations.h"

#include "storage/storeerrors.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace comfyvideo::storage {

namespace {

// Version 1: the queue and history: jobs, their append-only event log, batches.
Migration migration1()
{
    return {1,
            QStringLiteral("jobs, job events and batches"),
            {
                    QStringLiteral("CREATE TABLE batches ("
                                   " id INTEGER PRIMARY KEY,"
                                   " label TEXT NOT NULL DEFAULT '',"
                                   " created_at INTEGER NOT NULL)"),
                    QStringLiteral("CREATE TABLE jobs ("
                                   " id INTEGER PRIMARY KEY,"
                                   " state TEXT NOT NULL,"
                                   " request TEXT NOT NULL,"
                                   " kind TEXT NOT NULL,"
                                   " prompt TEXT NOT NULL DEFAULT '',"
                                   " priority INTEGER NOT NULL DEFAULT 0,"
                                   " position REAL NOT NULL DEFAULT 0,"
                                   " batch_id INTEGER REFERENCES batches(id),"
                                   " batch_index INTEGER NOT NULL DEFAULT 0,"
                                   " chain TEXT NOT NULL DEFAULT '[]',"
                                   " excluded_backends TEXT NOT NULL DEFAULT '[]',"
                                   " backend TEXT NOT NULL DEFAULT '',"
                                   " remote_id TEXT NOT NULL DEFAULT '',"
                                   " attempts INTEGER NOT NULL DEFAULT 0,"
                                   " backend_attempts INTEGER NOT NULL DEFAULT 0,"
                                   " max_attempts INTEGER NOT NULL DEFAULT 2,"
                                   " output_path TEXT NOT NULL DEFAULT '',"
                                   " error TEXT,"
                                   " cancel_requested INTEGER NOT NULL DEFAULT 0,"
                                   " created_at INTEGER NOT NULL,"
                                   " updated_at INTEGER NOT NULL,"
                                   " submitted_at INTEGER,"
                                   " finished_at INTEGER,"
                                   " not_before INTEGER)"),
                    QStringLiteral("CREATE TABLE job_events ("
                                   " id INTEGER PRIMARY KEY,"
                                   " job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
                                   " at INTEGER NOT NULL,"
                                   " type TEXT NOT NULL,"
                                   " state TEXT NOT NULL,"
                                   " message TEXT NOT NULL DEFAULT '',"
                                   " data TEXT NOT NULL DEFAULT '{}')"),
                    QStringLiteral("CREATE INDEX job_events_by_job ON job_events(job_id, id)"),
                    QStringLiteral("CREATE INDEX jobs_by_state ON jobs(state)"),
            }};
}

// The terminal states, as the partial indexes and the queries that use them spell them.
#define CV_TERMINAL "('completed','failed','canceled')"

// Version 2: search and statistics. The negative prompt becomes a column (filled from the
// stored request JSON) so text search covers it; an FTS5 trigram index answers substring
// searches; run samples per backend feed ETAs and statistics; indexes for every history
// query order and for the scheduler's polling.
// New jobs are added to the search index by the code that inserts them, in one statement per
// transaction (JobStoreWorker::indexText): an AFTER INSERT trigger would make FTS5 flush a
// segment per row, several times slower for big batches. Updates and deletes keep it in step
// by triggers.
Migration migration2()
{
    return {2,
            QStringLiteral("run samples, search index and query indexes"),
            {
                    QStringLiteral(
                            "ALTER TABLE jobs ADD COLUMN negative_prompt TEXT NOT NULL DEFAULT ''"),
                    QStringLiteral("UPDATE jobs SET negative_prompt ="
                                   " coalesce(json_extract(request, '$.negativePrompt'), '')"
                                   " WHERE json_valid(request)"),
                    QStringLiteral("CREATE TABLE run_samples ("
                                   " id INTEGER PRIMARY KEY,"
                                   " backend TEXT NOT NULL,"
                                   " kind TEXT NOT NULL,"
                                   " width INTEGER NOT NULL DEFAULT 0,"
                                   " height INTEGER NOT NULL DEFAULT 0,"
                                   " frames INTEGER NOT NULL DEFAULT 0,"
                                   " steps INTEGER NOT NULL DEFAULT 0,"
                                   " seconds_per_step REAL NOT NULL DEFAULT 0,"
                                   " post_seconds_per_frame REAL NOT NULL DEFAULT 0,"
                                   " total_seconds REAL NOT NULL DEFAULT 0,"
                                   " succeeded INTEGER NOT NULL DEFAULT 1,"
                                   " at INTEGER NOT NULL)"),
                    QStringLiteral("CREATE INDEX run_samples_lookup"
                                   " ON run_samples(backend, kind, succeeded, at)"),
                    QStringLiteral("DROP INDEX jobs_by_state"),
                    // The prompts ride along so short searches (too short for the trigram index)
                    // scan this index instead of every row with its request.
                    QStringLiteral("CREATE INDEX jobs_by_created"
                                   " ON jobs(created_at, id, prompt, negative_prompt)"),
                    QStringLiteral("CREATE INDEX jobs_by_state ON jobs(state, created_at, id)"),
                    QStringLiteral("CREATE INDEX jobs_by_kind ON jobs(kind, created_at, id)"),
                    QStringLiteral("CREATE INDEX jobs_by_backend"
                                   " ON jobs(backend, state, submitted_at, finished_at)"),
                    QStringLiteral("CREATE INDEX jobs_by_batch ON jobs(batch_id, batch_index)"),
                    QStringLiteral("CREATE INDEX jobs_queue ON jobs(priority DESC, position, id)"
                                   " WHERE state NOT IN " CV_TERMINAL),
                    QStringLiteral("CREATE INDEX jobs_cancel_requested ON jobs(id)"
                                   " WHERE cancel_requested <> 0 AND state NOT IN " CV_TERMINAL),
                    QStringLiteral("CREATE VIRTUAL TABLE jobs_text USING fts5(prompt,"
                                   " negative_prompt, content='jobs', content_rowid='id',"
                                   " tokenize='trigram')"),
                    QStringLiteral("INSERT INTO jobs_text(jobs_text) VALUES('rebuild')"),
                    QStringLiteral(
                            "CREATE TRIGGER jobs_text_delete AFTER DELETE ON jobs BEGIN"
                            " INSERT INTO jobs_text(jobs_text, rowid, prompt, negative_prompt)"
                            " VALUES ('delete', old.id, old.prompt, old.negative_prompt); END"),
                    QStringLiteral(
                            "CREATE TRIGGER jobs_text_update"
                            " AFTER UPDATE OF prompt, negative_prompt ON jobs BEGIN"
                            " INSERT INTO jobs_text(jobs_text, rowid, prompt, negative_prompt)"
                            " VALUES ('delete', old.id, old.prompt, old.negative_prompt);"
                            " INSERT INTO jobs_text(rowid, prompt, negative_prompt)"
                            " VALUES (new.id, new.prompt, new.negative_prompt); END"),
            }};
}

#undef CV_TERMINAL

bool exec(QSqlDatabase &db, const QString &sql, QSqlError *error)
{
    QSqlQuery query(db);
    if (query.exec(sql))
        return true;
    *error = query.lastError();
    return false;
}

std::expected<void, StoreError> apply(QSqlDatabase &db, const Migration &migration)
{
    QSqlError error;
    if (!exec(db, QStringLiteral("BEGIN IMMEDIATE"), &error))
        return std::unexpected(sqlError(error, db.databaseName()));
    // Another process (the GUI and a CLI command started together) may have migrated while
    // this one waited for the write lock.
    if (schemaVersion(db).value_or(0) >= migration.version) {
        exec(db, QStringLiteral("ROLLBACK"), &error);
        return {};
    }
    bool ok = true;
    for (const QString &statement : migration.statements) {
        if (!exec(db, statement, &error)) {
            ok = false;
            break;
        }
    }
    ok = ok && exec(db, QStringLiteral("PRAGMA user_version = %1").arg(migration.version), &error)
         && exec(db, QStringLiteral("COMMIT"), &error);
    if (ok)
        return {};
    QSqlError ignored;
    exec(db, QStringLiteral("ROLLBACK"), &ignored);
    StoreError failure = sqlError(error, db.databaseName());
    if (failure.kind != StoreError::Kind::DiskFull && failure.kind != StoreError::Kind::Corrupt) {
        failure.kind = StoreError::Kind::Migration;
        failure.message = QCoreApplication::translate("JobStore",
                                                      "Updating the job database %1 to version "
                                                      "%2 failed; it was left at version %3.")
                                  .arg(db.databaseName())
                                  .arg(migration.version)
                                  .arg(migration.version - 1);
    }
    return std::unexpected(failure);
}

} // namespace

const QList<Migration> &migrations()
{
    static const QList<Migration> all{migration1(), migration2()};
    return all;
}

int currentSchemaVersion()
{
    return migrations().constLast().version;
}

std::expected<int, StoreError> schemaVersion(QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return std::unexpected(sqlError(query.lastError(), db.databaseName()));
    return query.value(0).toInt();
}

std::expected<int, StoreError> migrate(QSqlDatabase &db, int toVersion)
{
    const int target = toVersion > 0 ? toVersion : currentSchemaVersion();
    auto version = schemaVersion(db);
    if (!version)
        return version;
    if (*version > currentSchemaVersion()) {
        return std::unexpected(makeError(
                StoreError::Kind::Migration,
                QCoreApplication::translate("JobStore",
                                            "The job database %1 was written by a newer version of "
                                            "ComfyVideo (schema %2; this version knows up to %3). "
                                            "Update ComfyVideo; the file was not changed.")
                        .arg(db.databaseName())
                        .arg(*version)
                        .arg(currentSchemaVersion())));
    }
    for (const Migration &migration : migrations()) {
        if (migration.version <= *version || migration.version > target)
            continue;
        if (auto applied = apply(db, migration); !applied)
            return std::unexpected(applied.error());
        *version = migration.version;
    }
    return *version;
}

} // namespace comfyvideo::storage
