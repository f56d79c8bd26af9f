#pragma once

#include "cli/console.h"

#include <QCoreApplication>
#include <QStringList>

namespace comfyvideo::cli {

// `comfyvideo workflow animatediff|svd [options]`: prints the API-format workflow JSON for a
// request on stdout. With --object-info it picks models from that catalog and validates the
// workflow against it. Every problem goes to stderr (exit 2, nothing on stdout).
class WorkflowCommand
{
    Q_DECLARE_TR_FUNCTIONS(WorkflowCommand)

public:
    // `arguments` starts with the command name ("workflow").
    int run(const QStringList &arguments, Console &console) const;
};

} // namespace comfyvideo::cli
