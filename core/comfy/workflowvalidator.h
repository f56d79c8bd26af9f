#pragma once

#include "comfy/nodecatalog.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

namespace comfyvideo::comfy {

// One reason in ComfyUI's shape: {"type", "message", "details", "extra_info"} (reference §2.1).
struct ValidationError
{
    QString type; // "required_input_missing", "value_not_in_list", "value_smaller_than_min", ...
    QString message;
    QString details;
    QJsonObject extraInfo;

    QJsonObject toJson() const;
};

struct NodeValidationErrors
{
    QList<ValidationError> errors;
    QStringList dependentOutputs;
    QString classType;
};

// The outcome of validating an API-format prompt the way ComfyUI 0.3.64's POST /prompt does
// (reference §4): unknown or missing class_type, no outputs, missing required inputs, bad
// links, link type mismatches, literal conversion, min/max, combo membership, custom
// validation of input files.
struct WorkflowValidation
{
    std::optional<ValidationError> error; // top-level error; unset when at least one output is good
    QMap<QString, NodeValidationErrors> nodeErrors; // keyed by node id
    QStringList goodOutputs;                        // output node ids that passed
    // The whole prompt after ComfyUI's coercion of literals ("16" -> 16, {"__value__": x} -> x)
    // in every node that was validated; this is what the server queues (with goodOutputs).
    QJsonObject coercedPrompt;

    bool ok() const { return !error.has_value(); }
    // The exact HTTP 400 body ComfyUI sends: {"error": {...}, "node_errors": {...}}. When ok(),
    // only {"node_errors": {...}} (the part of the 200 body that validation decides).
    QJsonObject toResponseBody() const;
    // One human-readable line per problem: "KSampler #8: steps: Value 0 smaller than min of 1".
    QStringList describe() const;
};

struct ValidationOptions
{
    // For nodes with VALIDATE_INPUTS on files (LoadImage/LoadImageMask.image, LoadLatent.latent,
    // LoadAudio.audio, VHS_LoadVideo(FFmpeg).video): answers whether the named input file exists
    // on the server (the value may carry " [output]"-style annotations). Unset = it exists.
    std::function<bool(const QString &classType, const QString &inputName, const QString &value)>
            inputFileExists;
    // Persona switch for the simulator: servers before 2024-05-20 crashed on unknown classes,
    // the 2026 snapshot answers "missing_node_type". 0.3.64 behaviour is the default.
    bool newMissingNodeType = false;
};

WorkflowValidation validateWorkflow(const QJsonObject &prompt,
                                    const NodeCatalog &catalog,
                                    const ValidationOptions &options = {});

} // namespace comfyvideo::comfy
