#include "cli/workflowcommand.h"

#include "cli/requestresolution.h"
#include "cli/workflowoptions.h"
#include "comfy/nodecatalog.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonDocument>

#include <optional>

namespace comfyvideo::cli {

using request::Kind;

namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(WorkflowCommand)
};

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
    Kind kind = Kind::AnimateDiff;
    if (const auto done
        = WorkflowOptions::parseWithKind(parser, help, arguments, usageLine(), console, &kind))
        return *done;

    std::optional<comfy::NodeCatalog> catalog;
    if (parser.isSet(objectInfo)) {
        catalog = loadCatalog(parser.value(objectInfo), console);
        if (!catalog)
            return ExitFailure;
    }
    const ResolvedWorkflow outcome
            = resolveWorkflow(WorkflowOptions::read(parser, kind), catalog ? &*catalog : nullptr);
    if (!outcome.ok()) {
        for (const QString &line : outcome.problemLines())
            console.err << line << '\n';
        return ExitUsage;
    }
    for (const QString &note : outcome.notes)
        console.err << note << '\n';
    console.out << QJsonDocument(outcome.workflow.prompt).toJson(QJsonDocument::Indented);
    return ExitOk;
}

} // namespace comfyvideo::cli
