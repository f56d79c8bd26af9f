#include "sessionjobsmodel.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace comfyvideo::ui {

namespace {

// The smallest change of the overall fraction worth a repaint (0.5 %).
constexpr double kProgressStep = 0.005;

QString displayOf(const storage::JobRecord &job)
{
    if (job.request.kind == request::Kind::Svd) {
        const QString name = QFileInfo(job.request.referenceImage).fileName();
        return name.isEmpty() ? SessionJobsModel::tr("(no picture)") : name;
    }
    QString prompt = job.request.prompt.isEmpty() ? job.prompt : job.request.prompt;
    prompt = prompt.simplified();
    return prompt.isEmpty() ? SessionJobsModel::tr("(no prompt)") : prompt;
}

} // namespace

SessionJobsModel::SessionJobsModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int SessionJobsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

QString SessionJobsModel::stateText(storage::JobState state)
{
    return storage::stateDisplayName(state);
}

QString SessionJobsModel::summaryOf(const storage::JobRecord &job)
{
    const request::GenerationRequest &r = job.request;
    const QString kind = r.kind == request::Kind::Svd ? tr("SVD") : tr("AnimateDiff");
    // "%n frames" is a numerus string: translations (an English .ts too) give "1 frame".
    //: %1 kind, %2 "16 frames", %3 width, %4 height
    return tr("%1 · %2 · %3×%4")
            .arg(kind,
                 tr("%n frames", nullptr, r.frames),
                 QString::number(r.width),
                 QString::number(r.height));
}

double SessionJobsModel::progressOf(const storage::JobRecord &job) const
{
    if (!storage::isActive(job.state))
        return -1.0;
    return m_progress.value(job.id, 0.0);
}

QVariant SessionJobsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const storage::JobRecord &job = m_jobs.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayOf(job);
    case Qt::ToolTipRole: {
        QStringList lines{displayOf(job), summaryOf(job), stateText(job.state)};
        if (job.state == storage::JobState::Failed && job.error)
            lines << job.error->userMessage;
        return lines.join(u'\n');
    }
    case Qt::AccessibleTextRole:
        //: %1 state ("Running"), %2 prompt or picture name
        return tr("%1: %2").arg(stateText(job.state), displayOf(job));
    case JobIdRole:
        return job.id;
    case StateRole:
        return int(job.state);
    case StateTextRole:
        return stateText(job.state);
    case ProgressRole:
        return progressOf(job);
    case SummaryRole:
        return summaryOf(job);
    case RecordRole:
        return QVariant::fromValue(job);
    default:
        return {};
    }
}

QHash<int, QByteArray> SessionJobsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(JobIdRole, "jobId");
    names.insert(StateRole, "state");
    names.insert(StateTextRole, "stateText");
    names.insert(ProgressRole, "progress");
    names.insert(SummaryRole, "summary");
    names.insert(RecordRole, "record");
    return names;
}

int SessionJobsModel::insertionRow(qint64 jobId) const
{
    // Newest first: ids descending.
    const auto it = std::lower_bound(
            m_jobs.cbegin(), m_jobs.cend(), jobId, [](const storage::JobRecord &job, qint64 id) {
                return job.id > id;
            });
    return int(it - m_jobs.cbegin());
}

int SessionJobsModel::rowOf(qint64 jobId) const
{
    const int row = insertionRow(jobId);
    return row < m_jobs.size() && m_jobs.at(row).id == jobId ? row : -1;
}

const storage::JobRecord *SessionJobsModel::job(qint64 jobId) const
{
    const int row = rowOf(jobId);
    return row < 0 ? nullptr : &m_jobs.at(row);
}

void SessionJobsModel::upsert(const storage::JobRecord &job)
{
    if (job.id <= 0)
        return; // not stored yet: no stable row
    const int row = insertionRow(job.id);
    const bool known = row < m_jobs.size() && m_jobs.at(row).id == job.id;
    // A finished job has no progress; a job sent back to the queue (a retry) starts over.
    if (storage::isTerminal(job.state)
        || (known && job.state == storage::JobState::Queued
            && m_jobs.at(row).state != storage::JobState::Queued))
        m_progress.remove(job.id);
    if (known) {
        if (m_jobs.at(row) == job)
            return;
        m_jobs[row] = job;
        const QModelIndex changed = index(row);
        emit dataChanged(changed, changed);
        return;
    }
    beginInsertRows({}, row, row);
    m_jobs.insert(row, job);
    endInsertRows();
}

void SessionJobsModel::setProgress(qint64 jobId, const backends::JobProgress &progress)
{
    const int row = rowOf(jobId);
    if (row < 0 || storage::isTerminal(m_jobs.at(row).state))
        return;
    const double value = std::clamp(progress.overall, 0.0, 1.0);
    const auto known = m_progress.constFind(jobId);
    if (known != m_progress.cend()) {
        const double shown = *known;
        const bool reachedEnd = value >= 1.0 && shown < 1.0;
        if (std::abs(value - shown) < kProgressStep && !reachedEnd)
            return;
    }
    m_progress.insert(jobId, value);
    if (!storage::isActive(m_jobs.at(row).state))
        return; // remembered, shown once the job is active
    const QModelIndex changed = index(row);
    emit dataChanged(changed, changed, {ProgressRole});
}

} // namespace comfyvideo::ui
