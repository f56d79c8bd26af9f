#pragma once

#include "cli/console.h"

#include <QCoreApplication>
#include <QStringList>

namespace comfyvideo::cli {

// `comfyvideo generate animatediff|svd --server URL [request options] --output FILE
// [--timeout SECONDS] [--verbose]`: runs one job headless on the application's event loop.
// Progress goes to stderr, the written file's absolute path to stdout. Exit codes:
// errors::exitCode() of the failure's kind (invalid input 2, missing model 10, ...; README),
// 1 when the output file cannot be created. SIGINT/SIGTERM cancel the job on the server (19).
class GenerateCommand
{
    Q_DECLARE_TR_FUNCTIONS(GenerateCommand)

public:
    // `arguments` starts with the command name ("generate"). Needs a QCoreApplication whose
    // event loop is not running yet.
    int run(const QStringList &arguments, Console &console) const;
};

} // namespace comfyvideo::cli
