#include "cli/queuerunoptions.h"

#include "cli/datadir.h"
#include "cli/serverurl.h"

#include <QDir>
#include <QFileInfo>

namespace comfyvideo::cli {

namespace {

constexpr int MaxConcurrency = 64;
constexpr int MaxTimeoutMinutes = 7 * 24 * 60;

std::optional<int> readMinutes(const QCommandLineParser &parser,
                               const QCommandLineOption &option,
                               int max,
                               QStringList &problems)
{
    bool ok = false;
    const QString text = parser.value(option);
    const int value = text.trimmed().toInt(&ok);
    if (ok && value >= 1 && value <= max)
        return value;
    problems << QueueRunOptions::tr("%1: '%2' is not a whole number from 1 to %3.")
                        .arg(option.names().constFirst(), text)
                        .arg(max);
    return std::nullopt;
}

} // namespace

QueueRunOptions::QueueRunOptions()
    : m_server(QStringLiteral("server"),
               tr("A ComfyUI server to run jobs on, e.g. http://127.0.0.1:8188 (repeatable; "
                  "earlier servers are preferred)."),
               QStringLiteral("url"))
    , m_concurrency(QStringLiteral("concurrency"),
                    tr("Jobs at once per server (default 1)."),
                    QStringLiteral("n"),
                    QStringLiteral("1"))
    , m_timeout(QStringLiteral("timeout-minutes"),
                tr("Give a job up (and cancel it on its server) after this many minutes from "
                   "submission; default 20."),
                QStringLiteral("m"),
                QStringLiteral("20"))
    , m_stall(QStringLiteral("stall-minutes"),
              tr("Give a running job up after this many minutes without progress; default 5."),
              QStringLiteral("m"),
              QStringLiteral("5"))
    , m_outputDir(QStringLiteral("output-dir"),
                  tr("Where the videos go (default: the videos folder of the data folder)."),
                  QStringLiteral("dir"))
    , m_dataDir(DataDir::option())
    , m_caFile(ServerUrl::caFileOption())
{}

QString QueueRunOptions::description()
{
    return tr("Runs the queued jobs on the given ComfyUI servers until the queue is drained, "
              "printing a line per job event on stdout. Jobs a crashed or stopped run left on a "
              "server are picked up again; a completed job never runs twice. Only one 'queue "
              "run' works on a data folder at a time; jobs queued or retried meanwhile run too."
              "\n\nSIGINT/SIGTERM: no new jobs start, "
              "uploads and downloads under way finish (at most 10 s), then the run exits; jobs "
              "still running on a server carry on there and the next 'queue run' fetches their "
              "videos. A second signal exits at once.\n\nExit codes: 0 every job it ran "
              "completed (or was canceled), 1 a job failed or the store or lock could not be "
              "used, 2 invalid options, 130/143 stopped by SIGINT/SIGTERM.");
}

void QueueRunOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions(
            {m_server, m_concurrency, m_timeout, m_stall, m_outputDir, m_dataDir, m_caFile});
}

std::optional<QueueRunOptions::Settings> QueueRunOptions::read(const QCommandLineParser &parser,
                                                               QStringList &problems) const
{
    Settings settings;
    const qsizetype before = problems.size();
    settings.servers = ServerUrl::parseAll(parser.values(m_server), problems);
    if (!parser.isSet(m_server))
        problems << tr("server: give at least one ComfyUI address with --server URL.");
    settings.caFile = ServerUrl::readCaFile(parser.value(m_caFile), problems);
    bool ok = false;
    settings.concurrency = parser.value(m_concurrency).trimmed().toInt(&ok);
    if (!ok || settings.concurrency < 1 || settings.concurrency > MaxConcurrency)
        problems << tr("concurrency: '%1' is not a whole number from 1 to %2.")
                            .arg(parser.value(m_concurrency))
                            .arg(MaxConcurrency);
    settings.timeout = std::chrono::minutes(
            readMinutes(parser, m_timeout, MaxTimeoutMinutes, problems).value_or(20));
    settings.stall = std::chrono::minutes(
            readMinutes(parser, m_stall, MaxTimeoutMinutes, problems).value_or(5));
    settings.dataDir = DataDir::resolve(parser);
    const QString output = parser.value(m_outputDir);
    settings.outputDir = output.isEmpty() ? DataDir::videosPath(settings.dataDir)
                                          : QDir::cleanPath(QFileInfo(output).absoluteFilePath());
    if (QFileInfo(settings.outputDir).exists() && !QFileInfo(settings.outputDir).isDir())
        problems << tr("output-dir: '%1' is a file; name a folder.").arg(output);
    if (problems.size() != before)
        return std::nullopt;
    return settings;
}

} // namespace comfyvideo::cli
