// JobStore writes: round trips, updates, conflicts, events, queue positions, cancel requests,
// run samples and statistics. The threading promises are in tst_jobstorethreads.
#include "storetestutil.h"

#include <QElapsedTimer>
#include <QTemporaryDir>

using namespace comfyvideo;
using namespace Qt::StringLiterals;
using namespace comfyvideo::storage;
using namespace comfyvideo::storage::test;

namespace {

QDateTime utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

errors::Error sampleError()
{
    errors::Error error = errors::Error::make(errors::ErrorKind::Unknown, QStringLiteral("Boom"));
    error.httpStatus = 500;
    error.nodeId = QStringLiteral("9");
    error.nodeType = QStringLiteral("KSampler");
    error.alternatives = {QStringLiteral("a.safetensors"), QStringLiteral("b.safetensors")};
    error.technicalDetail = QStringLiteral("Traceback ...\n\"quoted\"");
    error.tips = {QStringLiteral("Try again.")};
    return error;
}

} // namespace

class TestJobStore : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("db%1/jobs.sqlite").arg(++m_count));
    }

    void openCreatesFolderWalAndSchema()
    {
        JobStore store(m_path);
        const auto version = openStore(store);
        QVERIFY2(version, why(version).constData());
        QCOMPARE(*version, 2);
        RawDb raw(m_path);
        QCOMPARE(raw.value(QStringLiteral("PRAGMA journal_mode")).toString(),
                 QStringLiteral("wal"));
        QCOMPARE(raw.value(QStringLiteral("PRAGMA user_version")).toInt(), 2);
        // Opening again is harmless and reports the same version.
        QCOMPARE(openStore(store).value_or(-1), 2);
    }

    void roundTripsEveryField()
    {
        JobStore store(m_path);
        QVERIFY(openStore(store));
        const auto batch = await<qint64>([&](auto done) { store.newBatch(u"sweep"_s, done); });
        QVERIFY(batch && *batch > 0);

        JobRecord job = makeJob(QStringLiteral("a fox — «ünïcödé» \"quoted\" 100%"), Kind::Svd);
        job.request.negativePrompt = QStringLiteral("blurry");
        job.request.seed = std::numeric_limits<quint64>::max();
        job.request.referenceImage = QStringLiteral("/tmp/start frame.png");
        job.state = JobState::Running;
        job.priority = 3;
        job.position = 7.25;
        job.batchId = *batch;
        job.batchIndex = 4;
        job.chain = {QStringLiteral("local"), QStringLiteral("veo")};
        job.excludedBackends = {QStringLiteral("remote-1")};
        job.backend = QStringLiteral("local");
        job.remoteId = QStringLiteral("7d2f-prompt");
        job.attempts = 3;
        job.backendAttempts = 2;
        job.maxAttempts = 5;
        job.outputPath = QStringLiteral("/videos/out put.mp4");
        job.error = sampleError();
        job.cancelRequested = true;
        job.createdAt = utc(1'700'000'000'123);
        job.submittedAt = utc(1'700'000'001'456);
        job.finishedAt = utc(1'700'000'002'789);
        job.notBefore = utc(1'700'000'003'001);

        const auto added = add(store, {job});
        QVERIFY(added && added->size() == 1);
        const JobRecord stored = added->first();
        QVERIFY(stored.id > 0);
        QCOMPARE(stored.kind, u"svd"_s);
        QCOMPARE(stored.prompt, job.request.prompt);
        QVERIFY(stored.updatedAt.isValid());
        QCOMPARE(stored.createdAt, job.createdAt); // a given creation time is kept

        JobRecord expected = job;
        expected.id = stored.id;
        expected.kind = stored.kind;
        expected.prompt = stored.prompt;
        expected.updatedAt = stored.updatedAt;
        QCOMPARE(stored, expected);
        const auto read = fetch(store, stored.id);
        QVERIFY(read);
        QCOMPARE(*read, expected);
        QCOMPARE(read->request.seed, std::numeric_limits<quint64>::max());
        QCOMPARE(read->error->technicalDetail, job.error->technicalDetail);
    }

    void addJobsFillsInPositionsAndTimes()
    {
        JobStore store(m_path);
        QVERIFY(openStore(store));
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        auto first = add(store, {makeJob(u"a"_s), makeJob(u"b"_s), makeJob(u"c"_s)});
        QVERIFY2(first, why(first).constData());
        QCOMPARE(first->at(0).position, 1.0);
        QCOMPARE(first->at(1).position, 2.0);
        QCOMPARE(first->at(2).position, 3.0);
        QVERIFY(first->at(0).createdAt.toMSecsSinceEpoch() >= before);
        QCOMPARE(first->at(0).createdAt.timeSpec(), Qt::UTC);
        QVERIFY(first->at(0).id < first->at(1).id);

        JobRecord explicitPosition = makeJob(u"e"_s);
        explicitPosition.position = 10;
        auto second = add(store, {makeJob(u"d"_s), explicitPosition, makeJob(u"f"_s)});
        QVERIFY(second);
        QCOMPARE(second->at(0).position, 4.0);
        QCOMPARE(second->at(1).position, 10.0);
        QCOMPARE(second->at(2).position, 11.0);

        const auto events
                = await<QList<JobEvent>>([&](auto done) { store.events(first->at(0).id, done); });
        QVERIFY(events && events->size() == 1);
        QCOMPARE(events->first().type, u"created"_s);
        QCOMPARE(events->first().state, JobState::Queued);
        QCOMPARE(events->first().jobId, first->at(0).id);
    }

    void addsTenThousandJobsInOneTransaction()
    {
        JobStore store(m_path);
        QVERIFY(openStore(store));
        QList<JobRecord> jobs;
        for (int i = 0; i < 10000; ++i)
            jobs.append(makeJob(QStringLiteral("prompt number %1").arg(i)));
        QElapsedTimer timer;
        timer.start();
        // Generous: sanitizer builds on a busy machine are many times slower than release.
        const auto added
                = await<QList<JobRecord>>([&](auto done) { store.addJobs(jobs, done); }, 240'000);
        qInfo("10,000 jobs added in %lld ms (timing is reported, not tested; see bench_jobstore)",
              timer.elapsed());
        QVERIFY2(added, why(added).constData());
        QCOMPARE(added->size(), 10000);
        // Every one of them is in the search index.
        JobQuery search;
        search.text = u"number 9999"_s;
        QCOMPARE(ids(find(store, search)->jobs), QList<qint64>{added->last().id});
        QCOMPARE(added->last().position, 10000.0);
        RawDb raw(m_path);
        QCOMPARE(raw.value(u"SELECT count(*) FROM jobs"_s).toInt(), 10000);
        QCOMPARE(raw.value(u"SELECT count(*) FROM job_events"_s).toInt(), 10000);
    }

    void updateAppliesOnlySetFields()
    {
        JobStore store(m_path);
        QVERIFY(openStore(store));
        JobRecord job = makeJob(u"cat"_s);
        job.backend = u"local"_s;
        job.chain = {u"local"_s};
        const JobRecord added = add(store, {job})->first();

        JobUpdate u;
        u.state = JobState::Submitted;
        u.remoteId = u"prompt-1"_s;
        u.submittedAt = utc(1'800'000'000'001);
        u.attempts = 1;
        u.eventMessage = u"Submitted to local"_s;
        u.eventData = {{u"promptId"_s, u"prompt-1"_s}};
        const auto updated = update(store, added.id, u);
        QVERIFY2(updated, why(updated).constData());

        JobRecord expected = added;
        expected.state = JobState::Submitted;
        expected.remoteId = u"prompt-1"_s;
        expected.submittedAt = *u.submittedAt;
        expected.attempts = 1;
        expected.updatedAt = updated->updatedAt;
        QCOMPARE(*updated, expected);
        QVERIFY(updated->updatedAt > added.updatedAt);
        QCOMPARE(*fetch(store, added.id), expected);

        // Each update moves updatedAt forward, even within the same millisecond.
        QDateTime last = updated->updatedAt;
        for (int i = 0; i < 5; ++i) {
            JobUpdate note;
            note.eventType = u"note"_s;
            const auto again = update(store, added.id, note);
            QVERIFY(again && again->updatedAt > last);
            last = again->updatedAt;
        }

        const auto events
                = await<QList<JobEvent>>([&](auto done) { store.events(added.id, done); });
        QVERIFY(events && events->size() == 7);
        QCOMPARE(events->at(1).type, u"state"_s);
        QCOMPARE(events->at(1).state, JobState::Submitted);
        QCOMPARE(events->at(1).message, u"Submitted to local"_s);
        QCOMPARE(events->at(1).data, u.eventData);
        QCOMPARE(events->at(1).at, updated->updatedAt);
        QCOMPARE(events->at(2).state, JobState::Submitted); // no state change: the current one
    }

    void updateSetsAndClearsError()
    {
        JobStore store(m_path);
        QVERIFY(openStore(store));
        const qint64 id = add(store, {makeJob(u"x"_s)})->first().id;
        JobUpdate fail;
        fail.state = JobState::Failed;
        fail.error = std::optional<errors::Error>(sampleError());
        fail.finishedAt = utc(1'800'000'000'000);
        QCOMPARE(update(store, id, fail)->error, std::optional<errors::Error>(sampleError()));

        JobUpdate retry;
        retry.state = JobState::Queued;
        retry.error = std::optional<errors::Error>();
        retry.finishedAt = QDateTime();
        const auto cleared = update(store, id, retry);
        QVERIFY(cleared);
        QVERIFY(!cleared->error.has_value());
        QVERIFY(!cleared->finishedAt.isValid());
        QVERIFY(!fetch(store, id)->error.has_value());
    }

    void conflictWritesNothing()
    {
        JobStore store(m_path);
        QVERIFY(openStore(store));
        JobRecord job = makeJob(u"dog"_s);
        job.state = JobState::Running;
        const JobRecord added = add(store, {job})->first();

        JobUpdate u;
        u.state = JobState::Dispatching;
        u.backend = u"elsewhere"_s;
        u.expectedStates = {JobState::Queued, JobState::Failed};
        const auto result = update(store, added.id, u);
        QVERIFY(!result);
        QCOMPARE(result.error().kind, StoreError::Kind::Conflict);
        QVERIFY(result.error().message.contains(u"running"_s));
        QCOMPARE(*fetch(store, added.id), added);
        const auto events
                = await<QList<JobEvent>>([&](auto done) { store.events(added.id, done); });
        QCOMPARE(events->size(), 1);

        u.expectedStates = {JobState::Running};
        QCOMPARE(update(store, added.id, u)->backend, u"elsewhere"_s);
    }

    void unknownJobsAreNotFound()
    {
        JobStore store(m_path);
        QVERIFY(openStore(store));
        QCOMPARE(update(store, 42, JobUpdate{}).error().kind, StoreError::Kind::NotFound);
        QCOMPARE(fetch(store, 42).error().kind, StoreError::Kind::NotFound);
        QCOMPARE(await<QList<JobEvent>>([&](auto done) { store.events(42, done); }).error().kind,
                 StoreError::Kind::NotFound);
        QCOMPARE(await<JobEvent>([&](auto done) { store.appendEvent(42, u"note"_s, {}, {}, done); })
                         .error()
                         .kind,
                 StoreError::Kind::NotFound);
        QCOMPARE(await<JobRecord>([&](auto done) { store.moveBefore(42, 0, done); }).error().kind,
                 StoreError::Kind::NotFound);
    }

    void appendEventKeepsTheJobAndOrder()
    {
        JobStore store(m_path);
        QVERIFY(openStore(store));
        const JobRecord added = add(store, {makeJob(u"owl"_s)})->first();
        JobUpdate running;
        running.state = JobState::Running;
        QVERIFY(update(store, added.id, running));
        const QJsonObject data{{u"step"_s, 5}, {u"of"_s, 20}};
        const auto event = await<JobEvent>([&](auto done) {
            store.appendEvent(added.id, u"progress"_s, u"Step 5 of 20"_s, data, done);
        });
        QVERIFY(event);
        QCOMPARE(event->state, JobState::Running);
        QCOMPARE(event->data, data);
        const auto events
                = await<QList<JobEvent>>([&](auto done) { store.events(added.id, done); });
        QVERIFY(events && events->size() == 3);
        QCOMPARE(events->last(), *event);
        QStringList types;
        for (const JobEvent &e : *events)
            types.append(e.type);
        QCOMPARE(types, (QStringList{u"created"_s, u"state"_s, u"progress"_s}));
        QVERIFY(events->at(0).id < events->at(1).id && events->at(1).id < events->at(2).id);
    }

    void moveBeforeReordersTheQueue()
    {
        JobStore store(m_path);
        QVERIFY(openStore(store));
        auto jobs = *add(store, {makeJob(u"a"_s), makeJob(u"b"_s), makeJob(u"c"_s)});
        JobRecord urgent = makeJob(u"u"_s);
        urgent.priority = 5;
        jobs.append(add(store, {urgent})->first());
        const qint64 a = jobs[0].id, b = jobs[1].id, c = jobs[2].id, u = jobs[3].id;
        auto order = [&] {
            return ids(*await<QList<JobRecord>>([&](auto done) { store.unfinished(done); }));
        };
        QCOMPARE(order(), (QList<qint64>{u, a, b, c}));

        const auto moved = await<JobRecord>([&](auto done) { store.moveBefore(c, a, done); });
        QVERIFY(moved);
        QCOMPARE(order(), (QList<qint64>{u, c, a, b}));
        QVERIFY(await<JobRecord>([&](auto done) { store.moveBefore(u, b, done); }));
        QCOMPARE(fetch(store, u)->priority, 0); // takes the priority of the job it goes before
        QCOMPARE(order(), (QList<qint64>{c, a, u, b}));
        QVERIFY(await<JobRecord>([&](auto done) { store.moveBefore(c, 0, done); }));
        QCOMPARE(order(), (QList<qint64>{a, u, b, c}));

        // Many moves into the same gap: positions get renumbered when they run out.
        for (int i = 0; i < 60; ++i) {
            const qint64 mover = (i % 2) ? b : c;
            QVERIFY(await<JobRecord>([&](auto done) { store.moveBefore(mover, u, done); }));
        }
        QCOMPARE(order(), (QList<qint64>{a, c, b, u}));
        const auto events = await<QList<JobEvent>>([&](auto done) { store.events(c, done); });
        QCOMPARE(events->last().type, u"moved"_s);
    }

    void cancelRequestsListsOpenFlaggedJobs()
    {
        JobStore store(m_path);
        QVERIFY(openStore(store));
        auto jobs = *add(store, {makeJob(u"a"_s), makeJob(u"b"_s), makeJob(u"c"_s)});
        auto requests = [&] {
            return *await<QList<qint64>>([&](auto done) { store.cancelRequests(done); });
        };
        QVERIFY(requests().isEmpty());
        JobUpdate flag;
        flag.cancelRequested = true;
        QVERIFY(update(store, jobs[0].id, flag));
        QVERIFY(update(store, jobs[2].id, flag));
        QCOMPARE(requests(), (QList<qint64>{jobs[0].id, jobs[2].id}));
        JobUpdate done;
        done.state = JobState::Canceled;
        QVERIFY(update(store, jobs[0].id, done));
        QCOMPARE(requests(), (QList<qint64>{jobs[2].id}));
        QVERIFY(fetch(store, jobs[2].id)->cancelRequested);
    }

    void runSamplesNewestSuccessfulFirst()
    {
        JobStore store(m_path);
        QVERIFY(openStore(store));
        for (int i = 0; i < 5; ++i) {
            RunSample sample{u"local"_s,
                             u"svd"_s,
                             1024,
                             576,
                             25,
                             20,
                             0.5 + i,
                             0.1,
                             30.0 + i,
                             i != 3,
                             utc(1'700'000'000'000 + i * 1000)};
            QVERIFY(await<JobStore::Nothing>([&](auto done) { store.addRunSample(sample, done); }));
        }
        RunSample other{u"remote"_s, u"svd"_s, 512, 512, 14, 10, 1, 1, 100, true, utc(1)};
        QVERIFY(await<JobStore::Nothing>([&](auto done) { store.addRunSample(other, done); }));
        const auto samples = await<QList<RunSample>>(
                [&](auto done) { store.runSamples(u"local"_s, u"svd"_s, 3, done); });
        QVERIFY(samples && samples->size() == 3);
        QCOMPARE(samples->at(0).totalSeconds, 34.0);
        QCOMPARE(samples->at(1).totalSeconds, 32.0); // 33 failed
        QCOMPARE(samples->at(2).secondsPerStep, 1.5);
        QCOMPARE(samples->at(0).at, utc(1'700'000'004'000));
        QCOMPARE(samples->at(0).width, 1024);
        QVERIFY(await<QList<RunSample>>([&](auto done) {
                    store.runSamples(u"local"_s, u"animatediff"_s, 3, done);
                })->isEmpty());
    }

    void statsCountStatesAndBackends()
    {
        JobStore store(m_path);
        QVERIFY(openStore(store));
        auto withState = [](JobState state, const QString &backend, qint64 runMs = 0) {
            JobRecord job = makeJob(u"s"_s);
            job.state = state;
            job.backend = backend;
            if (runMs > 0) {
                job.submittedAt = utc(1'000'000);
                job.finishedAt = utc(1'000'000 + runMs);
            }
            return job;
        };
        QVERIFY(add(store,
                    {withState(JobState::Queued, {}),
                     withState(JobState::Queued, {}),
                     withState(JobState::Running, u"local"_s),
                     withState(JobState::Uploading, u"remote"_s),
                     withState(JobState::Completed, u"local"_s, 10'000),
                     withState(JobState::Completed, u"remote"_s, 20'000),
                     withState(JobState::Completed, u"remote"_s, 40'000),
                     withState(JobState::Failed, u"remote"_s),
                     withState(JobState::Canceled, {})}));
        RunSample sample{u"local"_s, u"svd"_s, 0, 0, 0, 0, 0, 0, 42.0, true, {}};
        QVERIFY(await<JobStore::Nothing>([&](auto done) { store.addRunSample(sample, done); }));
        const auto stats = await<QueueStats>([&](auto done) { store.stats(done); });
        QVERIFY(stats);
        QCOMPARE(stats->waiting, 2);
        QCOMPARE(stats->active, 2);
        QCOMPARE(stats->completed, 3);
        QCOMPARE(stats->failed, 1);
        QCOMPARE(stats->canceled, 1);
        QCOMPARE(stats->backends.size(), 2);
        const BackendStats local = stats->backends.at(0);
        const BackendStats remote = stats->backends.at(1);
        QCOMPARE(local.backend, u"local"_s);
        QCOMPARE(local.completed, 1);
        QCOMPARE(local.active, 1);
        QCOMPARE(local.meanSeconds, 42.0); // from the run sample
        QCOMPARE(remote.completed, 2);
        QCOMPARE(remote.failed, 1);
        QCOMPARE(remote.active, 1);
        QCOMPARE(remote.meanSeconds, 30.0); // from the timestamps
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    int m_count = 0;
};

QTEST_GUILESS_MAIN(TestJobStore)
#include "tst_jobstore.moc"
