#pragma once

#include "errors/error.h"
#include "request/generationrequest.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

// What the job store keeps (issue #5). The state machine that moves jobs between these states
// lives in core/jobs; the store only records.
namespace comfyvideo::storage {

enum class JobState {
    Queued,
    Dispatching, // choosing a backend
    Uploading,
    Submitted,
    Running,
    Fetching,
    Completed,
    Failed,
    Canceled,
};

QString stateName(JobState state); // "queued", "dispatching", ... (stable, stored)
// For people (translated): "Queued", "Starting", "Uploading", "Waiting on server", "Running",
// "Downloading", "Done", "Failed", "Canceled".
QString stateDisplayName(JobState state);
std::optional<JobState> parseState(const QString &name);
QList<JobState> allStates();
bool isTerminal(JobState state);    // Completed, Failed, Canceled
bool isActive(JobState state);      // Dispatching .. Fetching
bool hasRemoteWork(JobState state); // Submitted, Running, Fetching (re-attach on start)

struct JobRecord
{
    qint64 id = 0; // assigned by the store
    JobState state = JobState::Queued;
    request::GenerationRequest request;
    QString kind;        // request::kindName(request.kind), denormalised for queries
    QString prompt;      // request.prompt, denormalised for search
    int priority = 0;    // higher runs first
    double position = 0; // order within a priority (lower first); reordering changes it
    qint64 batchId = 0;  // 0: not part of a batch
    int batchIndex = 0;
    // Backend ids this job may run on, in fallback order; empty: every configured backend, in
    // the scheduler's priority order.
    QStringList chain;
    // Backends that failed this job with an error that allows fallback: not placed there again.
    QStringList excludedBackends;
    QString backend;         // the backend of the current/last attempt
    QString remoteId;        // its id on that backend
    int attempts = 0;        // attempts started on any backend (resubmits after a lost prompt too)
    int backendAttempts = 0; // attempts started on `backend`
    int maxAttempts = 2;     // per backend, for retryable errors
    QString outputPath;
    std::optional<errors::Error> error; // the last failure
    // Set by another process (`comfyvideo jobs cancel ID`) for a job a running scheduler owns;
    // the scheduler polls for it and cancels.
    bool cancelRequested = false;
    QDateTime createdAt; // UTC, millisecond precision
    QDateTime updatedAt;
    QDateTime submittedAt; // of the current attempt; null before
    QDateTime finishedAt;
    QDateTime notBefore; // retry backoff: not dispatched before this time; null: at once

    bool operator==(const JobRecord &) const = default;
};

// One line of a job's append-only event log.
struct JobEvent
{
    qint64 id = 0;
    qint64 jobId = 0;
    QDateTime at;
    QString type; // "created", "state", "attempt", "remote_id", "retry", "fallback", "error",
                  // "canceled", "note" ...
    JobState state = JobState::Queued; // the job's state after the event
    QString message; // plain text for the Details view (not translated when stored)
    QJsonObject data;
    bool operator==(const JobEvent &) const = default;
};

// A change to one job, committed with its event in one transaction.
struct JobUpdate
{
    std::optional<JobState> state;
    // The change applies only when the job is in one of these states (empty: any). A mismatch
    // is reported as StoreError::Conflict and nothing is written.
    QList<JobState> expectedStates;
    std::optional<QString> backend;
    std::optional<QString> remoteId;
    std::optional<int> attempts;
    std::optional<int> backendAttempts;
    std::optional<QStringList> excludedBackends;
    std::optional<QStringList> chain;
    std::optional<QString> outputPath;
    std::optional<std::optional<errors::Error>> error; // set, or clear with nullopt inside
    std::optional<QDateTime> submittedAt;
    std::optional<QDateTime> finishedAt;
    std::optional<QDateTime> notBefore;
    std::optional<int> priority;
    std::optional<double> position;
    std::optional<int> maxAttempts;
    std::optional<bool> cancelRequested;
    // The event appended with the change (its state is filled in by the store).
    QString eventType = QStringLiteral("state");
    QString eventMessage;
    QJsonObject eventData;
};

struct JobQuery
{
    QList<JobState> states; // empty: all
    QString kind;           // "animatediff", "svd"; empty: all
    QString text;           // case-insensitive substring of the prompt (and negative prompt)
    QString backend;        // empty: all
    qint64 batchId = 0;     // 0: all
    enum class Order { NewestFirst, OldestFirst, QueueOrder } order = Order::NewestFirst;
    int limit = 100;
    int offset = 0;
};

struct JobPage
{
    QList<JobRecord> jobs;
    qint64 total = 0; // matches in all pages
};

struct BackendStats
{
    QString backend;
    qint64 completed = 0;
    qint64 failed = 0;
    qint64 active = 0;
    double meanSeconds = 0; // completed runs
};

struct QueueStats
{
    qint64 waiting = 0; // Queued
    qint64 active = 0;  // Dispatching .. Fetching
    qint64 completed = 0;
    qint64 failed = 0;
    qint64 canceled = 0;
    QList<BackendStats> backends;
};

// One finished run, for learning ETAs per backend and size.
struct RunSample
{
    QString backend;
    QString kind;
    int width = 0;
    int height = 0;
    int frames = 0;
    int steps = 0;
    double secondsPerStep = 0;      // sampling
    double postSecondsPerFrame = 0; // decode + encode + download, per frame
    double totalSeconds = 0;        // submission to completion
    bool succeeded = true;
    QDateTime at;
};

struct StoreError
{
    enum class Kind { Open, Migration, Conflict, NotFound, Io, DiskFull, Corrupt };
    Kind kind = Kind::Io;
    QString message; // translated, actionable ("The disk holding ... is full: free space ...")
    QString detail;  // the SQLite text
};

} // namespace comfyvideo::storage
