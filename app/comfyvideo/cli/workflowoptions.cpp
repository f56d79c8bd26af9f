#include "cli/workflowoptions.h"

#include "cli/console.h"

#include "request/presets.h"

#include <QFileInfo>

#include <cmath>

namespace comfyvideo::cli {

using request::FieldProblem;
using request::GenerationRequest;
using request::Kind;

namespace {

struct OptionSpec
{
    const char *name;
    const char *valueName; // nullptr: a flag
    const char *description;
};

constexpr OptionSpec Specs[] = {
        {"prompt",
         "text",
         QT_TRANSLATE_NOOP("WorkflowOptions", "What the video shows (AnimateDiff).")},
        {"negative", "text", QT_TRANSLATE_NOOP("WorkflowOptions", "What to avoid (AnimateDiff).")},
        {"frames",
         "n",
         QT_TRANSLATE_NOOP("WorkflowOptions",
                           "Frame count: AnimateDiff 8-128; SVD 14 (svd) or 25 (svd_xt).")},
        {"fps", "n", QT_TRANSLATE_NOOP("WorkflowOptions", "Output frame rate, 6-24.")},
        {"steps", "n", QT_TRANSLATE_NOOP("WorkflowOptions", "Sampling steps.")},
        {"cfg", "x", QT_TRANSLATE_NOOP("WorkflowOptions", "Guidance scale (cfg).")},
        {"seed", "n", QT_TRANSLATE_NOOP("WorkflowOptions", "Seed, 0 to 18446744073709551615.")},
        {"width", "n", QT_TRANSLATE_NOOP("WorkflowOptions", "Width in pixels, a multiple of 8.")},
        {"height", "n", QT_TRANSLATE_NOOP("WorkflowOptions", "Height in pixels, a multiple of 8.")},
        {"sampler", "name", QT_TRANSLATE_NOOP("WorkflowOptions", "KSampler sampler, e.g. euler.")},
        {"scheduler",
         "name",
         QT_TRANSLATE_NOOP("WorkflowOptions", "KSampler scheduler, e.g. normal or karras.")},
        {"checkpoint",
         "name",
         QT_TRANSLATE_NOOP("WorkflowOptions",
                           "Checkpoint file as the server lists it (default: picked from "
                           "--object-info, else a common name).")},
        {"motion-module",
         "name",
         QT_TRANSLATE_NOOP("WorkflowOptions",
                           "AnimateDiff motion module file (default: picked like --checkpoint).")},
        {"image", "file", QT_TRANSLATE_NOOP("WorkflowOptions", "Start image (SVD).")},
        {"format",
         "format",
         QT_TRANSLATE_NOOP("WorkflowOptions", "Output format: h264-mp4, webm or gif.")},
        {"crf",
         "n",
         QT_TRANSLATE_NOOP("WorkflowOptions", "Video quality: 0 (lossless) to 51 (worst).")},
        {"preset",
         "id",
         QT_TRANSLATE_NOOP("WorkflowOptions",
                           "Start from a built-in preset; other options change it.")},
        {"motion-bucket",
         "n",
         QT_TRANSLATE_NOOP("WorkflowOptions", "Amount of motion, 1-1023 (SVD).")},
        {"augmentation",
         "x",
         QT_TRANSLATE_NOOP("WorkflowOptions", "Noise added to the start image, 0-10 (SVD).")},
        {"min-cfg",
         "x",
         QT_TRANSLATE_NOOP("WorkflowOptions", "Guidance at the first frame (SVD).")},
        {"conditioning-fps",
         "n",
         QT_TRANSLATE_NOOP("WorkflowOptions", "Frame rate the model is conditioned on (SVD).")},
        {"context-length",
         "n",
         QT_TRANSLATE_NOOP("WorkflowOptions", "Frames per sliding window (AnimateDiff).")},
        {"context-overlap",
         "n",
         QT_TRANSLATE_NOOP("WorkflowOptions",
                           "Frames shared by neighbouring windows (AnimateDiff).")},
        {"context-stride",
         "n",
         QT_TRANSLATE_NOOP("WorkflowOptions", "Window stride (AnimateDiff).")},
        {"context-schedule",
         "name",
         QT_TRANSLATE_NOOP(
                 "WorkflowOptions",
                 "Window schedule: standard-uniform, standard-static or looped-uniform.")},
        {"loop",
         nullptr,
         QT_TRANSLATE_NOOP("WorkflowOptions",
                           "Make a seamless loop (looped-uniform windows; AnimateDiff).")},
        {"filename-prefix",
         "prefix",
         QT_TRANSLATE_NOOP("WorkflowOptions",
                           "Output name on the server, may hold folders (default "
                           "ComfyVideo/animatediff or ComfyVideo/svd).")},
        {"beta-schedule",
         "name",
         QT_TRANSLATE_NOOP("WorkflowOptions", "AnimateDiff beta schedule (default autoselect).")},
};

constexpr const char *AnimateDiffOnly[] = {"prompt",
                                           "negative",
                                           "motion-module",
                                           "context-length",
                                           "context-overlap",
                                           "context-stride",
                                           "context-schedule",
                                           "loop",
                                           "beta-schedule"};
constexpr const char *SvdOnly[]
        = {"image", "motion-bucket", "augmentation", "min-cfg", "conditioning-fps"};

// Reads option values into a request, collecting a problem per unreadable value.
class Reader
{
    Q_DECLARE_TR_FUNCTIONS(WorkflowOptions)

public:
    Reader(const QCommandLineParser &parser, WorkflowOptions::Result &result)
        : m_parser(parser)
        , m_result(result)
    {}

    bool isSet(const char *option) const { return m_parser.isSet(QLatin1String(option)); }
    QString value(const char *option) const { return m_parser.value(QLatin1String(option)); }

    void text(const char *option, QString *target) const
    {
        if (isSet(option))
            *target = value(option);
    }

    void integer(const char *option, const char *field, int *target)
    {
        if (!isSet(option))
            return;
        bool ok = false;
        const int parsed = value(option).trimmed().toInt(&ok);
        if (ok)
            *target = parsed;
        else
            problem(field, tr("'%1' is not a whole number.").arg(value(option)));
    }

    void real(const char *option, const char *field, double *target)
    {
        if (!isSet(option))
            return;
        bool ok = false;
        const double parsed = value(option).trimmed().toDouble(&ok);
        if (ok && std::isfinite(parsed))
            *target = parsed;
        else
            problem(field, tr("'%1' is not a number.").arg(value(option)));
    }

    void seed(quint64 *target)
    {
        QString error;
        if (isSet("seed") && !request::parseSeed(value("seed"), target, &error))
            problem("seed", error);
    }

    void problem(const char *field, const QString &message)
    {
        m_result.problems << FieldProblem{QLatin1String(field), message};
    }

private:
    const QCommandLineParser &m_parser;
    WorkflowOptions::Result &m_result;
};

GenerationRequest startingRequest(Reader &reader, Kind kind, bool *fromPreset)
{
    *fromPreset = false;
    if (!reader.isSet("preset"))
        return request::defaultRequest(kind);
    const QString id = reader.value("preset");
    request::Preset preset;
    if (!request::findPreset(id, &preset)) {
        QStringList ids;
        for (const request::Preset &known : request::builtinPresets())
            ids << known.id;
        reader.problem("preset",
                       Reader::tr("Unknown preset '%1'. Presets: %2")
                               .arg(id, ids.join(QStringLiteral(", "))));
        return request::defaultRequest(kind);
    }
    if (preset.request.kind != kind) {
        reader.problem("preset",
                       Reader::tr("Preset '%1' is for %2.")
                               .arg(id, request::kindDisplayName(preset.request.kind)));
        return request::defaultRequest(kind);
    }
    *fromPreset = true;
    return preset.request;
}

void readNames(Reader &reader, GenerationRequest &request)
{
    if (reader.isSet("format") && !request::parseFormat(reader.value("format"), &request.format)) {
        reader.problem("format",
                       Reader::tr("Unknown format '%1'. Use one of: %2")
                               .arg(reader.value("format"),
                                    request::formatNames().join(QStringLiteral(", "))));
    }
    if (reader.isSet("context-schedule")
        && !request::parseSchedule(reader.value("context-schedule"), &request.contextSchedule)) {
        reader.problem("contextSchedule",
                       Reader::tr("Unknown context schedule '%1'. Use one of: %2")
                               .arg(reader.value("context-schedule"),
                                    request::scheduleNames().join(QStringLiteral(", "))));
    }
    if (reader.isSet("loop")) {
        request.closedLoop = true;
        if (!reader.isSet("context-schedule"))
            request.contextSchedule = request::ContextSchedule::LoopedUniform;
    }
    if (reader.isSet("image")) {
        const QString image = reader.value("image");
        request.referenceImage = image.isEmpty() ? image : QFileInfo(image).absoluteFilePath();
    }
}

void readValues(Reader &reader, GenerationRequest &request)
{
    reader.text("prompt", &request.prompt);
    reader.text("negative", &request.negativePrompt);
    reader.text("checkpoint", &request.checkpoint);
    reader.text("motion-module", &request.motionModule);
    reader.text("sampler", &request.sampler);
    reader.text("scheduler", &request.scheduler);
    reader.text("beta-schedule", &request.betaSchedule);
    reader.integer("frames", "frames", &request.frames);
    reader.integer("fps", "fps", &request.fps);
    reader.integer("steps", "steps", &request.steps);
    reader.real("cfg", "cfg", &request.cfg);
    reader.seed(&request.seed);
    reader.integer("width", "width", &request.width);
    reader.integer("height", "height", &request.height);
    reader.integer("crf", "crf", &request.crf);
    reader.integer("motion-bucket", "motionBucketId", &request.motionBucketId);
    reader.real("augmentation", "augmentationLevel", &request.augmentationLevel);
    reader.real("min-cfg", "minCfg", &request.minCfg);
    reader.integer("conditioning-fps", "conditioningFps", &request.conditioningFps);
    reader.integer("context-length", "contextLength", &request.contextLength);
    reader.integer("context-overlap", "contextOverlap", &request.contextOverlap);
    reader.integer("context-stride", "contextStride", &request.contextStride);
    readNames(reader, request);
}

QStringList ignoredOptions(const Reader &reader, Kind kind)
{
    QStringList ignored;
    const auto collect = [&](const auto &names) {
        for (const char *name : names) {
            if (reader.isSet(name))
                ignored << QStringLiteral("--") + QLatin1String(name);
        }
    };
    if (kind == Kind::Svd)
        collect(AnimateDiffOnly);
    else
        collect(SvdOnly);
    return ignored;
}

} // namespace

void WorkflowOptions::addTo(QCommandLineParser &parser)
{
    for (const OptionSpec &spec : Specs) {
        QString description = tr(spec.description);
        if (qstrcmp(spec.name, "preset") == 0) {
            QStringList ids;
            for (const request::Preset &preset : request::builtinPresets())
                ids << preset.id;
            description += u' ' + tr("Presets: %1.").arg(ids.join(QStringLiteral(", ")));
        }
        if (spec.valueName) {
            parser.addOption(QCommandLineOption(
                    QLatin1String(spec.name), description, QLatin1String(spec.valueName)));
        } else {
            parser.addOption(QCommandLineOption(QLatin1String(spec.name), description));
        }
    }
}

WorkflowOptions::Result WorkflowOptions::read(const QCommandLineParser &parser, Kind kind)
{
    Result result;
    Reader reader(parser, result);
    bool fromPreset = false;
    result.request = startingRequest(reader, kind, &fromPreset);
    result.request.kind = kind;
    readValues(reader, result.request);
    result.framesGiven = fromPreset || reader.isSet("frames");
    result.filenamePrefix = reader.value("filename-prefix");
    const QStringList ignored = ignoredOptions(reader, kind);
    if (!ignored.isEmpty()) {
        result.notes << tr("Ignoring options that do not apply to %1: %2")
                                .arg(request::kindDisplayName(kind),
                                     ignored.join(QStringLiteral(", ")));
    }
    return result;
}

std::optional<int> WorkflowOptions::parseWithKind(QCommandLineParser &parser,
                                                  const QCommandLineOption &help,
                                                  const QStringList &arguments,
                                                  const QString &usageLine,
                                                  Console &console,
                                                  request::Kind *kind)
{
    addTo(parser);
    parser.addPositionalArgument(
            QStringLiteral("kind"),
            QCoreApplication::translate("WorkflowOptions",
                                        "animatediff (text to video) or svd (image to video)."),
            QStringLiteral("animatediff|svd"));
    if (!parser.parse(arguments)) {
        console.err << parser.errorText() << '\n' << usageLine << '\n';
        return ExitUsage;
    }
    if (parser.isSet(help) || parser.isSet(QStringLiteral("help-all"))) {
        QString text = parser.helpText();
        // QCommandLineParser names the program only; the command belongs in the usage line.
        text.replace(0, text.indexOf(u'\n'), usageLine);
        console.out << text;
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1 || !request::parseKind(positional.constFirst(), kind)) {
        console.err << (positional.isEmpty() ? QCoreApplication::translate(
                                "WorkflowOptions", "Say what to make: animatediff or svd.")
                                             : QCoreApplication::translate(
                                                       "WorkflowOptions",
                                                       "Unexpected '%1': say animatediff or svd.")
                                                       .arg(positional.join(u' ')))
                    << '\n'
                    << usageLine << '\n';
        return ExitUsage;
    }
    return std::nullopt;
}

} // namespace comfyvideo::cli
