// The writing half of JobStoreWorker: every function is one IMMEDIATE transaction.
#include "storage/jobrow.h"
#include "storage/jobstoreworker.h"

#include "request/requestjson.h"

#include <QCoreApplication>

namespace comfyvideo::storage {

namespace {

constexpr double MinimumGap = 1e-6; // positions closer than this are renumbered

QString insertJobSql()
{
    return QStringLiteral(
            "INSERT INTO jobs (state, request, kind, prompt, negative_prompt, priority, position,"
            " batch_id, batch_index, chain, excluded_backends, backend, remote_id, attempts,"
            " backend_attempts, max_attempts, output_path, error, cancel_requested, created_at,"
            " updated_at, submitted_at, finished_at, not_before)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
}

void bindJob(QSqlQuery &query, const JobRecord &job)
{
    const QVariantList values{
            stateName(job.state),
            QString::fromUtf8(request::toJsonText(job.request)),
            jobrow::text(job.kind),
            jobrow::text(job.prompt),
            jobrow::text(job.request.negativePrompt),
            job.priority,
            job.position,
            job.batchId > 0 ? QVariant(job.batchId) : QVariant(QMetaType::fromType<qint64>()),
            job.batchIndex,
            jobrow::listText(job.chain),
            jobrow::listText(job.excludedBackends),
            jobrow::text(job.backend),
            jobrow::text(job.remoteId),
            job.attempts,
            job.backendAttempts,
            job.maxAttempts,
            jobrow::text(job.outputPath),
            jobrow::errorValue(job.error),
            job.cancelRequested ? 1 : 0,
            jobrow::timeValue(job.createdAt),
            jobrow::timeValue(job.updatedAt),
            jobrow::timeValue(job.submittedAt),
            jobrow::timeValue(job.finishedAt),
            jobrow::timeValue(job.notBefore),
    };
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values.at(i));
}

// The next updated_at: now, but always later than the previous one.
qint64 nextUpdate(const JobRecord &job)
{
    return std::max(jobrow::nowMs(), job.updatedAt.toMSecsSinceEpoch() + 1);
}

QString statesText(const QList<JobState> &states)
{
    QStringList names;
    for (JobState state : states)
        names.append(stateName(state));
    return names.join(QLatin1String(", "));
}

// The "column = ?" list and values of the fields `u` sets.
std::pair<QStringList, QVariantList> assignments(const JobUpdate &u)
{
    QStringList sets;
    QVariantList values;
    auto set = [&](const char *column, const QVariant &value) {
        sets.append(QLatin1String(column) + QLatin1String(" = ?"));
        values.append(value);
    };
    if (u.state)
        set("state", stateName(*u.state));
    if (u.backend)
        set("backend", jobrow::text(*u.backend));
    if (u.remoteId)
        set("remote_id", jobrow::text(*u.remoteId));
    if (u.attempts)
        set("attempts", *u.attempts);
    if (u.backendAttempts)
        set("backend_attempts", *u.backendAttempts);
    if (u.excludedBackends)
        set("excluded_backends", jobrow::listText(*u.excludedBackends));
    if (u.chain)
        set("chain", jobrow::listText(*u.chain));
    if (u.outputPath)
        set("output_path", jobrow::text(*u.outputPath));
    if (u.error)
        set("error", jobrow::errorValue(*u.error));
    if (u.submittedAt)
        set("submitted_at", jobrow::timeValue(*u.submittedAt));
    if (u.finishedAt)
        set("finished_at", jobrow::timeValue(*u.finishedAt));
    if (u.notBefore)
        set("not_before", jobrow::timeValue(*u.notBefore));
    if (u.priority)
        set("priority", *u.priority);
    if (u.position)
        set("position", *u.position);
    if (u.maxAttempts)
        set("max_attempts", *u.maxAttempts);
    if (u.cancelRequested)
        set("cancel_requested", *u.cancelRequested ? 1 : 0);
    return {sets, values};
}

} // namespace

std::expected<QList<JobRecord>, StoreError> JobStoreWorker::addJobs(QList<JobRecord> jobs)
{
    return transact(true, [&]() -> std::expected<QList<JobRecord>, StoreError> {
        auto end = endPosition(std::nullopt);
        if (!end)
            return std::unexpected(end.error());
        double next = *end;
        const QDateTime now = jobrow::timeFrom(jobrow::nowMs());
        auto prepared = this->prepared(m_insertJob, insertJobSql());
        if (!prepared)
            return std::unexpected(prepared.error());
        QSqlQuery &insert = **prepared;
        for (JobRecord &job : jobs) {
            job.kind = request::kindName(job.request.kind);
            job.prompt = job.request.prompt;
            if (!job.createdAt.isValid())
                job.createdAt = now;
            job.updatedAt = now;
            if (job.position == 0)
                job.position = next++;
            else if (!isTerminal(job.state))
                next = std::max(next, job.position + 1);
            bindJob(insert, job);
            if (!insert.exec())
                return std::unexpected(lastError(insert));
            job.id = insert.lastInsertId().toLongLong();
            insert.finish();
            auto event = insertEvent(job.id,
                                     now.toMSecsSinceEpoch(),
                                     QStringLiteral("created"),
                                     job.state,
                                     QStringLiteral("Job created"),
                                     {});
            if (!event)
                return std::unexpected(event.error());
        }
        if (auto indexed = indexText(jobs); !indexed)
            return std::unexpected(indexed.error());
        return jobs;
    });
}

std::expected<void, StoreError> JobStoreWorker::indexText(const QList<JobRecord> &jobs)
{
    if (jobs.isEmpty())
        return {};
    // The ids of one transaction's inserts are consecutive (the write lock is held).
    auto query = run(QStringLiteral("INSERT INTO jobs_text (rowid, prompt, negative_prompt)"
                                    " SELECT id, prompt, negative_prompt FROM jobs"
                                    " WHERE id BETWEEN ? AND ?"),
                     {jobs.constFirst().id, jobs.constLast().id});
    if (!query)
        return std::unexpected(query.error());
    return {};
}

std::expected<qint64, StoreError> JobStoreWorker::newBatch(const QString &label)
{
    return transact(true, [&]() -> std::expected<qint64, StoreError> {
        auto query = run(QStringLiteral("INSERT INTO batches (label, created_at) VALUES (?, ?)"),
                         {jobrow::text(label), jobrow::nowMs()});
        if (!query)
            return std::unexpected(query.error());
        return query->lastInsertId().toLongLong();
    });
}

std::expected<JobRecord, StoreError> JobStoreWorker::update(qint64 jobId, const JobUpdate &u)
{
    return transact(true, [&]() -> std::expected<JobRecord, StoreError> {
        auto current = readJob(jobId);
        if (!current)
            return current;
        if (!u.expectedStates.isEmpty() && !u.expectedStates.contains(current->state)) {
            return std::unexpected(makeError(
                    StoreError::Kind::Conflict,
                    QCoreApplication::translate(
                            "JobStore", "Job %1 is %2 now, not %3: the change was not made.")
                            .arg(jobId)
                            .arg(stateName(current->state), statesText(u.expectedStates))));
        }
        auto [sets, values] = assignments(u);
        const qint64 updated = nextUpdate(*current);
        sets.append(QStringLiteral("updated_at = ?"));
        values.append(updated);
        values.append(jobId);
        auto query = run(QStringLiteral("UPDATE jobs SET ") + sets.join(QLatin1String(", "))
                                 + QStringLiteral(" WHERE id = ?"),
                         values);
        if (!query)
            return std::unexpected(query.error());
        auto event = insertEvent(jobId,
                                 updated,
                                 u.eventType,
                                 u.state.value_or(current->state),
                                 u.eventMessage,
                                 u.eventData);
        if (!event)
            return std::unexpected(event.error());
        return readJob(jobId);
    });
}

std::expected<JobEvent, StoreError> JobStoreWorker::appendEvent(qint64 jobId,
                                                                const QString &type,
                                                                const QString &message,
                                                                const QJsonObject &data)
{
    return transact(true, [&]() -> std::expected<JobEvent, StoreError> {
        auto query = run(QStringLiteral("SELECT state FROM jobs WHERE id = ?"), {jobId});
        if (!query)
            return std::unexpected(query.error());
        if (!query->next())
            return std::unexpected(notFound(jobId));
        const JobState state = parseState(query->value(0).toString()).value_or(JobState::Failed);
        return insertEvent(jobId, jobrow::nowMs(), type, state, message, data);
    });
}

std::expected<JobRecord, StoreError> JobStoreWorker::moveBefore(qint64 jobId, qint64 beforeJobId)
{
    return transact(true, [&]() -> std::expected<JobRecord, StoreError> {
        auto moving = readJob(jobId);
        if (!moving || beforeJobId == jobId)
            return moving;
        int priority = moving->priority;
        std::expected<double, StoreError> position;
        if (beforeJobId == 0) {
            position = endPosition(priority);
        } else {
            auto before = readJob(beforeJobId);
            if (!before)
                return std::unexpected(before.error());
            priority = before->priority;
            position = positionBefore(*before, jobId);
        }
        if (!position)
            return std::unexpected(position.error());
        const qint64 updated = nextUpdate(*moving);
        auto query = run(QStringLiteral("UPDATE jobs SET priority = ?, position = ?, updated_at = ?"
                                        " WHERE id = ?"),
                         {priority, *position, updated, jobId});
        if (!query)
            return std::unexpected(query.error());
        auto event = insertEvent(jobId,
                                 updated,
                                 QStringLiteral("moved"),
                                 moving->state,
                                 QStringLiteral("Moved in the queue"),
                                 {{QStringLiteral("before"), beforeJobId}});
        if (!event)
            return std::unexpected(event.error());
        return readJob(jobId);
    });
}

std::expected<double, StoreError> JobStoreWorker::endPosition(std::optional<int> priority)
{
    QString sql = QStringLiteral("SELECT coalesce(max(position), 0) + 1 FROM jobs WHERE ")
                  + jobrow::notTerminal();
    QVariantList values;
    if (priority) {
        sql += QStringLiteral(" AND priority = ?");
        values.append(*priority);
    }
    auto query = run(sql, values);
    if (!query)
        return std::unexpected(query.error());
    query->next();
    return query->value(0).toDouble();
}

std::expected<double, StoreError> JobStoreWorker::positionBefore(const JobRecord &before,
                                                                 qint64 movingId)
{
    for (int round = 0; round < 2; ++round) {
        auto current = run(QStringLiteral("SELECT position FROM jobs WHERE id = ?"), {before.id});
        if (!current)
            return std::unexpected(current.error());
        current->next();
        const double target = current->value(0).toDouble();
        auto query = run(QStringLiteral("SELECT position FROM jobs WHERE ") + jobrow::notTerminal()
                                 + QStringLiteral(" AND priority = ? AND id <> ? AND id <> ?"
                                                  " AND (position < ? OR (position = ? AND id < ?))"
                                                  " ORDER BY position DESC, id DESC LIMIT 1"),
                         {before.priority, movingId, before.id, target, target, before.id});
        if (!query)
            return std::unexpected(query.error());
        if (!query->next())
            return target - 1;
        const double previous = query->value(0).toDouble();
        if (target - previous > MinimumGap)
            return (previous + target) / 2;
        if (round == 0) {
            if (auto renumbered = renumber(before.priority); !renumbered)
                return std::unexpected(renumbered.error());
        }
    }
    return std::unexpected(makeError(StoreError::Kind::Conflict,
                                     QCoreApplication::translate("JobStore",
                                                                 "The queue order could not be "
                                                                 "changed.")));
}

std::expected<void, StoreError> JobStoreWorker::renumber(int priority)
{
    auto ids = run(QStringLiteral("SELECT id FROM jobs WHERE ") + jobrow::notTerminal()
                           + QStringLiteral(" AND priority = ? ORDER BY position, id"),
                   {priority});
    if (!ids)
        return std::unexpected(ids.error());
    QList<qint64> order;
    while (ids->next())
        order.append(ids->value(0).toLongLong());
    for (int i = 0; i < order.size(); ++i) {
        auto query = run(QStringLiteral("UPDATE jobs SET position = ? WHERE id = ?"),
                         {double(i + 1), order.at(i)});
        if (!query)
            return std::unexpected(query.error());
    }
    return {};
}

std::expected<JobStore::Nothing, StoreError> JobStoreWorker::addRunSample(const RunSample &s)
{
    return transact(true, [&]() -> std::expected<JobStore::Nothing, StoreError> {
        const QDateTime at = s.at.isValid() ? s.at : jobrow::timeFrom(jobrow::nowMs());
        auto query = run(
                QStringLiteral("INSERT INTO run_samples (backend, kind, width, height, frames,"
                               " steps, seconds_per_step, post_seconds_per_frame, total_seconds,"
                               " succeeded, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                {jobrow::text(s.backend),
                 jobrow::text(s.kind),
                 s.width,
                 s.height,
                 s.frames,
                 s.steps,
                 s.secondsPerStep,
                 s.postSecondsPerFrame,
                 s.totalSeconds,
                 s.succeeded ? 1 : 0,
                 jobrow::timeValue(at)});
        if (!query)
            return std::unexpected(query.error());
        return JobStore::Nothing{};
    });
}

} // namespace comfyvideo::storage
