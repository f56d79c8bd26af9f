#pragma once

#include "storage/jobrecord.h"

#include <QObject>
#include <QString>
#include <expected>
#include <functional>
#include <memory>

namespace comfyvideo::storage {

class JobStoreWorker;

// The persistent job queue and history: one SQLite file in WAL mode (synchronous=NORMAL is not
// enough for "committed before announced" across power loss, so FULL), a schema version
// (PRAGMA user_version) and numbered forward migrations (migrations.h).
//
// Every call runs on the store's own worker thread, in the order the calls were made; the
// callback then runs on the thread that owns the JobStore (the GUI thread never waits on
// SQLite). A callback never runs synchronously inside the call, and not at all after the
// JobStore is destroyed. The destructor finishes queued writes before it returns.
class JobStore : public QObject
{
    Q_OBJECT
public:
    template<typename T>
    using Reply = std::function<void(std::expected<T, StoreError>)>;
    struct Nothing
    {
    };
    struct Options
    {
        int busyTimeoutMs = 5000; // how long to wait for another process's write lock
        // Caps the file at this many pages (PRAGMA max_page_count; 0: no cap). A write that
        // would grow it further fails with DiskFull, as on a full disk (tests use this).
        qint64 maxPageCount = 0;
    };

    explicit JobStore(QString databasePath, QObject *parent = nullptr);
    JobStore(QString databasePath, Options options, QObject *parent = nullptr);
    ~JobStore() override;

    QString databasePath() const { return m_path; }

    // Opens (creating the file and its folder when missing) and migrates to the current
    // schema. A database with a newer schema than this build knows fails with Migration and is
    // not touched. Must be called (and answered) before anything else.
    void open(Reply<int> done); // the schema version after migration

    // Inserts jobs in one transaction, each with a "created" event. Ids, createdAt/updatedAt,
    // kind and prompt are filled in; position defaults to after every queued job.
    void addJobs(QList<JobRecord> jobs, Reply<QList<JobRecord>> done);
    // A new batch id for jobs that belong together (a seed sweep, a list of prompts).
    void newBatch(const QString &label, Reply<qint64> done);

    // Applies `update` and appends its event in one transaction; answers the job as stored.
    void update(qint64 jobId, JobUpdate update, Reply<JobRecord> done);
    // Appends an event without changing the job (notes, progress milestones).
    void appendEvent(qint64 jobId,
                     const QString &type,
                     const QString &message,
                     const QJsonObject &data,
                     Reply<JobEvent> done);

    void job(qint64 jobId, Reply<JobRecord> done); // NotFound when there is none
    void query(JobQuery query, Reply<JobPage> done);
    void events(qint64 jobId, Reply<QList<JobEvent>> done); // oldest first
    // Jobs not in a terminal state, in queue order (priority desc, position asc, id asc).
    void unfinished(Reply<QList<JobRecord>> done);
    void stats(Reply<QueueStats> done);
    // Ids of non-terminal jobs with cancelRequested set (a scheduler polls this ~once a second;
    // must be cheap: indexed).
    void cancelRequests(Reply<QList<qint64>> done);
    // SQLite's PRAGMA data_version: changes when another connection (another process, or another
    // JobStore on the same file) commits, never for this store's own writes. Cheap; a scheduler
    // polls it to notice jobs queued or retried elsewhere.
    void dataVersion(Reply<qint64> done);

    void addRunSample(RunSample sample, Reply<Nothing> done);
    // The latest `limit` successful samples of `backend` for `kind`, newest first.
    void runSamples(const QString &backend,
                    const QString &kind,
                    int limit,
                    Reply<QList<RunSample>> done);

    // Moves `jobId` just before `beforeJobId` in the queue (same priority; takes its priority),
    // or to the end when beforeJobId is 0.
    void moveBefore(qint64 jobId, qint64 beforeJobId, Reply<JobRecord> done);

private:
    QString m_path;
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace comfyvideo::storage
