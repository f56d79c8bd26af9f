#pragma once

#include "fakes/scriptedbackend.h"
#include "jobs/scheduler.h"
#include "storage/jobstore.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <optional>

// Shared by the scheduler tests: a real JobStore on a temporary file, ScriptedBackends, and a
// record of everything the scheduler announced.
namespace comfyvideo::tests {

using namespace std::chrono_literals;
using storage::JobRecord;
using storage::JobState;

// Calls `start(reply)` and waits (the event loop runs) for the reply.
template<typename T, typename Start>
std::expected<T, storage::StoreError> await(Start start, int timeoutMs = 20000)
{
    auto result = std::make_shared<std::optional<std::expected<T, storage::StoreError>>>();
    start([result](std::expected<T, storage::StoreError> r) { *result = std::move(r); });
    if (!QTest::qWaitFor([&] { return result->has_value(); }, timeoutMs))
        return std::unexpected(storage::StoreError{storage::StoreError::Kind::Io, {}, {}});
    return **result;
}

inline jobs::Scheduler::Options fastOptions(const QString &outputDirectory)
{
    jobs::Scheduler::Options o;
    o.overallTimeout = 20s;
    o.stallTimeout = 10s;
    o.retryBaseDelay = 20ms;
    o.retryMaxDelay = 100ms;
    o.cancelGrace = 300ms;
    o.assessmentTtl = 50ms;
    o.outputDirectory = outputDirectory;
    return o;
}

inline JobRecord makeJob(const QString &prompt, int priority = 0)
{
    JobRecord job;
    job.request = request::defaultRequest(request::Kind::AnimateDiff);
    job.request.prompt = prompt;
    job.priority = priority;
    return job;
}

class StoreFixture
{
public:
    StoreFixture()
    {
        QDir(m_dir.path()).mkpath(QStringLiteral("out"));
        m_store = std::make_unique<storage::JobStore>(path());
    }
    bool open()
    {
        return m_store && await<int>([&](auto d) { m_store->open(d); }).has_value();
    }
    // A new JobStore on the same file (as after an application restart).
    bool reopen()
    {
        m_store.reset();
        m_store = std::make_unique<storage::JobStore>(path());
        return open();
    }
    QString path() const { return m_dir.filePath(QStringLiteral("jobs.sqlite")); }
    QString outputDirectory() const { return m_dir.filePath(QStringLiteral("out")); }
    storage::JobStore *store() { return m_store.get(); }

    JobRecord job(qint64 id)
    {
        return await<JobRecord>([&](auto d) { m_store->job(id, d); }).value_or(JobRecord{});
    }
    QList<storage::JobEvent> events(qint64 id)
    {
        return await<QList<storage::JobEvent>>([&](auto d) { m_store->events(id, d); })
                .value_or(QList<storage::JobEvent>{});
    }
    int eventCount(qint64 id, const QString &type, std::optional<JobState> state = {})
    {
        int n = 0;
        for (const auto &e : events(id))
            n += e.type == type && (!state || e.state == *state) ? 1 : 0;
        return n;
    }
    QList<JobState> eventStates(qint64 id)
    {
        QList<JobState> states;
        for (const auto &e : events(id)) {
            if (states.isEmpty() || states.last() != e.state)
                states << e.state;
        }
        return states;
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<storage::JobStore> m_store;
};

// Everything a scheduler announced, per job.
class Recorder : public QObject
{
public:
    explicit Recorder(jobs::Scheduler *scheduler)
    {
        connect(scheduler, &jobs::Scheduler::jobChanged, this, [this](const JobRecord &r) {
            m_latest.insert(r.id, r);
            if (m_states[r.id].isEmpty() || m_states[r.id].last() != r.state)
                m_states[r.id] << r.state;
        });
        connect(scheduler, &jobs::Scheduler::jobProgress, this, [this](qint64 id, const auto &p) {
            m_progress[id] << p;
        });
        connect(scheduler, &jobs::Scheduler::idle, this, [this] { ++m_idle; });
    }
    JobRecord latest(qint64 id) const { return m_latest.value(id); }
    JobState state(qint64 id) const { return m_latest.value(id).state; }
    QList<JobState> states(qint64 id) const { return m_states.value(id); }
    QList<backends::JobProgress> progress(qint64 id) const { return m_progress.value(id); }
    int idleCount() const { return m_idle; }
    bool waitState(qint64 id, JobState state, int timeoutMs = 10000)
    {
        return QTest::qWaitFor([&] { return m_latest.value(id).state == state; }, timeoutMs);
    }
    // Waits until idle() was emitted at least `count` times in all.
    bool waitIdles(int count, int timeoutMs = 15000)
    {
        return QTest::qWaitFor([&] { return m_idle >= count; }, timeoutMs);
    }

private:
    QHash<qint64, JobRecord> m_latest;
    QHash<qint64, QList<JobState>> m_states;
    QHash<qint64, QList<backends::JobProgress>> m_progress;
    int m_idle = 0;
};

// Enqueues and waits for the ids.
inline QList<qint64> enqueue(jobs::Scheduler &scheduler, QList<JobRecord> jobs)
{
    const auto added
            = await<QList<JobRecord>>([&](auto d) { scheduler.enqueue(std::move(jobs), d); });
    QList<qint64> ids;
    if (added) {
        for (const JobRecord &r : *added)
            ids << r.id;
    }
    return ids;
}

} // namespace comfyvideo::tests
