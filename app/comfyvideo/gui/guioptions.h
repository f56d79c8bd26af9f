#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <expected>

namespace comfyvideo::gui {

// How the window was asked to start: `comfyvideo [--demo] [--server URL] [--data-dir DIR]`.
struct GuiOptions
{
    Q_DECLARE_TR_FUNCTIONS(GuiOptions)

public:
    bool demo = false;
    QUrl server;          // this run only; empty: the saved list, else demo mode
    QString dataDir;      // absolute; the same store the CLI uses (cli::DataDir)
    QString settingsFile; // hidden --settings-file: an INI file instead of the user's settings

    // True when `arguments` (arguments[0] is the program) ask for the window: no command and
    // no --help/--version. Unknown options also go to the window's parser (which refuses them).
    static bool wantsWindow(const QStringList &arguments);
    // The options, or a message for a usage error (exit code 2). Needs the application's name
    // set (the default data dir depends on it), not an application object.
    static std::expected<GuiOptions, QString> parse(const QStringList &arguments);
};

} // namespace comfyvideo::gui
