#include "cli/datadir.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace comfyvideo::cli {

QCommandLineOption DataDir::option()
{
    return QCommandLineOption(QStringLiteral("data-dir"),
                              tr("Where the job store and the videos live (default: %1).")
                                      .arg(QDir::toNativeSeparators(defaultPath())),
                              QStringLiteral("dir"));
}

QString DataDir::resolve(const QCommandLineParser &parser)
{
    const QString given = parser.value(QStringLiteral("data-dir"));
    if (given.isEmpty())
        return defaultPath();
    return QDir::cleanPath(QFileInfo(given).absoluteFilePath());
}

QString DataDir::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString DataDir::databasePath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("jobs.sqlite"));
}

QString DataDir::videosPath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("videos"));
}

QString DataDir::lockPath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("queue-run.lock"));
}

} // namespace comfyvideo::cli
