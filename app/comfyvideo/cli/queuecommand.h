#pragma once

#include "cli/console.h"

#include <QCoreApplication>
#include <QStringList>

namespace comfyvideo::cli {

// `comfyvideo queue add animatediff|svd [request options] [--count N | --seeds A-B]
// [--prompts FILE] [--priority N] [--server URL ...] [--data-dir DIR]`: validates like
// `generate` (exit 2 with every problem), expands the batch (jobs/batch.h), stores the jobs (one
// batch when more than one) and prints their ids, one per line.
//
// `comfyvideo queue run --server URL [--server URL ...] [--concurrency N] [--timeout-minutes M]
// [--stall-minutes M] [--output-dir DIR] [--data-dir DIR]`: runs the queue headless until it
// drains (QueueRunner).
class QueueCommand
{
    Q_DECLARE_TR_FUNCTIONS(QueueCommand)

public:
    // `arguments` starts with the command name ("queue"). Needs a QCoreApplication whose event
    // loop is not running yet.
    int run(const QStringList &arguments, Console &console) const;

private:
    int add(const QStringList &arguments, Console &console) const;
    int runQueue(const QStringList &arguments, Console &console) const;
};

} // namespace comfyvideo::cli
