#pragma once

#include "request/generationrequest.h"
#include "request/validation.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace comfyvideo::cli {

// The request options of `comfyvideo workflow` and their translation into a request.
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
};

} // namespace comfyvideo::cli
