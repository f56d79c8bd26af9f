#pragma once

#include <QTextStream>

namespace comfyvideo::cli {

// Process exit codes of every command.
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1, // the command could not run (unreadable file, ...)
    ExitUsage = 2,   // invalid input or usage
};

// Where a command writes: results on `out`, notes and problems on `err`.
struct Console
{
    QTextStream &out;
    QTextStream &err;
};

} // namespace comfyvideo::cli
