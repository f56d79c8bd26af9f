#include "storage/jobrow.h"

#include "request/requestjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlQuery>

namespace comfyvideo::storage::jobrow {

namespace {

Q_LOGGING_CATEGORY(lcStorage, "comfyvideo.storage")

request::GenerationRequest requestFrom(qint64 id, const QString &kind, const QByteArray &json)
{
    auto parsed = request::fromJsonText(json);
    if (parsed)
        return *parsed;
    // A row written by a newer build may hold fields this one does not know; keep what can
    // be read rather than losing the job from the history.
    qCWarning(lcStorage) << "job" << id << "has a request this version cannot fully read";
    request::Kind parsedKind = request::Kind::AnimateDiff;
    request::parseKind(kind, &parsedKind);
    return request::defaultRequest(parsedKind);
}

} // namespace

QString columns()
{
    return QStringLiteral(
            "id, state, request, kind, prompt, priority, position, batch_id, batch_index, chain,"
            " excluded_backends, backend, remote_id, attempts, backend_attempts, max_attempts,"
            " output_path, error, cancel_requested, created_at, updated_at, submitted_at,"
            " finished_at, not_before");
}

JobRecord fromQuery(const QSqlQuery &q)
{
    JobRecord job;
    job.id = q.value(0).toLongLong();
    job.state = parseState(q.value(1).toString()).value_or(JobState::Failed);
    job.kind = q.value(3).toString();
    job.request = requestFrom(job.id, job.kind, q.value(2).toString().toUtf8());
    job.prompt = q.value(4).toString();
    job.priority = q.value(5).toInt();
    job.position = q.value(6).toDouble();
    job.batchId = q.value(7).toLongLong();
    job.batchIndex = q.value(8).toInt();
    job.chain = listFrom(q.value(9).toString());
    job.excludedBackends = listFrom(q.value(10).toString());
    job.backend = q.value(11).toString();
    job.remoteId = q.value(12).toString();
    job.attempts = q.value(13).toInt();
    job.backendAttempts = q.value(14).toInt();
    job.maxAttempts = q.value(15).toInt();
    job.outputPath = q.value(16).toString();
    if (!q.value(17).isNull())
        job.error = errors::Error::fromJson(q.value(17).toString());
    job.cancelRequested = q.value(18).toInt() != 0;
    job.createdAt = timeFrom(q.value(19));
    job.updatedAt = timeFrom(q.value(20));
    job.submittedAt = timeFrom(q.value(21));
    job.finishedAt = timeFrom(q.value(22));
    job.notBefore = timeFrom(q.value(23));
    return job;
}

QString notTerminal()
{
    return QStringLiteral("state NOT IN ('completed','failed','canceled')");
}

QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

QVariant timeValue(const QDateTime &time)
{
    if (!time.isValid())
        return QVariant(QMetaType::fromType<qint64>());
    return time.toMSecsSinceEpoch();
}

QDateTime timeFrom(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString listText(const QStringList &list)
{
    return QString::fromUtf8(
            QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

QStringList listFrom(const QString &text)
{
    QStringList list;
    const QJsonArray array = QJsonDocument::fromJson(text.toUtf8()).array();
    for (const QJsonValue &value : array)
        list.append(value.toString());
    return list;
}

QVariant errorValue(const std::optional<errors::Error> &error)
{
    if (!error)
        return QVariant(QMetaType::fromType<QString>());
    return error->toJson();
}

QString eventColumns()
{
    return QStringLiteral("id, job_id, at, type, state, message, data");
}

JobEvent eventFromQuery(const QSqlQuery &q)
{
    JobEvent event;
    event.id = q.value(0).toLongLong();
    event.jobId = q.value(1).toLongLong();
    event.at = timeFrom(q.value(2));
    event.type = q.value(3).toString();
    event.state = parseState(q.value(4).toString()).value_or(JobState::Failed);
    event.message = q.value(5).toString();
    event.data = QJsonDocument::fromJson(q.value(6).toString().toUtf8()).object();
    return event;
}

} // namespace comfyvideo::storage::jobrow
