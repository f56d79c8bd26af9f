#include "jobs/batch.h"

#include "request/validation.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QStringDecoder>

#include <limits>

namespace comfyvideo::jobs {

namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(Batch)
};

constexpr quint64 MaxSeed = std::numeric_limits<quint64>::max();

// One line of a prompts file: the prompt, nothing (skipped), or an error.
std::expected<std::optional<QString>, QString>
promptOfLine(QByteArrayView bytes, const QString &sourceName, int lineNumber)
{
    if (bytes.endsWith('\r'))
        bytes.chop(1);
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString line = decoder.decode(bytes);
    if (decoder.hasError()) {
        return std::unexpected(Text::tr("%1, line %2: the text is not UTF-8; save the file as "
                                        "UTF-8.")
                                       .arg(sourceName)
                                       .arg(lineNumber));
    }
    line = line.trimmed();
    if (line.isEmpty() || line.startsWith(u'#'))
        return std::optional<QString>();
    if (line.startsWith(QLatin1String("\\#")))
        line.remove(0, 1);
    if (line.size() > MaxPromptLength) {
        return std::unexpected(Text::tr("%1, line %2: the prompt has %3 characters; a prompt "
                                        "may have at most %4.")
                                       .arg(sourceName)
                                       .arg(lineNumber)
                                       .arg(line.size())
                                       .arg(MaxPromptLength));
    }
    return std::optional<QString>(line);
}

QString seedText(quint64 seed)
{
    return QString::number(seed);
}

// The seeds of one prompt: explicit ones, or nullopt for each job that draws a random seed.
std::expected<QList<std::optional<quint64>>, QString> seedsOf(const BatchSpec &spec)
{
    QList<std::optional<quint64>> seeds;
    if (spec.seeds) {
        for (quint64 seed = spec.seeds->first;; ++seed) {
            seeds << seed;
            if (seed == spec.seeds->last)
                break;
        }
        return seeds;
    }
    const int count = spec.count.value_or(1);
    if (spec.seed && quint64(count - 1) > MaxSeed - *spec.seed) {
        return std::unexpected(Text::tr("count: %1 seeds from %2 would pass the largest seed, "
                                        "%3; start from a smaller --seed.")
                                       .arg(count)
                                       .arg(seedText(*spec.seed), seedText(MaxSeed)));
    }
    for (int i = 0; i < count; ++i)
        seeds << (spec.seed ? std::optional<quint64>(*spec.seed + quint64(i)) : std::nullopt);
    return seeds;
}

QStringList specProblems(const request::GenerationRequest &base, const BatchSpec &spec)
{
    QStringList problems;
    if (spec.count && spec.seeds)
        problems << Text::tr("Give either a count or a seed range, not both.");
    if (spec.seeds && spec.seed)
        problems << Text::tr("Give either a seed or a seed range, not both.");
    if (spec.count && (*spec.count < 1 || *spec.count > MaxBatchJobs))
        problems << Text::tr("count: %1 is not a number of jobs from 1 to %2.")
                            .arg(*spec.count)
                            .arg(MaxBatchJobs);
    if (spec.seeds && spec.seeds->first > spec.seeds->last)
        problems << Text::tr("seeds: the range %1-%2 runs backwards; put the smaller seed first.")
                            .arg(seedText(spec.seeds->first), seedText(spec.seeds->last));
    else if (spec.seeds && spec.seeds->last - spec.seeds->first >= quint64(MaxBatchJobs))
        problems << Text::tr("seeds: %1-%2 would make more than %3 jobs.")
                            .arg(seedText(spec.seeds->first), seedText(spec.seeds->last))
                            .arg(MaxBatchJobs);
    if (spec.prompts && base.kind != request::Kind::AnimateDiff)
        problems << Text::tr("prompts: a prompt list applies to AnimateDiff only; %1 does not use "
                             "a prompt.")
                            .arg(request::kindDisplayName(base.kind));
    if (spec.prompts && spec.prompts->isEmpty())
        problems << Text::tr("prompts: the list holds no prompt.");
    return problems;
}

QString labelOf(const BatchSpec &spec, qsizetype seedsPerPrompt)
{
    QString seeds;
    if (spec.seeds) {
        seeds = Text::tr("seeds %1-%2")
                        .arg(seedText(spec.seeds->first), seedText(spec.seeds->last));
    } else if (spec.seed) {
        seeds = seedsPerPrompt == 1
                        ? Text::tr("seed %1").arg(seedText(*spec.seed))
                        : Text::tr("seeds %1-%2")
                                  .arg(seedText(*spec.seed),
                                       seedText(*spec.seed + quint64(seedsPerPrompt - 1)));
    } else {
        seeds = seedsPerPrompt == 1 ? Text::tr("a random seed")
                                    : Text::tr("%1 random seeds").arg(seedsPerPrompt);
    }
    if (!spec.prompts)
        return seeds;
    const QString source = spec.promptsSource.isEmpty() ? Text::tr("a list") : spec.promptsSource;
    const QString prompts
            = spec.prompts->size() == 1
                      ? Text::tr("1 prompt from %1").arg(source)
                      : Text::tr("%1 prompts from %2").arg(spec.prompts->size()).arg(source);
    return Text::tr("%1 × %2").arg(prompts, seeds);
}

} // namespace

std::expected<SeedRange, QString> parseSeedRange(const QString &text)
{
    const QString trimmed = text.trimmed();
    const qsizetype dash = trimmed.indexOf(u'-', 1); // a leading '-' is a negative seed
    if (dash < 0) {
        return std::unexpected(
                Text::tr("seeds: '%1' is not a range; write it as FIRST-LAST, e.g. 5-9.")
                        .arg(text));
    }
    SeedRange range;
    QString error;
    if (!request::parseSeed(trimmed.left(dash), &range.first, &error)
        || !request::parseSeed(trimmed.mid(dash + 1), &range.last, &error))
        return std::unexpected(Text::tr("seeds: %1").arg(error));
    if (range.first > range.last) {
        return std::unexpected(
                Text::tr("seeds: the range %1-%2 runs backwards; put the smaller seed first.")
                        .arg(seedText(range.first), seedText(range.last)));
    }
    if (range.last - range.first >= quint64(MaxBatchJobs)) {
        return std::unexpected(Text::tr("seeds: %1-%2 would make more than %3 jobs.")
                                       .arg(seedText(range.first), seedText(range.last))
                                       .arg(MaxBatchJobs));
    }
    return range;
}

std::expected<QStringList, QString> parsePrompts(QByteArrayView utf8, const QString &sourceName)
{
    if (utf8.startsWith("\xEF\xBB\xBF"))
        utf8 = utf8.sliced(3);
    QStringList prompts;
    int lineNumber = 0;
    while (!utf8.isEmpty()) {
        ++lineNumber;
        const qsizetype end = utf8.indexOf('\n');
        const QByteArrayView line = end < 0 ? utf8 : utf8.first(end);
        utf8 = end < 0 ? QByteArrayView() : utf8.sliced(end + 1);
        auto prompt = promptOfLine(line, sourceName, lineNumber);
        if (!prompt)
            return std::unexpected(prompt.error());
        if (!*prompt)
            continue;
        if (prompts.size() == MaxBatchJobs) {
            return std::unexpected(Text::tr("%1, line %2: more than %3 prompts; split the list.")
                                           .arg(sourceName)
                                           .arg(lineNumber)
                                           .arg(MaxBatchJobs));
        }
        prompts << **prompt;
    }
    if (prompts.isEmpty()) {
        return std::unexpected(Text::tr("%1 holds no prompt (blank lines and lines starting "
                                        "with # are skipped).")
                                       .arg(sourceName));
    }
    return prompts;
}

std::expected<QStringList, QString> readPromptsFile(const QString &path)
{
    QFile file(path);
    if (QFileInfo(path).isDir())
        return std::unexpected(Text::tr("prompts: '%1' is a folder; name a text file.").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(
                Text::tr("prompts: cannot read '%1': %2").arg(path, file.errorString()));
    if (file.size() > MaxPromptsFileBytes) {
        return std::unexpected(Text::tr("prompts: '%1' has %2 bytes; a prompts file may have at "
                                        "most %3.")
                                       .arg(path)
                                       .arg(file.size())
                                       .arg(MaxPromptsFileBytes));
    }
    const QByteArray bytes = file.read(MaxPromptsFileBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return std::unexpected(
                Text::tr("prompts: cannot read '%1': %2").arg(path, file.errorString()));
    return parsePrompts(bytes, QFileInfo(path).fileName());
}

std::expected<Batch, QStringList> expandBatch(const request::GenerationRequest &base,
                                              const BatchSpec &spec,
                                              const SeedGenerator &randomSeed)
{
    QStringList problems = specProblems(base, spec);
    if (!problems.isEmpty())
        return std::unexpected(problems);
    const auto seeds = seedsOf(spec);
    if (!seeds)
        return std::unexpected(QStringList{seeds.error()});
    const QStringList prompts = spec.prompts.value_or(QStringList{base.prompt});
    if (qint64(prompts.size()) * seeds->size() > MaxBatchJobs) {
        return std::unexpected(QStringList{
                Text::tr("%1 prompts × %2 seeds make %3 jobs; a batch may have at most %4.")
                        .arg(prompts.size())
                        .arg(seeds->size())
                        .arg(qint64(prompts.size()) * seeds->size())
                        .arg(MaxBatchJobs)});
    }
    const SeedGenerator draw = randomSeed ? randomSeed : [] {
        return QRandomGenerator::system()->generate64();
    };
    Batch batch;
    batch.requests.reserve(prompts.size() * seeds->size());
    for (const QString &prompt : prompts) {
        for (const std::optional<quint64> &seed : *seeds) {
            request::GenerationRequest request = base;
            request.prompt = prompt;
            request.seed = seed ? *seed : draw();
            batch.requests << request;
        }
    }
    batch.label = labelOf(spec, seeds->size());
    return batch;
}

} // namespace comfyvideo::jobs
