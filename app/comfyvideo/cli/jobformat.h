#pragma once

#include "storage/jobrecord.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace comfyvideo::cli {

// How the jobs commands show jobs: a table and detail text for people, JSON for scripts (keys
// are stable; times are ISO 8601 UTC with milliseconds; the request is request::toJson's object).
class JobFormat
{
    Q_DECLARE_TR_FUNCTIONS(JobFormat)

public:
    // Header plus one line per job: ID, STATE, KIND, CREATED (local time), ATTEMPTS, BACKEND,
    // PROMPT (shortened to fit 100 columns).
    static QStringList table(const QList<storage::JobRecord> &jobs);
    // Every field, then the event log (oldest first).
    static QStringList details(const storage::JobRecord &job,
                               const QList<storage::JobEvent> &events);
    static QStringList stats(const storage::QueueStats &stats);

    static QJsonObject toJson(const storage::JobRecord &job);
    static QJsonObject toJson(const storage::JobEvent &event);
    static QJsonObject toJson(const storage::QueueStats &stats);

    // "127.0.0.1:8188" for "comfyui:http://127.0.0.1:8188"; other ids as they are.
    static QString backendLabel(const QString &backendId);
    // At most `width` characters, "…" at the end when cut; line breaks become spaces.
    static QString shortened(const QString &text, qsizetype width);
    static QString localTime(const QDateTime &utc); // "2026-11-24 09:15:02", "" when null
    static QString isoTime(const QDateTime &utc);   // "2026-11-24T08:15:02.123Z", "" when null
};

} // namespace comfyvideo::cli
