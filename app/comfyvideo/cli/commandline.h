#pragma once

#include "cli/console.h"

#include <QStringList>

namespace comfyvideo::cli {

// Runs the command line `arguments` (arguments[0] is the program) and returns the exit code.
// Without a command there is nothing to do headless: the window is not part of this build yet.
int runCommandLine(const QStringList &arguments, Console &console);

} // namespace comfyvideo::cli
