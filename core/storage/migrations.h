#pragma once

#include "storage/jobrecord.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <expected>

class QSqlDatabase;

namespace comfyvideo::storage {

// One forward step of the schema. `version` is the PRAGMA user_version after it; the
// statements run in one transaction together with the version bump. Migrations are never
// edited once released: a change to the schema is a new migration at the end of the list.
struct Migration
{
    int version = 0;
    QString description;
    QStringList statements;
};

// Every migration, in order (versions 1, 2, ...).
const QList<Migration> &migrations();
// The schema version this build writes (the last migration's).
int currentSchemaVersion();

// Reads PRAGMA user_version. Reading never writes to the file.
std::expected<int, StoreError> schemaVersion(QSqlDatabase &db);

// Runs the migrations above `fromVersion` up to `toVersion` (default: current), each in its
// own transaction. Refuses (Migration) a database newer than this build without writing.
std::expected<int, StoreError> migrate(QSqlDatabase &db, int toVersion = 0);

} // namespace comfyvideo::storage
