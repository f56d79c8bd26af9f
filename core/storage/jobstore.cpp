#include "storage/jobstore.h"

#include "storage/jobstoreworker.h"

#include <QPointer>
#include <QThread>

namespace comfyvideo::storage {

class JobStore::Private
{
public:
    QThread thread;
    JobStoreWorker *worker = nullptr; // lives on `thread`; deleted once it has stopped

    // Runs `work` on the worker thread after every earlier call, then `done` with its result
    // on the store's thread, unless the store is gone by then.
    template<typename T, typename Work>
    void post(JobStore *store, Reply<T> done, Work work)
    {
        QPointer<JobStore> guard(store);
        JobStoreWorker *target = worker;
        QMetaObject::invokeMethod(
                target,
                [store, guard, target, done = std::move(done), work = std::move(work)]() mutable {
                    std::expected<T, StoreError> result = work(*target);
                    // The store waits for this thread before it dies, so `store` is alive here;
                    // a result still queued when it dies is dropped with its other posted events.
                    QMetaObject::invokeMethod(
                            store,
                            [guard, done = std::move(done), result = std::move(result)]() {
                                if (guard && done)
                                    done(result);
                            },
                            Qt::QueuedConnection);
                },
                Qt::QueuedConnection);
    }
};

JobStore::JobStore(QString databasePath, QObject *parent)
    : JobStore(std::move(databasePath), Options{}, parent)
{}

JobStore::JobStore(QString databasePath, Options options, QObject *parent)
    : QObject(parent)
    , m_path(std::move(databasePath))
    , d(std::make_unique<Private>())
{
    d->worker = new JobStoreWorker(m_path, options);
    d->worker->moveToThread(&d->thread);
    d->thread.setObjectName(QStringLiteral("JobStore"));
    d->thread.start();
}

JobStore::~JobStore()
{
    // Queued after every call made so far: those finish (and are committed) first.
    JobStoreWorker *worker = d->worker;
    QThread *thread = &d->thread;
    QMetaObject::invokeMethod(
            worker,
            [worker, thread] {
                worker->close();
                thread->quit();
            },
            Qt::QueuedConnection);
    d->thread.wait();
    delete d->worker;
}

void JobStore::open(Reply<int> done)
{
    d->post(this, std::move(done), [](JobStoreWorker &w) { return w.open(); });
}

void JobStore::addJobs(QList<JobRecord> jobs, Reply<QList<JobRecord>> done)
{
    d->post(this, std::move(done), [jobs = std::move(jobs)](JobStoreWorker &w) mutable {
        return w.addJobs(std::move(jobs));
    });
}

void JobStore::newBatch(const QString &label, Reply<qint64> done)
{
    d->post(this, std::move(done), [label](JobStoreWorker &w) { return w.newBatch(label); });
}

void JobStore::update(qint64 jobId, JobUpdate update, Reply<JobRecord> done)
{
    d->post(this, std::move(done), [jobId, update = std::move(update)](JobStoreWorker &w) {
        return w.update(jobId, update);
    });
}

void JobStore::appendEvent(qint64 jobId,
                           const QString &type,
                           const QString &message,
                           const QJsonObject &data,
                           Reply<JobEvent> done)
{
    d->post(this, std::move(done), [jobId, type, message, data](JobStoreWorker &w) {
        return w.appendEvent(jobId, type, message, data);
    });
}

void JobStore::job(qint64 jobId, Reply<JobRecord> done)
{
    d->post(this, std::move(done), [jobId](JobStoreWorker &w) { return w.job(jobId); });
}

void JobStore::query(JobQuery query, Reply<JobPage> done)
{
    d->post(this, std::move(done), [query = std::move(query)](JobStoreWorker &w) {
        return w.query(query);
    });
}

void JobStore::events(qint64 jobId, Reply<QList<JobEvent>> done)
{
    d->post(this, std::move(done), [jobId](JobStoreWorker &w) { return w.events(jobId); });
}

void JobStore::unfinished(Reply<QList<JobRecord>> done)
{
    d->post(this, std::move(done), [](JobStoreWorker &w) { return w.unfinished(); });
}

void JobStore::stats(Reply<QueueStats> done)
{
    d->post(this, std::move(done), [](JobStoreWorker &w) { return w.stats(); });
}

void JobStore::dataVersion(Reply<qint64> done)
{
    d->post(this, std::move(done), [](JobStoreWorker &w) { return w.dataVersion(); });
}

void JobStore::cancelRequests(Reply<QList<qint64>> done)
{
    d->post(this, std::move(done), [](JobStoreWorker &w) { return w.cancelRequests(); });
}

void JobStore::addRunSample(RunSample sample, Reply<Nothing> done)
{
    d->post(this, std::move(done), [sample = std::move(sample)](JobStoreWorker &w) {
        return w.addRunSample(sample);
    });
}

void JobStore::runSamples(const QString &backend,
                          const QString &kind,
                          int limit,
                          Reply<QList<RunSample>> done)
{
    d->post(this, std::move(done), [backend, kind, limit](JobStoreWorker &w) {
        return w.runSamples(backend, kind, limit);
    });
}

void JobStore::moveBefore(qint64 jobId, qint64 beforeJobId, Reply<JobRecord> done)
{
    d->post(this, std::move(done), [jobId, beforeJobId](JobStoreWorker &w) {
        return w.moveBefore(jobId, beforeJobId);
    });
}

} // namespace comfyvideo::storage
