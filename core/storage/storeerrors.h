#pragma once

#include "storage/jobrecord.h"

#include <QString>

class QSqlError;

namespace comfyvideo::storage {

// Turns a failed SQLite call into a StoreError with an actionable, translated message:
// SQLITE_FULL -> DiskFull naming the folder, READONLY/PERM/CANTOPEN/IOERR -> Io (or Open)
// naming the file, NOTADB/CORRUPT -> Corrupt. `databasePath` is the store's file.
StoreError sqlError(const QSqlError &error, const QString &databasePath);

// The primary SQLite result code in a QSqlError (0 when there is none).
int sqliteCode(const QSqlError &error);

StoreError makeError(StoreError::Kind kind, const QString &message, const QString &detail = {});
StoreError notFound(qint64 jobId);
StoreError notOpen(const QString &databasePath);

} // namespace comfyvideo::storage
