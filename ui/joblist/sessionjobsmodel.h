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

    // Inserts in id order (newest first) or updates the row in place (dataChanged for that row
    // only; nothing when the record is unchanged). Terminal states drop the job's progress, and
    // so does a return to Queued (a retry starts over).
    // Records without an id (not stored yet) are ignored.
    void upsert(const storage::JobRecord &job);
    // Remembers the overall fraction of a non-terminal job; dataChanged(ProgressRole) only when
    // it moved by at least 0.5 % (or reached 1.0), and only while the job is active.
    void setProgress(qint64 jobId, const backends::JobProgress &progress);
    // nullptr when not in the session; valid until the next upsert().
    const storage::JobRecord *job(qint64 jobId) const;
    int rowOf(qint64 jobId) const; // -1 when absent

    static QString stateText(storage::JobState state);       // translated ("Running", ...)
    static QString summaryOf(const storage::JobRecord &job); // "AnimateDiff · 16 frames · ..."

private:
    int insertionRow(qint64 jobId) const; // where jobId is or would go (ids descending)
    double progressOf(const storage::JobRecord &job) const;

    QList<storage::JobRecord> m_jobs;
    QHash<qint64, double> m_progress;
};

} // namespace comfyvideo::ui
