#pragma once

#include "backends/backend.h"
#include "storage/jobrecord.h"

#include <QCoreApplication>
#include <QString>

namespace comfyvideo::cli {

// The one-line texts `queue run` prints per job event. Every line starts with "#<id> <state>"
// (the stable state names of the store: queued, running, completed, ...), so scripts can follow
// a run; the rest is for people.
class JobLines
{
    Q_DECLARE_TR_FUNCTIONS(JobLines)

public:
    // "#12 submitted — server 127.0.0.1:8188", "#12 completed /videos/x.mp4",
    // "#12 failed: out_of_memory: The server ran out of ...", "#12 queued again: <why>".
    static QString state(const storage::JobRecord &job, const QString &server);
    // "#12 running 45% Sampling 12/20, ETA 0:12 — server 127.0.0.1:8188"
    static QString progress(qint64 jobId,
                            storage::JobState state,
                            const backends::JobProgress &progress,
                            const QString &server);
    // "out_of_memory: The server ran out of ..."
    static QString error(const errors::Error &error);
    // "1:05", "1:02:03"
    static QString clock(std::chrono::milliseconds duration);
};

} // namespace comfyvideo::cli
