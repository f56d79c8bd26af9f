#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QString>

namespace comfyvideo::cli {

// Where the queue and jobs commands keep their data: --data-dir DIR, by default the platform's
// application data folder (QStandardPaths::AppDataLocation, ~/.local/share/ComfyVideo/ComfyVideo
// on Linux). It holds the job store (jobs.sqlite), the videos (videos/, unless `queue run
// --output-dir`) and the lock of the one `queue run` working on it (queue-run.lock).
class DataDir
{
    Q_DECLARE_TR_FUNCTIONS(DataDir)

public:
    static QCommandLineOption option();

    // The absolute folder `parser` names with option(), or the default. Not created here.
    static QString resolve(const QCommandLineParser &parser);
    static QString defaultPath();

    static QString databasePath(const QString &dataDir);
    static QString videosPath(const QString &dataDir);
    static QString lockPath(const QString &dataDir);
};

} // namespace comfyvideo::cli
