#pragma once

#include "storage/jobrecord.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QVariant>

class QSqlQuery;

// How a JobRecord maps to a row of `jobs` (and events / run samples to theirs). Timestamps
// are stored as UTC milliseconds since the epoch (NULL for a null QDateTime), the request as
// request::toJsonText, the error as errors::Error::toJson, string lists as JSON arrays and
// states by stateName().
namespace comfyvideo::storage::jobrow {

// The columns read by fromQuery(), in order, for "SELECT <columns> FROM jobs".
QString columns();
JobRecord fromQuery(const QSqlQuery &query);

// The non-terminal condition, spelt exactly like the partial indexes' WHERE clause.
QString notTerminal();

// Qt binds a null QString as NULL; the text columns are NOT NULL, so bind "" instead.
QVariant text(const QString &value);

QVariant timeValue(const QDateTime &time);
QDateTime timeFrom(const QVariant &value);
qint64 nowMs();

QString listText(const QStringList &list);
QStringList listFrom(const QString &text);

QVariant errorValue(const std::optional<errors::Error> &error);

JobEvent eventFromQuery(const QSqlQuery &query); // id, job_id, at, type, state, message, data
QString eventColumns();

} // namespace comfyvideo::storage::jobrow
