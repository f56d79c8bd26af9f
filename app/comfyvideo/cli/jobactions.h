#pragma once

#include "cli/console.h"
#include "cli/storesession.h"
#include "storage/jobstore.h"

#include <QCoreApplication>
#include <QString>

namespace comfyvideo::cli {

// `jobs cancel` and `jobs retry` on an open store. Each change is one JobUpdate guarded by the
// states it expects, so a `queue run` moving the job at the same moment never loses a change:
// a conflict reads the job again and decides anew (a few times at most).
class JobActions
{
    Q_DECLARE_TR_FUNCTIONS(JobActions)

public:
    enum class Action { Cancel, Retry };

    static void apply(Action action,
                      storage::JobStore &store,
                      qint64 jobId,
                      const QString &dataDir,
                      Console &console,
                      const Finish &finish);

    // Whether a `queue run` holds the data folder's lock (by a live process).
    static bool runnerActive(const QString &dataDir);
};

} // namespace comfyvideo::cli
