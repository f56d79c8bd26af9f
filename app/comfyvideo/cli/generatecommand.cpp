#include "cli/generatecommand.h"

#include "cli/generatejob.h"
#include "cli/requestresolution.h"
#include "cli/serverurl.h"
#include "cli/signalwatcher.h"
#include "cli/workflowoptions.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

#include <optional>
#include <unistd.h>

namespace comfyvideo::cli {

using request::Kind;

namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(GenerateCommand)
};

constexpr int DefaultTimeoutSeconds = 1200;

QString usageLine()
{
    return Text::tr("Usage: comfyvideo generate animatediff|svd --server URL --output FILE "
                    "[options]");
}

struct Options
{
    QCommandLineOption server{QStringLiteral("server"),
                              Text::tr("The ComfyUI server, e.g. http://127.0.0.1:8188."),
                              QStringLiteral("url")};
    QCommandLineOption output{QStringLiteral("output"),
                              Text::tr("Where to write the video (folders are created)."),
                              QStringLiteral("file")};
    QCommandLineOption timeout{QStringLiteral("timeout"),
                               Text::tr("Give up (and cancel on the server) after this many "
                                        "seconds; default %1.")
                                       .arg(DefaultTimeoutSeconds),
                               QStringLiteral("seconds"),
                               QString::number(DefaultTimeoutSeconds)};
    QCommandLineOption verbose{QStringLiteral("verbose"),
                               Text::tr("On failure, also print the technical details.")};
    QCommandLineOption caFile = ServerUrl::caFileOption();
};

// Server address, output file and timeout; a line per problem in `problems`.
std::optional<GenerateJob::Settings>
readSettings(const QCommandLineParser &parser, const Options &options, QStringList &problems)
{
    GenerateJob::Settings settings;
    const QUrl server = QUrl(parser.value(options.server).trimmed(), QUrl::StrictMode);
    if (!parser.isSet(options.server))
        problems << Text::tr("server: give the ComfyUI address with --server URL.");
    else if (!server.isValid() || server.host().isEmpty()
             || (server.scheme() != u"http" && server.scheme() != u"https"))
        problems << Text::tr("server: '%1' is not an http:// or https:// address.")
                            .arg(parser.value(options.server));
    settings.server = server;
    settings.caFile = ServerUrl::readCaFile(parser.value(options.caFile), problems);
    if (!parser.isSet(options.output) || parser.value(options.output).isEmpty())
        problems << Text::tr("output: say where to write the video with --output FILE.");
    else if (QFileInfo(parser.value(options.output)).isDir())
        problems << Text::tr("output: '%1' is a folder; name a file.")
                            .arg(parser.value(options.output));
    settings.outputPath = QFileInfo(parser.value(options.output)).absoluteFilePath();
    bool ok = false;
    settings.timeoutSeconds = parser.value(options.timeout).trimmed().toInt(&ok);
    if (!ok || settings.timeoutSeconds <= 0 || settings.timeoutSeconds > 7 * 24 * 3600)
        problems << Text::tr("timeout: '%1' is not a number of seconds (1 to 604800).")
                            .arg(parser.value(options.timeout));
    settings.verbose = parser.isSet(options.verbose);
    settings.interactive = ::isatty(STDERR_FILENO) == 1;
    if (!problems.isEmpty())
        return std::nullopt;
    return settings;
}

int runJob(GenerateJob::Settings settings, Console &console)
{
    // Before the job starts any thread: they inherit the blocked signals.
    SignalWatcher watcher;
    GenerateJob job(std::move(settings), console);
    QObject::connect(&watcher, &SignalWatcher::received, &job, &GenerateJob::stop);
    QObject::connect(&job, &GenerateJob::finished, QCoreApplication::instance(), [](int code) {
        QCoreApplication::exit(code);
    });
    QMetaObject::invokeMethod(&job, &GenerateJob::start, Qt::QueuedConnection);
    return QCoreApplication::exec();
}

} // namespace

int GenerateCommand::run(const QStringList &arguments, Console &console) const
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
            tr("Runs one AnimateDiff (text to video) or SVD (image to video) job on a ComfyUI "
               "server, shows its progress on stderr, writes the video to --output and prints "
               "its path.\n\nExit codes: 0 done, 1 output folder not writable, 2 invalid "
               "input, 10 model not found, 11 out of memory, 12 timeout, 13 network error, 14 "
               "server unavailable, 15 unknown, 16 missing custom node, 17 access refused, 18 "
               "server error, 19 canceled."));
    const Options options;
    const QCommandLineOption help = parser.addHelpOption();
    parser.addOptions(
            {options.server, options.caFile, options.output, options.timeout, options.verbose});
    Kind kind = Kind::AnimateDiff;
    if (const auto done
        = WorkflowOptions::parseWithKind(parser, help, arguments, usageLine(), console, &kind))
        return *done;
    QStringList problems;
    std::optional<GenerateJob::Settings> settings = readSettings(parser, options, problems);
    const WorkflowOptions::Result parsed = WorkflowOptions::read(parser, kind);
    // Everything that can be checked without the server, before contacting it.
    const ResolvedWorkflow local = resolveWorkflow(parsed, nullptr);
    for (const auto &problem : local.inputProblems)
        problems << request::formatProblems({problem});
    if (!problems.isEmpty()) {
        for (const QString &line : std::as_const(problems))
            console.err << line << '\n';
        return ExitUsage;
    }
    const QString directory = QFileInfo(settings->outputPath).absolutePath();
    if (!QDir().mkpath(directory) || !QFileInfo(directory).isWritable()) {
        console.err << tr("Cannot write into the folder '%1' for --output.").arg(directory) << '\n';
        return ExitFailure;
    }
    settings->parsed = parsed;
    return runJob(std::move(*settings), console);
}

} // namespace comfyvideo::cli
