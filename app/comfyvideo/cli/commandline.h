#pragma once

#include "cli/console.h"

#include <QStringList>

namespace comfyvideo::cli {

// Runs the command line `arguments` (arguments[0] is the program) and returns the exit code.
// Without a command main() opens the window (when built with it); here that is a usage error.
int runCommandLine(const QStringList &arguments, Console &console);

} // namespace comfyvideo::cli
