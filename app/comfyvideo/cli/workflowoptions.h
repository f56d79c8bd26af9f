#pragma once

#include "request/generationrequest.h"
#include "request/validation.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <optional>

namespace comfyvideo::cli {

// The request options of `comfyvideo workflow` and their translation into a request.
struct Console;

class WorkflowOptions
{
    Q_DECLARE_TR_FUNCTIONS(WorkflowOptions)

public:
    struct Result
    {
        request::GenerationRequest request;
        request::FieldProblems problems; // unparseable values, unknown names
        QStringList notes;               // options ignored for this kind, ...
        bool framesGiven = false;        // --frames or a preset set the frame count
        QString filenamePrefix;          // --filename-prefix (empty: the builder's default)
    };

    // Declares the options on `parser`.
    static void addTo(QCommandLineParser &parser);

    // Reads the parsed options over the preset (--preset) or the kind's defaults.
    static Result read(const QCommandLineParser &parser, request::Kind kind);

    // The part every "<command> animatediff|svd [options]" shares: adds the request options and
    // the kind positional, parses, answers --help. Returns the exit code when the command is
    // done (usage error or help printed), else nullopt with *kind set.
    static std::optional<int> parseWithKind(QCommandLineParser &parser,
                                            const QCommandLineOption &help,
                                            const QStringList &arguments,
                                            const QString &usageLine,
                                            Console &console,
                                            request::Kind *kind);
};

} // namespace comfyvideo::cli
