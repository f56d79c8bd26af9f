#include "gui/guioptions.h"

#include "cli/datadir.h"

#include <QCommandLineParser>

namespace comfyvideo::gui {

namespace {

const QLatin1String DemoName("demo");
const QLatin1String ServerName("server");
const QLatin1String SettingsName("settings-file");

// Options of the window that take a value (their value is not a command).
bool takesValue(const QString &argument)
{
    return argument == u"--server" || argument == u"--data-dir" || argument == u"--settings-file";
}

} // namespace

bool GuiOptions::wantsWindow(const QStringList &arguments)
{
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == u"-h" || argument == u"--help" || argument == u"--help-all"
            || argument == u"-v" || argument == u"--version") {
            return false;
        }
        if (argument == u"--")
            return i + 1 >= arguments.size();
        if (!argument.startsWith(u'-'))
            return false; // a command
        if (takesValue(argument))
            ++i;
    }
    return true;
}

std::expected<GuiOptions, QString> GuiOptions::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption demo(DemoName, tr("Use the built-in demo server."));
    const QCommandLineOption server(ServerName, tr("The ComfyUI server to use."), tr("url"));
    QCommandLineOption settings(SettingsName, tr("Settings file (INI)."), tr("file"));
    settings.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({demo, server, cli::DataDir::option(), settings});
    if (!parser.parse(arguments))
        return std::unexpected(parser.errorText());
    if (!parser.positionalArguments().isEmpty()) {
        return std::unexpected(
                tr("Unexpected argument '%1'.").arg(parser.positionalArguments().constFirst()));
    }
    GuiOptions options;
    options.demo = parser.isSet(demo);
    if (parser.isSet(server)) {
        if (parser.values(server).size() > 1)
            return std::unexpected(tr("Give --server once."));
        // The rule of cli::ServerUrl, checked without building a backend (no application yet).
        const QString value = parser.value(server);
        const QUrl url(value.trimmed(), QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty()
            || (url.scheme() != u"http" && url.scheme() != u"https")) {
            return std::unexpected(
                    tr("--server: '%1' is not an http:// or https:// address.").arg(value));
        }
        options.server = url;
    }
    if (options.demo && !options.server.isEmpty())
        return std::unexpected(tr("Give either --demo or --server, not both."));
    options.dataDir = cli::DataDir::resolve(parser);
    options.settingsFile = parser.value(settings);
    return options;
}

} // namespace comfyvideo::gui
