#pragma once

// Helpers of the robustness tests (TLS, server lifecycle, fault matrix, cancel phases): one
// tracked run recorded to its end, synchronous client calls for checks, the server's queue.
#include "clienttestutil.h"
#include "comfy/failureerror.h"
#include "comfy/jobtracker.h"

#include <QElapsedTimer>
#include <QFile>

namespace comfyvideo::tests {

struct TrackedRun
{
    std::optional<comfy::JobOutcome> outcome;
    QList<comfy::Progress> progress;
    QElapsedTimer clock;
    qint64 finishedAfterMs = -1; // since start()

    bool sawPhase(comfy::Progress::Phase phase) const
    {
        return std::ranges::any_of(progress,
                                   [phase](const comfy::Progress &p) { return p.phase == phase; });
    }
    comfy::Progress::Phase phase() const
    {
        return progress.isEmpty() ? comfy::Progress::Phase::Submitting : progress.last().phase;
    }
};

// Records progress and the outcome of `tracker` into `run`, then starts it.
inline void startRecorded(comfy::JobTracker &tracker, TrackedRun &run)
{
    QObject::connect(&tracker,
                     &comfy::JobTracker::progressChanged,
                     &tracker,
                     [&run](const comfy::Progress &p) { run.progress.append(p); });
    QObject::connect(
            &tracker, &comfy::JobTracker::finished, &tracker, [&run](const comfy::JobOutcome &o) {
                run.outcome = o;
                run.finishedAfterMs = run.clock.elapsed();
            });
    run.clock.start();
    tracker.start();
}

// Starts `tracker` and waits (up to timeoutMs) for its outcome.
inline void runToEnd(comfy::JobTracker &tracker, TrackedRun &run, int timeoutMs = 30000)
{
    startRecorded(tracker, run);
    (void)QTest::qWaitFor([&] { return run.outcome.has_value(); }, timeoutMs);
}

inline comfy::JobTracker::Options fastTrackerOptions(const QString &downloadDir = {})
{
    comfy::JobTracker::Options o;
    o.pollInterval = std::chrono::milliseconds(150);
    o.historyRetryDelay = std::chrono::milliseconds(50);
    o.connectWait = std::chrono::seconds(3);
    o.downloadDirectory = downloadDir;
    return o;
}

// One client call, answered synchronously (tests only).
template<typename T, typename Call>
std::optional<comfy::Result<T>> awaitResult(Call call, int timeoutMs = 20000)
{
    std::optional<comfy::Result<T>> result;
    call([&](comfy::Result<T> r) { result = std::move(r); });
    (void)QTest::qWaitFor([&] { return result.has_value(); }, timeoutMs);
    return result;
}

inline std::optional<comfy::QueueState> queueOf(comfy::ComfyClient &client)
{
    const auto queue = awaitResult<comfy::QueueState>([&](auto done) { client.queue(done); });
    if (!queue || !queue->has_value())
        return std::nullopt;
    return **queue;
}

// The classified error of an outcome's failure (Unknown when there is none).
inline errors::Error errorOf(const comfy::JobOutcome &outcome)
{
    if (!outcome.failure)
        return errors::Error::make(errors::ErrorKind::Unknown, QStringLiteral("no failure"));
    return comfy::toError(*outcome.failure);
}

// An MP4 (ISO BMFF) file: "ftyp" at offset 4.
inline bool looksLikeMp4(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) && file.read(8).mid(4) == "ftyp";
}

} // namespace comfyvideo::tests
