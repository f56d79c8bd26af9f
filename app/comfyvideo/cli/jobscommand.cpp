#include "cli/jobscommand.h"

#include "cli/datadir.h"
#include "cli/jobactions.h"
#include "cli/jobformat.h"
#include "cli/serverurl.h"
#include "cli/storesession.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>

#include <optional>

namespace comfyvideo::cli {

using storage::JobState;
using storage::JobStore;
using storage::StoreError;

namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(JobsCommand)
};

constexpr int DefaultLimit = 50;
constexpr int MaxLimit = 100000;

QString usage()
{
    return Text::tr("Usage: comfyvideo jobs list|show ID|cancel ID|retry ID|stats [options]");
}

void writeJson(Console &console, const QJsonObject &object)
{
    console.out << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) << '\n';
}

// Parses `arguments` (the subcommand first); the exit code when the command is done already.
std::optional<int> parse(QCommandLineParser &parser,
                         const QStringList &arguments,
                         const QString &usageLine,
                         int positionals,
                         Console &console)
{
    const QCommandLineOption help = parser.addHelpOption();
    parser.addOption(DataDir::option());
    if (!parser.parse(arguments)) {
        console.err << parser.errorText() << '\n' << usageLine << '\n';
        return ExitUsage;
    }
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text.replace(0, text.indexOf(u'\n'), usageLine);
        console.out << text;
        return ExitOk;
    }
    if (parser.positionalArguments().size() != positionals) {
        console.err << (positionals == 1 && parser.positionalArguments().isEmpty()
                                ? Text::tr("Say which job: give its id.")
                                : Text::tr("Unexpected '%1'.")
                                          .arg(parser.positionalArguments().join(u' ')))
                    << '\n'
                    << usageLine << '\n';
        return ExitUsage;
    }
    return std::nullopt;
}

// "12" or "#12".
std::optional<qint64> jobId(const QString &text)
{
    QString digits = text.trimmed();
    if (digits.startsWith(u'#'))
        digits.remove(0, 1);
    bool ok = false;
    const qint64 id = digits.toLongLong(&ok);
    if (!ok || id <= 0)
        return std::nullopt;
    return id;
}

// --state values: stored state names, comma-separated or repeated; "active" and "finished" too.
QList<JobState> readStates(const QStringList &values, QStringList &problems)
{
    QList<JobState> states;
    for (const QString &value : values) {
        for (const QString &name : value.split(u',', Qt::SkipEmptyParts)) {
            const QString n = name.trimmed().toLower();
            QList<JobState> matched;
            for (JobState state : storage::allStates()) {
                if ((n == u"active" && storage::isActive(state))
                    || (n == u"finished" && storage::isTerminal(state)))
                    matched << state;
            }
            if (const auto state = storage::parseState(n))
                matched << *state;
            if (matched.isEmpty()) {
                QStringList names;
                for (JobState state : storage::allStates())
                    names << storage::stateName(state);
                problems << Text::tr("state: unknown state '%1'. Use one of: %2, active, finished.")
                                    .arg(name, names.join(QStringLiteral(", ")));
            }
            for (JobState state : std::as_const(matched)) {
                if (!states.contains(state))
                    states << state;
            }
        }
    }
    return states;
}

std::optional<storage::JobQuery> readQuery(const QCommandLineParser &parser, Console &console)
{
    storage::JobQuery query;
    QStringList problems;
    query.states = readStates(parser.values(QStringLiteral("state")), problems);
    query.kind = parser.value(QStringLiteral("kind")).trimmed().toLower();
    request::Kind kind;
    if (!query.kind.isEmpty() && !request::parseKind(query.kind, &kind))
        problems << Text::tr("kind: unknown kind '%1'. Use animatediff or svd.").arg(query.kind);
    query.text = parser.value(QStringLiteral("search"));
    if (parser.isSet(QStringLiteral("backend"))) {
        const QString backend = parser.value(QStringLiteral("backend"));
        QStringList ignored;
        const QList<QUrl> urls = ServerUrl::parseAll({backend}, ignored);
        query.backend = urls.isEmpty() ? backend : ServerUrl::backendId(urls.constFirst());
    }
    const auto number = [&](const char *name, int fallback, int min) {
        const QString text = parser.value(QLatin1String(name));
        if (text.isEmpty())
            return fallback;
        bool ok = false;
        const int value = text.trimmed().toInt(&ok);
        if (!ok || value < min || value > MaxLimit) {
            problems << Text::tr("%1: '%2' is not a whole number from %3 to %4.")
                                .arg(QLatin1String(name), text)
                                .arg(min)
                                .arg(MaxLimit);
        }
        return value;
    };
    query.limit = number("limit", DefaultLimit, 1);
    query.offset = number("offset", 0, 0);
    query.order = storage::JobQuery::Order::NewestFirst;
    if (!problems.isEmpty()) {
        for (const QString &line : std::as_const(problems))
            console.err << line << '\n';
        return std::nullopt;
    }
    return query;
}

void addListOptions(QCommandLineParser &parser, const QCommandLineOption &json)
{
    parser.addOptions(
            {{QStringLiteral("state"),
              Text::tr("Only jobs in these states (comma-separated: queued, dispatching, "
                       "uploading, submitted, running, fetching, completed, failed, canceled; "
                       "active, finished)."),
              QStringLiteral("states")},
             {QStringLiteral("kind"),
              Text::tr("Only animatediff or svd jobs."),
              QStringLiteral("kind")},
             {QStringLiteral("search"),
              Text::tr("Only jobs whose prompt contains this text (any case)."),
              QStringLiteral("text")},
             {QStringLiteral("backend"),
              Text::tr("Only jobs of this backend (a server URL or a backend id)."),
              QStringLiteral("backend")},
             {QStringLiteral("limit"),
              Text::tr("At most N jobs (default %1).").arg(DefaultLimit),
              QStringLiteral("n")},
             {QStringLiteral("offset"), Text::tr("Skip the first N jobs."), QStringLiteral("n")},
             json});
}

int list(const QStringList &arguments, Console &console)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Text::tr("Lists jobs, newest first."));
    const QCommandLineOption json(QStringLiteral("json"), Text::tr("One JSON object per line."));
    addListOptions(parser, json);
    const QString line = Text::tr("Usage: comfyvideo jobs list [options]");
    if (const auto done = parse(parser, arguments, line, 0, console))
        return *done;
    const auto query = readQuery(parser, console);
    if (!query)
        return ExitUsage;
    const bool asJson = parser.isSet(json);
    return runWithStore(
            DataDir::resolve(parser), console, [&](JobStore &store, const Finish &finish) {
                store.query(*query, [&, finish](std::expected<storage::JobPage, StoreError> page) {
                    if (endOnStoreError(page, console, finish))
                        return;
                    if (asJson) {
                        for (const storage::JobRecord &job : std::as_const(page->jobs))
                            writeJson(console, JobFormat::toJson(job));
                    } else if (!page->jobs.isEmpty()) {
                        for (const QString &row : JobFormat::table(page->jobs))
                            console.out << row << '\n';
                    }
                    console.out.flush();
                    if (!asJson && page->total > page->jobs.size()) {
                        console.err << Text::tr("Showing %1-%2 of %3 jobs (--limit, --offset).")
                                               .arg(query->offset + 1)
                                               .arg(query->offset + page->jobs.size())
                                               .arg(page->total)
                                    << Qt::endl;
                    } else if (!asJson && page->jobs.isEmpty()) {
                        console.err << Text::tr("No jobs match.") << Qt::endl;
                    }
                    finish(ExitOk);
                });
            });
}

int show(const QStringList &arguments, Console &console)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Text::tr("Shows every field of a job and its event log."));
    const QCommandLineOption json(
            QStringLiteral("json"),
            Text::tr("As one JSON object: {\"job\": ..., \"events\": [...]}."));
    parser.addOption(json);
    parser.addPositionalArgument(QStringLiteral("id"), Text::tr("The job's id."));
    const QString line = Text::tr("Usage: comfyvideo jobs show ID [--json]");
    if (const auto done = parse(parser, arguments, line, 1, console))
        return *done;
    const auto id = jobId(parser.positionalArguments().constFirst());
    if (!id) {
        console.err
                << Text::tr("'%1' is not a job id.").arg(parser.positionalArguments().constFirst())
                << '\n';
        return ExitUsage;
    }
    const bool asJson = parser.isSet(json);
    return runWithStore(
            DataDir::resolve(parser), console, [&](JobStore &store, const Finish &finish) {
                store.job(*id, [&, finish](std::expected<storage::JobRecord, StoreError> job) {
                    if (endOnStoreError(job, console, finish))
                        return;
                    store.events(*id, [&, finish, record = *job](auto events) {
                        if (endOnStoreError(events, console, finish))
                            return;
                        if (asJson) {
                            QJsonArray list;
                            for (const storage::JobEvent &event : std::as_const(*events))
                                list.append(JobFormat::toJson(event));
                            writeJson(console,
                                      {{QStringLiteral("job"), JobFormat::toJson(record)},
                                       {QStringLiteral("events"), list}});
                        } else {
                            for (const QString &text : JobFormat::details(record, *events))
                                console.out << text << '\n';
                        }
                        console.out.flush();
                        finish(ExitOk);
                    });
                });
            });
}

int stats(const QStringList &arguments, Console &console)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Text::tr("Counts the jobs by state and per backend."));
    const QCommandLineOption json(QStringLiteral("json"), Text::tr("As one JSON object."));
    parser.addOption(json);
    const QString line = Text::tr("Usage: comfyvideo jobs stats [--json]");
    if (const auto done = parse(parser, arguments, line, 0, console))
        return *done;
    const bool asJson = parser.isSet(json);
    return runWithStore(
            DataDir::resolve(parser), console, [&](JobStore &store, const Finish &finish) {
                store.stats([&, finish](std::expected<storage::QueueStats, StoreError> stats) {
                    if (endOnStoreError(stats, console, finish))
                        return;
                    if (asJson) {
                        writeJson(console, JobFormat::toJson(*stats));
                    } else {
                        for (const QString &text : JobFormat::stats(*stats))
                            console.out << text << '\n';
                    }
                    console.out.flush();
                    finish(ExitOk);
                });
            });
}

int change(const QStringList &arguments, Console &console, JobActions::Action action)
{
    QCommandLineParser parser;
    const bool cancel = action == JobActions::Action::Cancel;
    parser.setApplicationDescription(
            cancel ? Text::tr("Cancels a job: a queued one at once, a running one through the "
                              "'queue run' that runs it.")
                   : Text::tr("Puts a failed or canceled job back in the queue."));
    parser.addPositionalArgument(QStringLiteral("id"), Text::tr("The job's id."));
    const QString line = cancel ? Text::tr("Usage: comfyvideo jobs cancel ID")
                                : Text::tr("Usage: comfyvideo jobs retry ID");
    if (const auto done = parse(parser, arguments, line, 1, console))
        return *done;
    const auto id = jobId(parser.positionalArguments().constFirst());
    if (!id) {
        console.err
                << Text::tr("'%1' is not a job id.").arg(parser.positionalArguments().constFirst())
                << '\n';
        return ExitUsage;
    }
    const QString dataDir = DataDir::resolve(parser);
    return runWithStore(dataDir, console, [&](JobStore &store, const Finish &finish) {
        JobActions::apply(action, store, *id, dataDir, console, finish);
    });
}

} // namespace

int JobsCommand::run(const QStringList &arguments, Console &console) const
{
    const QString sub = arguments.value(1);
    const QStringList rest = arguments.mid(1);
    if (sub == QLatin1String("list"))
        return list(rest, console);
    if (sub == QLatin1String("show"))
        return show(rest, console);
    if (sub == QLatin1String("stats"))
        return stats(rest, console);
    if (sub == QLatin1String("cancel"))
        return change(rest, console, JobActions::Action::Cancel);
    if (sub == QLatin1String("retry"))
        return change(rest, console, JobActions::Action::Retry);
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h")
        || sub == QLatin1String("help")) {
        console.out << usage() << '\n';
        return ExitOk;
    }
    console.err << (sub.isEmpty() ? tr("Say what to do: jobs list, show, cancel, retry or stats.")
                                  : tr("Unknown jobs command '%1'.").arg(sub))
                << '\n'
                << usage() << '\n';
    return ExitUsage;
}

} // namespace comfyvideo::cli
