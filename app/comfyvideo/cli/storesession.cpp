#include "cli/storesession.h"

#include "cli/datadir.h"

#include <QCoreApplication>

namespace comfyvideo::cli {

int runWithStore(const QString &dataDir,
                 Console &console,
                 const StoreBody &body,
                 const std::function<void()> &beforeClose)
{
    storage::JobStore store(DataDir::databasePath(dataDir));
    int exitCode = ExitFailure;
    bool finished = false;
    const Finish finish = [&exitCode, &finished](int code) {
        if (finished)
            return;
        finished = true;
        exitCode = code;
        QCoreApplication::exit(code);
    };
    store.open([&](std::expected<int, storage::StoreError> opened) {
        if (endOnStoreError(opened, console, finish))
            return;
        body(store, finish);
    });
    QCoreApplication::exec();
    if (beforeClose)
        beforeClose();
    return exitCode;
}

QString storeErrorText(const storage::StoreError &error)
{
    if (error.detail.isEmpty() || error.message.contains(error.detail))
        return error.message;
    return error.message + QStringLiteral(" (") + error.detail + u')';
}

} // namespace comfyvideo::cli
