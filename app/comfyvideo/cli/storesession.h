#pragma once

#include "cli/console.h"
#include "storage/jobstore.h"

#include <QString>
#include <expected>
#include <functional>

namespace comfyvideo::cli {

// Runs one command against the job store of a data folder on the application's event loop:
// opens (creating and migrating) <dataDir>/jobs.sqlite, then calls `body`, which ends the
// command by calling `finish(exitCode)` once (later calls are ignored). A store that cannot be
// opened prints its StoreError message and ends with ExitFailure. Returns the exit code. Needs a
// QCoreApplication whose event loop is not running yet.
using Finish = std::function<void(int exitCode)>;
using StoreBody = std::function<void(storage::JobStore &store, const Finish &finish)>;

// `beforeClose` runs after the event loop returned, before the store closes (to destroy what
// uses the store).
int runWithStore(const QString &dataDir,
                 Console &console,
                 const StoreBody &body,
                 const std::function<void()> &beforeClose = {});

// The message for a failed store call, for `err` ("... : <SQLite text>" only when the message
// does not already say it).
QString storeErrorText(const storage::StoreError &error);

// For a store call's answer inside a command: on failure, prints storeErrorText on `err`, ends
// the command with ExitFailure and returns true; on success returns false.
template<typename T>
bool endOnStoreError(const std::expected<T, storage::StoreError> &answer,
                     Console &console,
                     const Finish &finish)
{
    if (answer)
        return false;
    console.err << storeErrorText(answer.error()) << Qt::endl;
    finish(ExitFailure);
    return true;
}

} // namespace comfyvideo::cli
