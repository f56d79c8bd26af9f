#include "cli/jobformat.h"

#include "request/requestjson.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTimeZone>
#include <QUrl>

#include <algorithm>

namespace comfyvideo::cli {

using storage::JobEvent;
using storage::JobRecord;

namespace {

constexpr qsizetype TableWidth = 100;
constexpr qsizetype MinPromptWidth = 24;
constexpr qsizetype MaxBackendWidth = 24;

QString row(const QStringList &cells, const QList<qsizetype> &widths)
{
    QString line;
    for (qsizetype i = 0; i < cells.size(); ++i) {
        if (i + 1 == cells.size())
            line += cells[i]; // the last column is not padded
        else
            line += cells[i].leftJustified(widths[i]) + u' ';
    }
    return line;
}

QString yesNo(bool value)
{
    return value ? JobFormat::tr("yes") : JobFormat::tr("no");
}

QString field(const QString &name, const QString &value)
{
    return QStringLiteral("  ") + QString(name + u':').leftJustified(18) + value;
}

QStringList requestLines(const request::GenerationRequest &r)
{
    QStringList lines;
    const QString models = QStringList{r.checkpoint, r.motionModule}.join(u' ').trimmed();
    if (r.kind == request::Kind::AnimateDiff) {
        lines << field(JobFormat::tr("prompt"), r.prompt);
        if (!r.negativePrompt.isEmpty())
            lines << field(JobFormat::tr("negative prompt"), r.negativePrompt);
    } else {
        lines << field(JobFormat::tr("start image"), r.referenceImage);
    }
    lines << field(JobFormat::tr("size"),
                   JobFormat::tr("%1x%2, %3 frames at %4 fps")
                           .arg(r.width)
                           .arg(r.height)
                           .arg(r.frames)
                           .arg(r.fps))
          << field(JobFormat::tr("sampling"),
                   JobFormat::tr("%1 steps, cfg %2, %3/%4, seed %5")
                           .arg(r.steps)
                           .arg(r.cfg)
                           .arg(r.sampler, r.scheduler, QString::number(r.seed)))
          << field(JobFormat::tr("models"),
                   models.isEmpty() ? JobFormat::tr("picked by the server") : models);
    return lines;
}

} // namespace

QStringList JobFormat::table(const QList<JobRecord> &jobs)
{
    QList<QStringList> rows{{tr("ID"),
                             tr("STATE"),
                             tr("KIND"),
                             tr("CREATED"),
                             tr("ATTEMPTS"),
                             tr("BACKEND"),
                             tr("PROMPT")}};
    for (const JobRecord &job : jobs) {
        rows << QStringList{QString::number(job.id),
                            storage::stateName(job.state),
                            job.kind,
                            localTime(job.createdAt).left(16),
                            QString::number(job.attempts),
                            shortened(backendLabel(job.backend), MaxBackendWidth),
                            job.request.kind == request::Kind::Svd
                                    ? QFileInfo(job.request.referenceImage).fileName()
                                    : job.prompt};
    }
    QList<qsizetype> widths(rows.constFirst().size(), 0);
    for (const QStringList &cells : std::as_const(rows)) {
        for (qsizetype i = 0; i + 1 < cells.size(); ++i)
            widths[i] = std::max(widths[i], cells[i].size());
    }
    qsizetype used = 0;
    for (qsizetype i = 0; i + 1 < widths.size(); ++i)
        used += widths[i] + 1;
    const qsizetype promptWidth = std::max(MinPromptWidth, TableWidth - used);
    QStringList lines;
    for (QStringList &cells : rows) {
        cells.last() = shortened(cells.last(), promptWidth);
        lines << row(cells, widths);
    }
    return lines;
}

QStringList JobFormat::details(const JobRecord &job, const QList<JobEvent> &events)
{
    QStringList lines{tr("Job %1").arg(job.id)};
    lines << field(tr("state"), storage::stateName(job.state)) << field(tr("kind"), job.kind);
    lines << requestLines(job.request);
    lines << field(tr("priority"), QString::number(job.priority));
    if (job.batchId != 0)
        lines << field(tr("batch"), tr("%1, job %2").arg(job.batchId).arg(job.batchIndex + 1));
    lines << field(tr("servers"),
                   job.chain.isEmpty() ? tr("any") : job.chain.join(QStringLiteral(", ")));
    if (!job.excludedBackends.isEmpty())
        lines << field(tr("excluded"), job.excludedBackends.join(QStringLiteral(", ")));
    lines << field(tr("backend"), job.backend) << field(tr("remote id"), job.remoteId)
          << field(tr("attempts"),
                   tr("%1 (%2 on this backend, at most %3 per backend)")
                           .arg(job.attempts)
                           .arg(job.backendAttempts)
                           .arg(job.maxAttempts))
          << field(tr("output"), job.outputPath);
    if (job.error)
        lines << field(tr("error"),
                       errors::kindName(job.error->kind) + QStringLiteral(": ")
                               + job.error->userMessage);
    lines << field(tr("cancel requested"), yesNo(job.cancelRequested))
          << field(tr("created"), localTime(job.createdAt))
          << field(tr("updated"), localTime(job.updatedAt))
          << field(tr("submitted"), localTime(job.submittedAt))
          << field(tr("finished"), localTime(job.finishedAt));
    if (job.notBefore.isValid())
        lines << field(tr("not before"), localTime(job.notBefore));
    lines << tr("Events:");
    for (const JobEvent &event : events) {
        lines << QStringLiteral("  %1  %2  %3  %4")
                         .arg(localTime(event.at),
                              event.type.leftJustified(10),
                              storage::stateName(event.state).leftJustified(11),
                              event.message.simplified());
    }
    return lines;
}

QStringList JobFormat::stats(const storage::QueueStats &stats)
{
    QStringList lines{field(tr("waiting"), QString::number(stats.waiting)),
                      field(tr("active"), QString::number(stats.active)),
                      field(tr("completed"), QString::number(stats.completed)),
                      field(tr("failed"), QString::number(stats.failed)),
                      field(tr("canceled"), QString::number(stats.canceled))};
    if (stats.backends.isEmpty())
        return lines;
    lines << tr("Per backend:");
    const QList<qsizetype> widths{32, 10, 8, 8};
    lines << QStringLiteral("  ")
                     + row({tr("BACKEND"),
                            tr("COMPLETED"),
                            tr("FAILED"),
                            tr("ACTIVE"),
                            tr("MEAN TIME")},
                           widths);
    for (const storage::BackendStats &b : stats.backends) {
        lines << QStringLiteral("  ")
                         + row({shortened(b.backend.isEmpty() ? tr("(none)") : b.backend, 32),
                                QString::number(b.completed),
                                QString::number(b.failed),
                                QString::number(b.active),
                                b.completed > 0 ? tr("%1 s").arg(b.meanSeconds, 0, 'f', 1)
                                                : QStringLiteral("-")},
                               widths);
    }
    return lines;
}

QJsonObject JobFormat::toJson(const JobRecord &job)
{
    QJsonObject object{
            {QStringLiteral("id"), job.id},
            {QStringLiteral("state"), storage::stateName(job.state)},
            {QStringLiteral("kind"), job.kind},
            {QStringLiteral("prompt"), job.prompt},
            {QStringLiteral("priority"), job.priority},
            {QStringLiteral("position"), job.position},
            {QStringLiteral("batchId"), job.batchId},
            {QStringLiteral("batchIndex"), job.batchIndex},
            {QStringLiteral("chain"), QJsonArray::fromStringList(job.chain)},
            {QStringLiteral("excludedBackends"), QJsonArray::fromStringList(job.excludedBackends)},
            {QStringLiteral("backend"), job.backend},
            {QStringLiteral("remoteId"), job.remoteId},
            {QStringLiteral("attempts"), job.attempts},
            {QStringLiteral("backendAttempts"), job.backendAttempts},
            {QStringLiteral("maxAttempts"), job.maxAttempts},
            {QStringLiteral("outputPath"), job.outputPath},
            {QStringLiteral("cancelRequested"), job.cancelRequested},
            {QStringLiteral("createdAt"), isoTime(job.createdAt)},
            {QStringLiteral("updatedAt"), isoTime(job.updatedAt)},
            {QStringLiteral("submittedAt"), isoTime(job.submittedAt)},
            {QStringLiteral("finishedAt"), isoTime(job.finishedAt)},
            {QStringLiteral("notBefore"), isoTime(job.notBefore)},
            {QStringLiteral("request"), request::toJson(job.request)},
    };
    object.insert(QStringLiteral("error"),
                  job.error ? QJsonValue(job.error->toJsonObject()) : QJsonValue());
    return object;
}

QJsonObject JobFormat::toJson(const JobEvent &event)
{
    return QJsonObject{{QStringLiteral("id"), event.id},
                       {QStringLiteral("jobId"), event.jobId},
                       {QStringLiteral("at"), isoTime(event.at)},
                       {QStringLiteral("type"), event.type},
                       {QStringLiteral("state"), storage::stateName(event.state)},
                       {QStringLiteral("message"), event.message},
                       {QStringLiteral("data"), event.data}};
}

QJsonObject JobFormat::toJson(const storage::QueueStats &stats)
{
    QJsonArray backends;
    for (const storage::BackendStats &b : stats.backends) {
        backends.append(QJsonObject{{QStringLiteral("backend"), b.backend},
                                    {QStringLiteral("completed"), b.completed},
                                    {QStringLiteral("failed"), b.failed},
                                    {QStringLiteral("active"), b.active},
                                    {QStringLiteral("meanSeconds"), b.meanSeconds}});
    }
    return QJsonObject{{QStringLiteral("waiting"), stats.waiting},
                       {QStringLiteral("active"), stats.active},
                       {QStringLiteral("completed"), stats.completed},
                       {QStringLiteral("failed"), stats.failed},
                       {QStringLiteral("canceled"), stats.canceled},
                       {QStringLiteral("backends"), backends}};
}

QString JobFormat::backendLabel(const QString &backendId)
{
    static constexpr QLatin1StringView Prefix("comfyui:");
    if (!backendId.startsWith(Prefix))
        return backendId;
    const QUrl url(backendId.mid(Prefix.size()));
    if (!url.isValid() || url.host().isEmpty())
        return backendId;
    const int port = url.port(url.scheme() == u"https" ? 443 : 80);
    return url.host() + u':' + QString::number(port) + url.path();
}

QString JobFormat::shortened(const QString &text, qsizetype width)
{
    const QString flat = text.simplified();
    if (flat.size() <= width)
        return flat;
    return flat.left(std::max<qsizetype>(0, width - 1)) + QChar(0x2026);
}

QString JobFormat::localTime(const QDateTime &utc)
{
    if (!utc.isValid())
        return {};
    return utc.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString JobFormat::isoTime(const QDateTime &utc)
{
    if (!utc.isValid())
        return {};
    return utc.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace comfyvideo::cli
