#include "storage/storeerrors.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>

namespace comfyvideo::storage {

namespace {

// Primary result codes from sqlite3.h (the driver may report extended codes).
constexpr int SqlitePerm = 3;
constexpr int SqliteBusy = 5;
constexpr int SqliteLocked = 6;
constexpr int SqliteReadOnly = 8;
constexpr int SqliteIoErr = 10;
constexpr int SqliteCorrupt = 11;
constexpr int SqliteFull = 13;
constexpr int SqliteCantOpen = 14;
constexpr int SqliteConstraint = 19;
constexpr int SqliteNotADb = 26;

QString tr(const char *text)
{
    return QCoreApplication::translate("JobStore", text);
}

QString folderOf(const QString &path)
{
    return QDir::toNativeSeparators(QFileInfo(path).absolutePath());
}

} // namespace

int sqliteCode(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    return ok ? (code & 0xff) : 0;
}

StoreError makeError(StoreError::Kind kind, const QString &message, const QString &detail)
{
    return StoreError{kind, message, detail};
}

StoreError notFound(qint64 jobId)
{
    return makeError(StoreError::Kind::NotFound, tr("There is no job %1.").arg(jobId));
}

StoreError notOpen(const QString &databasePath)
{
    return makeError(
            StoreError::Kind::Open,
            tr("The job database %1 is not open.").arg(QDir::toNativeSeparators(databasePath)));
}

StoreError sqlError(const QSqlError &error, const QString &databasePath)
{
    const QString detail = error.text();
    const QString file = QDir::toNativeSeparators(databasePath);
    switch (sqliteCode(error)) {
    case SqliteFull:
        return makeError(StoreError::Kind::DiskFull,
                         tr("The disk holding %1 is full: free some space there and try "
                            "again. Nothing was lost; the last change was not saved.")
                                 .arg(folderOf(databasePath)),
                         detail);
    case SqliteReadOnly:
    case SqlitePerm:
        return makeError(StoreError::Kind::Io,
                         tr("The job database %1 cannot be written: check that you may write "
                            "to the file and its folder.")
                                 .arg(file),
                         detail);
    case SqliteCantOpen:
        return makeError(StoreError::Kind::Open,
                         tr("The job database %1 cannot be opened: check that the folder "
                            "exists and that you may write to it.")
                                 .arg(file),
                         detail);
    case SqliteNotADb:
    case SqliteCorrupt:
        return makeError(StoreError::Kind::Corrupt,
                         tr("The job database %1 is damaged or is not a job database. Move it "
                            "aside (it is left as it is) to start with an empty history.")
                                 .arg(file),
                         detail);
    case SqliteBusy:
    case SqliteLocked:
        return makeError(StoreError::Kind::Io,
                         tr("The job database %1 is locked by another program for too long. "
                            "Close other ComfyVideo windows or commands and try again.")
                                 .arg(file),
                         detail);
    case SqliteConstraint:
        return makeError(StoreError::Kind::Conflict,
                         tr("The change does not fit the jobs stored in %1.").arg(file),
                         detail);
    case SqliteIoErr:
    default:
        return makeError(
                StoreError::Kind::Io,
                tr("Reading or writing the job database %1 failed. Check the disk.").arg(file),
                detail);
    }
}

} // namespace comfyvideo::storage
