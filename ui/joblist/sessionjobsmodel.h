#pragma once

#include "backends/backend.h"
#include "storage/jobrecord.h"

#include <QAbstractListModel>

namespace comfyvideo::ui {

// The session's jobs (issue 6), newest first: the jobs this window added, plus jobs still
// unfinished from earlier (the window adds those at start). One row per job id; upsert() keeps
// the row and updates it. Progress is the coalesced overall fraction for active jobs.
class SessionJobsModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        JobIdRole = Qt::UserRole + 1,
        StateRole,     // storage::JobState as int
        StateTextRole, // translated ("Running", "Done", ...)
        ProgressRole,  // 0..1 (double); -1 when not active
        SummaryRole,   // "AnimateDiff · 16 frames · 512×512" (translated)
        RecordRole,    // the whole storage::JobRecord (QVariant)
    };

    explicit SessionJobsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void upsert(const storage::JobRecord &job);
    void setProgress(qint64 jobId, const backends::JobProgress &progress);
    const storage::JobRecord *job(qint64 jobId) const; // nullptr when not in the session
    int rowOf(qint64 jobId) const;                     // -1 when absent

private:
    QList<storage::JobRecord> m_jobs;
    QHash<qint64, double> m_progress;
};

} // namespace comfyvideo::ui
