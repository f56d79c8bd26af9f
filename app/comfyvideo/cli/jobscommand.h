#pragma once

#include "cli/console.h"

#include <QCoreApplication>
#include <QStringList>

namespace comfyvideo::cli {

// `comfyvideo jobs list|show|cancel|retry|stats [--data-dir DIR]`: the job store from the
// command line (a running `queue run` on the same data folder notices changes).
//   list [--state S[,S...]] [--kind K] [--search TEXT] [--backend ID] [--limit N] [--offset N]
//        [--json]   newest first; a table, or one JSON object per line
//   show ID [--json]   every field and the event log
//   cancel ID   queued: canceled now; active: a cancel request the running `queue run` acts on
//               within about a second; finished: exit 1
//   retry ID    a failed or canceled job back to the queue (attempts, exclusions and the error
//               reset; exit 1 for other states)
//   stats [--json]   waiting/active/completed/failed/canceled and per backend
// Exit codes: 0 done, 1 unknown job, a job in the wrong state, or a store error, 2 usage.
class JobsCommand
{
    Q_DECLARE_TR_FUNCTIONS(JobsCommand)

public:
    // `arguments` starts with the command name ("jobs"). Needs a QCoreApplication whose event
    // loop is not running yet.
    int run(const QStringList &arguments, Console &console) const;
};

} // namespace comfyvideo::cli
