// The writer that tst_jobstorecrash kills: adds jobs and completes them in a loop, printing
// every id whose write was acknowledged ("added 12", "completed 12"), flushed at once, until
// it is killed.
#include "storage/jobstore.h"

#include <QCoreApplication>
#include <cstdio>

using namespace comfyvideo;
using namespace comfyvideo::storage;

namespace {

void say(const char *what, qint64 id)
{
    std::printf("%s %lld\n", what, static_cast<long long>(id));
    std::fflush(stdout);
}

class Writer
{
public:
    explicit Writer(JobStore *store)
        : m_store(store)
    {}

    void next()
    {
        QList<JobRecord> jobs;
        for (int i = 0; i < 3; ++i) {
            JobRecord job;
            job.request.prompt = QStringLiteral("crash test job %1").arg(++m_count);
            jobs.append(job);
        }
        m_store->addJobs(jobs, [this](std::expected<QList<JobRecord>, StoreError> added) {
            if (!added) {
                std::fprintf(stderr, "add failed: %s\n", qPrintable(added.error().detail));
                QCoreApplication::exit(1);
                return;
            }
            for (const JobRecord &job : *added)
                say("added", job.id);
            complete(added->first().id);
        });
    }

private:
    void complete(qint64 id)
    {
        JobUpdate update;
        update.state = JobState::Completed;
        update.outputPath = QStringLiteral("/videos/%1.mp4").arg(id);
        m_store->update(id, update, [this, id](std::expected<JobRecord, StoreError> done) {
            if (done)
                say("completed", id);
            next();
        });
    }

    JobStore *m_store;
    int m_count = 0;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: storage_crash_child DATABASE\n");
        return 2;
    }
    JobStore store(QString::fromLocal8Bit(argv[1]));
    Writer writer(&store);
    store.open([&writer](std::expected<int, StoreError> opened) {
        if (!opened) {
            std::fprintf(stderr, "open failed: %s\n", qPrintable(opened.error().message));
            QCoreApplication::exit(1);
            return;
        }
        writer.next();
    });
    return app.exec();
}
