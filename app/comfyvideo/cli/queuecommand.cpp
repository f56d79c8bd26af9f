#include "cli/queuecommand.h"

#include "cli/datadir.h"
#include "cli/queuerunner.h"
#include "cli/requestresolution.h"
#include "cli/serverurl.h"
#include "cli/storesession.h"
#include "cli/workflowoptions.h"
#include "jobs/batch.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

#include <optional>
#include <unistd.h>

namespace comfyvideo::cli {

using storage::JobRecord;
using storage::JobStore;

namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(QueueCommand)
};

QString addUsage()
{
    return Text::tr("Usage: comfyvideo queue add animatediff|svd [options] [--count N | --seeds "
                    "A-B] [--prompts FILE]");
}

QString runUsage()
{
    return Text::tr("Usage: comfyvideo queue run --server URL [--server URL ...] [options]");
}

struct AddOptions
{
    QCommandLineOption count{QStringLiteral("count"),
                             Text::tr("Queue N jobs: consecutive seeds from --seed, or a random "
                                      "seed each without --seed."),
                             QStringLiteral("n")};
    QCommandLineOption seeds{QStringLiteral("seeds"),
                             Text::tr("Queue one job per seed of the range, e.g. 5-9 (inclusive)."),
                             QStringLiteral("first-last")};
    QCommandLineOption prompts{QStringLiteral("prompts"),
                               Text::tr("Queue one job per prompt of a UTF-8 text file, one "
                                        "prompt a line (blank lines and # comments skipped); "
                                        "with --count or --seeds, every prompt with every seed."),
                               QStringLiteral("file")};
    QCommandLineOption priority{QStringLiteral("priority"),
                                Text::tr("Higher runs first (default 0)."),
                                QStringLiteral("n"),
                                QStringLiteral("0")};
    QCommandLineOption server{QStringLiteral("server"),
                              Text::tr("Run only on this ComfyUI server (repeatable: the "
                                       "fallback order). Default: any server of 'queue run'."),
                              QStringLiteral("url")};
    QCommandLineOption dataDir = DataDir::option();
};

std::optional<int> readInt(const QCommandLineParser &parser,
                           const QCommandLineOption &option,
                           int min,
                           int max,
                           QStringList &problems)
{
    if (!parser.isSet(option))
        return std::nullopt;
    bool ok = false;
    const QString text = parser.value(option);
    const int value = text.trimmed().toInt(&ok);
    if (!ok || value < min || value > max) {
        problems << Text::tr("%1: '%2' is not a whole number from %3 to %4.")
                            .arg(option.names().constFirst(), text)
                            .arg(min)
                            .arg(max);
        return std::nullopt;
    }
    return value;
}

// The batch options; problems of their values go to `problems`.
jobs::BatchSpec readBatchSpec(const QCommandLineParser &parser,
                              const AddOptions &options,
                              const WorkflowOptions::Result &parsed,
                              QStringList &problems)
{
    jobs::BatchSpec spec;
    if (parser.isSet(QStringLiteral("seed")))
        spec.seed = parsed.request.seed;
    spec.count = readInt(parser, options.count, 1, jobs::MaxBatchJobs, problems);
    if (parser.isSet(options.seeds)) {
        const auto range = jobs::parseSeedRange(parser.value(options.seeds));
        if (range)
            spec.seeds = *range;
        else
            problems << range.error();
    }
    if (parser.isSet(options.prompts)) {
        const QString path = parser.value(options.prompts);
        const auto prompts = jobs::readPromptsFile(path);
        if (prompts)
            spec.prompts = *prompts;
        else
            problems << prompts.error();
        spec.promptsSource = QFileInfo(path).fileName();
    }
    return spec;
}

// The request as queued: models stay empty (each server picks installed ones when the job
// runs); without --frames, SVD makes the frame count of its checkpoint.
request::GenerationRequest queuedRequest(const WorkflowOptions::Result &parsed)
{
    request::GenerationRequest request = parsed.request;
    if (request.kind == request::Kind::Svd && !parsed.framesGiven)
        request.frames = request::svdDefaultFrames(request.checkpoint);
    return request;
}

// Every problem of the request as the batch will run it (the first prompt of a prompt list).
QStringList requestProblems(const WorkflowOptions::Result &parsed, const jobs::BatchSpec &spec)
{
    WorkflowOptions::Result checked = parsed;
    checked.request = queuedRequest(parsed);
    if (spec.prompts && !spec.prompts->isEmpty())
        checked.request.prompt = spec.prompts->constFirst();
    QStringList lines;
    for (const auto &problem : resolveWorkflow(checked, nullptr).inputProblems)
        lines << request::formatProblems({problem});
    return lines;
}

QList<JobRecord> recordsOf(const jobs::Batch &batch, int priority, const QStringList &chain)
{
    QList<JobRecord> records;
    records.reserve(batch.requests.size());
    for (const request::GenerationRequest &request : batch.requests) {
        JobRecord record;
        record.request = request;
        record.priority = priority;
        record.chain = chain;
        record.batchIndex = int(records.size());
        records << record;
    }
    return records;
}

void storeJobs(JobStore &store, QList<JobRecord> records, Console &console, const Finish &finish)
{
    store.addJobs(std::move(records),
                  [&console, finish](std::expected<QList<JobRecord>, storage::StoreError> added) {
                      if (endOnStoreError(added, console, finish))
                          return;
                      for (const JobRecord &job : std::as_const(*added))
                          console.out << job.id << '\n';
                      console.out.flush();
                      finish(ExitOk);
                  });
}

int storeBatch(const QString &dataDir,
               jobs::Batch batch,
               QList<JobRecord> records,
               Console &console)
{
    return runWithStore(dataDir, console, [&](JobStore &store, const Finish &finish) {
        if (records.size() == 1) {
            storeJobs(store, std::move(records), console, finish);
            return;
        }
        store.newBatch(batch.label, [&, finish](std::expected<qint64, storage::StoreError> id) {
            if (endOnStoreError(id, console, finish))
                return;
            for (JobRecord &record : records)
                record.batchId = *id;
            console.err << Text::tr("Queuing %1 jobs as batch %2 (%3).")
                                   .arg(records.size())
                                   .arg(*id)
                                   .arg(batch.label)
                        << Qt::endl;
            storeJobs(store, std::move(records), console, finish);
        });
    });
}

} // namespace

int QueueCommand::run(const QStringList &arguments, Console &console) const
{
    const QString sub = arguments.value(1);
    if (sub == QLatin1String("add"))
        return add(arguments.mid(1), console);
    if (sub == QLatin1String("run"))
        return runQueue(arguments.mid(1), console);
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h")
        || sub == QLatin1String("help")) {
        console.out << addUsage() << '\n' << runUsage() << '\n';
        return ExitOk;
    }
    console.err << (sub.isEmpty() ? tr("Say what to do: queue add or queue run.")
                                  : tr("Unknown queue command '%1': use add or run.").arg(sub))
                << '\n'
                << addUsage() << '\n'
                << runUsage() << '\n';
    return ExitUsage;
}

int QueueCommand::add(const QStringList &arguments, Console &console) const
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
            tr("Queues AnimateDiff (text to video) or SVD (image to video) jobs in the job store "
               "and prints their ids, one a line. 'comfyvideo queue run' makes them.\n\nSeeds: "
               "--seed S with --count N queues S, S+1, ...; without --seed every job gets its own "
               "random seed (stored with the job)."));
    const QCommandLineOption help = parser.addHelpOption();
    const AddOptions options;
    parser.addOptions({options.count,
                       options.seeds,
                       options.prompts,
                       options.priority,
                       options.server,
                       options.dataDir});
    request::Kind kind = request::Kind::AnimateDiff;
    if (const auto done
        = WorkflowOptions::parseWithKind(parser, help, arguments, addUsage(), console, &kind))
        return *done;

    const WorkflowOptions::Result parsed = WorkflowOptions::read(parser, kind);
    QStringList problems;
    const jobs::BatchSpec spec = readBatchSpec(parser, options, parsed, problems);
    const int priority = readInt(parser, options.priority, -1000000, 1000000, problems).value_or(0);
    const QList<QUrl> servers = ServerUrl::parseAll(parser.values(options.server), problems);
    problems << requestProblems(parsed, spec);
    std::optional<jobs::Batch> batch;
    if (problems.isEmpty()) {
        auto expanded = jobs::expandBatch(queuedRequest(parsed), spec);
        if (expanded)
            batch = std::move(*expanded);
        else
            problems << expanded.error();
    }
    if (!problems.isEmpty()) {
        for (const QString &line : std::as_const(problems))
            console.err << line << '\n';
        console.err.flush();
        return ExitUsage;
    }
    for (const QString &note : parsed.notes)
        console.err << note << '\n';
    if (!parsed.filenamePrefix.isEmpty())
        console.err << tr("Queued jobs are named by the app; --filename-prefix is ignored.")
                    << '\n';
    QStringList chain;
    for (const QUrl &url : servers)
        chain << ServerUrl::backendId(url);
    QList<JobRecord> records = recordsOf(*batch, priority, chain);
    return storeBatch(DataDir::resolve(parser), std::move(*batch), std::move(records), console);
}

int QueueCommand::runQueue(const QStringList &arguments, Console &console) const
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QueueRunOptions::description());
    const QCommandLineOption help = parser.addHelpOption();
    const QueueRunOptions options;
    options.addTo(parser);
    if (!parser.parse(arguments)) {
        console.err << parser.errorText() << '\n' << runUsage() << '\n';
        return ExitUsage;
    }
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text.replace(0, text.indexOf(u'\n'), runUsage());
        console.out << text;
        return ExitOk;
    }
    QStringList problems;
    std::optional<QueueRunOptions::Settings> settings = options.read(parser, problems);
    if (!parser.positionalArguments().isEmpty())
        problems << tr("Unexpected '%1'.").arg(parser.positionalArguments().join(u' '));
    if (!problems.isEmpty()) {
        for (const QString &line : std::as_const(problems))
            console.err << line << '\n';
        console.err << runUsage() << '\n';
        return ExitUsage;
    }
    settings->interactive = ::isatty(STDOUT_FILENO) == 1;
    return QueueRunner::exec(std::move(*settings), console);
}

} // namespace comfyvideo::cli
