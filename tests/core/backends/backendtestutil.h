#pragma once

// Helpers for the ComfyBackend / ComfyRun tests: recording a run's signals, waiting for an
// assessment, a fast run configuration.
#include "../comfy/clienttestutil.h"
#include "backends/comfybackend.h"

#include <QDir>
#include <QTest>

namespace comfyvideo::tests {

struct RunRecord
{
    QList<backends::RunStage> stages;
    QStringList remoteIds; // remoteIdChanged
    QList<backends::JobProgress> progress;
    std::optional<backends::RunOutcome> outcome;
    int finishedCount = 0;

    bool reached(backends::RunStage stage) const { return stages.contains(stage); }
};

inline void record(backends::BackendRun *run, RunRecord &rec)
{
    using backends::BackendRun;
    QObject::connect(run, &BackendRun::stageChanged, run, [&rec](backends::RunStage s) {
        rec.stages.append(s);
    });
    QObject::connect(run, &BackendRun::remoteIdChanged, run, [&rec](const QString &id) {
        rec.remoteIds.append(id);
    });
    QObject::connect(run, &BackendRun::progressChanged, run, [&rec](const auto &p) {
        rec.progress.append(p);
    });
    QObject::connect(run, &BackendRun::finished, run, [&rec](const backends::RunOutcome &o) {
        rec.outcome = o;
        ++rec.finishedCount;
    });
}

inline std::optional<backends::Assessment> assessNow(backends::Backend &backend,
                                                     const request::GenerationRequest &request,
                                                     int timeoutMs = 20000)
{
    std::optional<backends::Assessment> result;
    backend.assess(request, [&result](backends::Assessment a) { result = std::move(a); });
    (void)QTest::qWaitFor([&] { return result.has_value(); }, timeoutMs);
    return result;
}

inline backends::ComfyRun::Options fastRunOptions()
{
    backends::ComfyRun::Options o;
    o.tracker.pollInterval = std::chrono::milliseconds(150);
    o.tracker.historyRetryDelay = std::chrono::milliseconds(50);
    return o;
}

inline std::unique_ptr<backends::ComfyBackend> backendFor(const SimProcess &sim)
{
    auto backend = std::make_unique<backends::ComfyBackend>(configFor(sim), nullptr);
    backend->setRunOptions(fastRunOptions());
    return backend;
}

inline backends::RunSpec specFor(const request::GenerationRequest &request,
                                 const QString &directory,
                                 const QString &baseName = QStringLiteral("clip"))
{
    backends::RunSpec spec;
    spec.jobId = QStringLiteral("job-1");
    spec.request = request;
    spec.outputDirectory = directory;
    spec.outputBaseName = baseName;
    return spec;
}

// Files (hidden ones too) directly in `dir`.
inline QStringList filesIn(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
}

} // namespace comfyvideo::tests
