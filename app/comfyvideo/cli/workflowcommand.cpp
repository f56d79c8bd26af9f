#include "cli/workflowcommand.h"

#include "cli/workflowoptions.h"
#include "comfy/catalogdefaults.h"
#include "comfy/nodecatalog.h"
#include "comfy/workflowbuilder.h"
#include "comfy/workflowvalidator.h"
#include "request/validation.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <optional>

namespace comfyvideo::cli {

using request::GenerationRequest;
using request::Kind;

namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(WorkflowCommand)
};

struct Outcome
{
    comfy::BuiltWorkflow workflow;
    QStringList notes;
    QStringList problems; // "field: message" and workflow validation lines
};

QString problemLine(const request::FieldProblem &problem)
{
    return request::formatProblems({problem});
}

std::optional<comfy::NodeCatalog> loadCatalog(const QString &path, Console &console)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        console.err << Text::tr("Cannot read the --object-info file '%1': %2")
                               .arg(path, file.errorString())
                    << '\n';
        return std::nullopt;
    }
    auto catalog = comfy::NodeCatalog::fromJson(file.readAll());
    if (!catalog) {
        console.err << Text::tr("The --object-info file '%1' is not a ComfyUI /object_info "
                                "answer: %2")
                               .arg(path, catalog.error())
                    << '\n';
        return std::nullopt;
    }
    return std::move(*catalog);
}

// Without a catalog: the names most installs have.
void fillCommonDefaults(GenerationRequest &request, QStringList &notes)
{
    QStringList picked;
    if (request.checkpoint.isEmpty()) {
        request.checkpoint = comfy::commonDefaultCheckpoint(request);
        picked << request.checkpoint;
    }
    if (request.kind == Kind::AnimateDiff && request.motionModule.isEmpty()) {
        request.motionModule = comfy::commonDefaultMotionModule();
        picked << request.motionModule;
    }
    if (!picked.isEmpty()) {
        notes << Text::tr("No --object-info given: using the common model names %1. Pass the "
                          "server's /object_info to pick installed ones.")
                         .arg(picked.join(QStringLiteral(", ")));
    }
}

comfy::ValidationOptions validationOptions()
{
    comfy::ValidationOptions options;
    // The start image is uploaded when the job is submitted, so it cannot be on the server yet.
    // (LoadImage.image is the only input file our workflows name.)
    options.inputFileExists = [](const QString &, const QString &, const QString &) {
        return true;
    };
    return options;
}

Outcome buildFor(WorkflowOptions::Result parsed, const comfy::NodeCatalog *catalog)
{
    Outcome outcome;
    outcome.notes = parsed.notes;
    GenerationRequest request = parsed.request;

    request::FieldProblems catalogProblems;
    if (catalog) {
        comfy::ResolvedRequest resolved = comfy::resolveAgainstCatalog(request, *catalog);
        request = resolved.request;
        outcome.notes << resolved.choices;
        catalogProblems = resolved.problems;
    } else {
        fillCommonDefaults(request, outcome.notes);
    }
    // Without --frames, SVD makes the frame count its checkpoint was trained for.
    if (request.kind == Kind::Svd && !parsed.framesGiven)
        request.frames = request::svdDefaultFrames(request.checkpoint);
    for (const auto &problem : parsed.problems)
        outcome.problems << problemLine(problem);
    for (const auto &problem : request::validate(request))
        outcome.problems << problemLine(problem);
    for (const auto &problem : catalogProblems)
        outcome.problems << problemLine(problem);

    comfy::BuildOptions options
            = catalog ? comfy::BuildOptions::forCatalog(*catalog, request, &outcome.notes)
                      : comfy::BuildOptions::forRequest(request);
    options.filenamePrefix = parsed.filenamePrefix;
    if (!request.referenceImage.isEmpty())
        options.uploadedImageName = QFileInfo(request.referenceImage).fileName();
    outcome.workflow = comfy::buildWorkflow(request, options);
    outcome.notes << outcome.workflow.notes;
    if (catalog) {
        const comfy::WorkflowValidation validation
                = comfy::validateWorkflow(outcome.workflow.prompt, *catalog, validationOptions());
        if (!validation.ok() || !validation.nodeErrors.isEmpty())
            outcome.problems << validation.describe();
    }
    return outcome;
}

QString usageLine()
{
    return Text::tr("Usage: comfyvideo workflow animatediff|svd [options]");
}

} // namespace

int WorkflowCommand::run(const QStringList &arguments, Console &console) const
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
            tr("Prints the ComfyUI workflow (API format JSON) for an AnimateDiff (text to video) "
               "or SVD (image to video) request."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption objectInfo(QStringLiteral("object-info"),
                                        tr("A saved /object_info answer of the server: models "
                                           "are picked from it and the workflow is checked "
                                           "against it."),
                                        QStringLiteral("file"));
    parser.addOption(objectInfo);
    WorkflowOptions::addTo(parser);
    parser.addPositionalArgument(QStringLiteral("kind"),
                                 tr("animatediff (text to video) or svd (image to video)."),
                                 QStringLiteral("animatediff|svd"));

    if (!parser.parse(arguments)) {
        console.err << parser.errorText() << '\n' << usageLine() << '\n';
        return ExitUsage;
    }
    if (parser.isSet(help) || parser.isSet(QStringLiteral("help-all"))) {
        QString text = parser.helpText();
        // QCommandLineParser names the program only; the command belongs in the usage line.
        text.replace(0, text.indexOf(u'\n'), usageLine());
        console.out << text;
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    Kind kind = Kind::AnimateDiff;
    if (positional.size() != 1 || !request::parseKind(positional.constFirst(), &kind)) {
        console.err << (positional.isEmpty() ? tr("Say what to make: animatediff or svd.")
                                             : tr("Unexpected '%1': say animatediff or svd.")
                                                       .arg(positional.join(u' ')))
                    << '\n'
                    << usageLine() << '\n';
        return ExitUsage;
    }

    std::optional<comfy::NodeCatalog> catalog;
    if (parser.isSet(objectInfo)) {
        catalog = loadCatalog(parser.value(objectInfo), console);
        if (!catalog)
            return ExitFailure;
    }
    const Outcome outcome
            = buildFor(WorkflowOptions::read(parser, kind), catalog ? &*catalog : nullptr);
    if (!outcome.problems.isEmpty()) {
        for (const QString &line : outcome.problems)
            console.err << line << '\n';
        return ExitUsage;
    }
    for (const QString &note : outcome.notes)
        console.err << note << '\n';
    console.out << QJsonDocument(outcome.workflow.prompt).toJson(QJsonDocument::Indented);
    return ExitOk;
}

} // namespace comfyvideo::cli
