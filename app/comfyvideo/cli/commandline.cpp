#include "cli/commandline.h"

#include "cli/generatecommand.h"
#include "cli/jobscommand.h"
#include "cli/queuecommand.h"
#include "cli/workflowcommand.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace comfyvideo::cli {

namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(CommandLine)
};

int runWithoutCommand(Console &console)
{
#if COMFYVIDEO_HAS_UI
    // main() opens the window when no command is given; reaching this is a usage error.
    console.err << Text::tr("Give a command, or start comfyvideo without one to open the "
                            "window.")
                << '\n'
                << Text::tr("Run 'comfyvideo --help' to see the commands.") << '\n';
    return ExitUsage;
#else
    console.err << Text::tr("This ComfyVideo was built without its window "
                            "(COMFYVIDEO_BUILD_UI=OFF): give a command.")
                << '\n'
                << Text::tr("Run 'comfyvideo --help' to see the commands.") << '\n';
    return ExitUsage;
#endif
}

QString windowHelp()
{
#if COMFYVIDEO_HAS_UI
    return Text::tr("\n\nWithout a command, ComfyVideo opens its window:\n"
                    "  --demo            Use the built-in demo server (renders a test animation, "
                    "not AI);\n"
                    "                    the default when no server is configured.\n"
                    "  --server <url>    Use this ComfyUI server (http:// or https://) for this "
                    "run.\n"
                    "  --data-dir <dir>  The job store and videos, shared with 'queue' and "
                    "'jobs'.");
#else
    return {};
#endif
}

} // namespace

int runCommandLine(const QStringList &arguments, Console &console)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
            Text::tr("Makes short videos with ComfyUI: AnimateDiff (text to video) and Stable "
                     "Video Diffusion (image to video).\n\nCommands:\n"
                     "  workflow    Print the ComfyUI workflow (API format) for a request.\n"
                     "  generate    Make a video on a ComfyUI server and save it to a file.\n"
                     "  queue       Queue jobs (queue add) and run the queue on ComfyUI servers "
                     "(queue run).\n"
                     "  jobs        List, show, cancel, retry and count queued jobs.\n\n"
                     "Run 'comfyvideo <command> --help' for the options of a command.")
            + windowHelp());
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"),
                                 Text::tr("The command to run (see above)."),
                                 QStringLiteral("[command]"));
    // Everything after the command belongs to the command.
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);

    if (!parser.parse(arguments)) {
        console.err << parser.errorText() << '\n'
                    << Text::tr("Run 'comfyvideo --help' to see the commands.") << '\n';
        return ExitUsage;
    }
    if (parser.isSet(help) || parser.isSet(QStringLiteral("help-all"))) {
        QString text = parser.helpText();
        // QCommandLineParser names the program by the path it was started with.
        text.replace(0, text.indexOf(u'\n'), Text::tr("Usage: comfyvideo [options] [command]"));
        console.out << text;
        return ExitOk;
    }
    if (parser.isSet(version)) {
        console.out << QCoreApplication::applicationName() << ' '
                    << QCoreApplication::applicationVersion() << '\n';
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return runWithoutCommand(console);

    const QString command = positional.constFirst();
    if (command == QLatin1String("workflow"))
        return WorkflowCommand().run(positional, console);
    if (command == QLatin1String("generate"))
        return GenerateCommand().run(positional, console);
    if (command == QLatin1String("queue"))
        return QueueCommand().run(positional, console);
    if (command == QLatin1String("jobs"))
        return JobsCommand().run(positional, console);

    console.err << Text::tr("Unknown command '%1'.").arg(command) << '\n'
                << Text::tr("Run 'comfyvideo --help' to see the commands.") << '\n';
    return ExitUsage;
}

} // namespace comfyvideo::cli
