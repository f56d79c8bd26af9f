#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <expected>
#include <optional>

namespace comfyvideo::comfy {

// One input of a node as /object_info describes it (reference §5.1).
struct InputSpec
{
    enum class Section { Required, Optional, Hidden };

    QString name;
    Section section = Section::Required;
    // "INT", "FLOAT", "STRING", "BOOLEAN", "COMBO", or a link type such as "MODEL", "IMAGE",
    // "CONDITIONING", "IMAGE,MASK". Combos in all three shapes have type "COMBO".
    QString type;
    bool isCombo = false;
    QStringList options;           // combo options (numbers converted to strings)
    bool optionsAreStrings = true; // false when the server listed numbers
    bool isRemoteCombo = false;    // V3 combo with "remote": options come from elsewhere
    bool isV3Combo = false;        // ["COMBO", {...}] shape (not membership-checked by 0.3.64)
    std::optional<double> min;     // seeds up to 2^64-1 arrive as doubles
    std::optional<double> max;
    // The bounds as Python prints them in error texts: "1", "0.0", "18446744073709551615".
    // Exact (int vs float) only for catalogs read with fromJson().
    QString minText;
    QString maxText;
    QJsonValue defaultValue; // Undefined when the schema gives none
    QJsonObject config;      // the options object (tooltip, step, ...), possibly empty
    QJsonArray rawSpec;      // the spec exactly as the server sent it (for error bodies)
    // Set for VHS "MultiInput" inputs (an "IMAGE" that also takes LATENT): the link types the
    // input accepts besides its own. Empty for ordinary inputs.
    QStringList acceptedTypes;

    bool isWidget() const; // a literal value (INT/FLOAT/STRING/BOOLEAN/COMBO), not a link
};

// What is known of a node's VALIDATE_INPUTS classmethod (ComfyUI skips the combo/min/max checks
// of the inputs it names, of all inputs with **kwargs, and then calls it; reference §4).
struct ValidateInputsSpec
{
    QStringList args;        // named arguments, e.g. {"image"}
    bool kwargs = false;     // takes **kwargs
    bool inputTypes = false; // takes input_types: link types are not checked
    QString qualName;        // "LoadImage.VALIDATE_INPUTS", for Python's TypeError texts
    QString fileInput;       // input checked as a file in input/ ("" = always valid)
    QString fileError;       // "Invalid image file: " (+ value) when that file is missing
};

struct NodeSpec
{
    QString name; // class_type
    QString displayName;
    QString category;
    QString pythonModule;
    bool outputNode = false;
    bool deprecated = false;
    QList<InputSpec> inputs; // required, optional, hidden, each in input_order when given
    QStringList outputTypes; // "MODEL", ... ; a combo-typed output is "COMBO"
    QList<QStringList> outputComboOptions; // per output: the option list when it is a combo
    QStringList outputNames;
    bool validatesInputsItself = false; // known VALIDATE_INPUTS nodes (LoadImage, VHS, ...)
    ValidateInputsSpec validateInputs;  // meaningful when validatesInputsItself
    QJsonArray rawOutputs;              // "output" as sent (combo outputs are option arrays)
    QHash<int, QStringList> outputAcceptedTypes; // VHS MultiInput outputs ("IMAGE" or LATENT)

    const InputSpec *input(const QString &inputName) const;
};

// The node catalog of one server, parsed from GET /object_info.
class NodeCatalog
{
public:
    NodeCatalog() = default;

    // Parses a whole /object_info body. Errors name what was wrong ("not a JSON object", ...).
    static std::expected<NodeCatalog, QString> fromJson(const QByteArray &objectInfoJson);
    static NodeCatalog fromObject(const QJsonObject &objectInfo);

    bool isEmpty() const { return m_nodes.isEmpty(); }
    bool hasNode(const QString &classType) const { return m_nodes.contains(classType); }
    const NodeSpec *node(const QString &classType) const;
    QStringList nodeNames() const; // sorted

    // Model lists read from the loaders' combos (reference §5.5):
    // "checkpoints" (CheckpointLoaderSimple.ckpt_name, else ImageOnlyCheckpointLoader),
    // "animatediff_models" (ADE_LoadAnimateDiffModel / ADE_AnimateDiffLoaderWithContext
    // model_name), "vae" (VAELoader.vae_name). Unknown folders give an empty list.
    QStringList models(const QString &folder) const;

    // Combo options of one input (empty when the node or input is unknown).
    QStringList comboOptions(const QString &classType, const QString &inputName) const;

    // ADE_LoadAnimateDiffModel + ADE_ApplyAnimateDiffModelSimple + ADE_UseEvolvedSampling
    bool hasAnimateDiffGen2() const;
    bool hasAnimateDiffLegacy() const; // ADE_AnimateDiffLoaderWithContext
    bool hasVideoHelperSuite() const;  // VHS_VideoCombine
    // ImageOnlyCheckpointLoader + SVD_img2vid_Conditioning + VideoLinearCFGGuidance
    bool hasSvd() const;

    // VHS_VideoCombine "format" options ("video/h264-mp4", ...), reading all three combo shapes
    // (old VHS mixed string/array entries included).
    QStringList videoCombineFormats() const;
    // True for VideoHelperSuite before 2025-02-13: formats embedded in the option list, and
    // VHS_VideoCombine/VHS_LoadVideo validating with **kwargs (no combo or range checks).
    bool hasOldVideoHelperSuite() const;

private:
    QHash<QString, NodeSpec> m_nodes;
};

// Parses one input spec array ([type, opts?] / [[options], opts?] / ["COMBO", {options}]).
InputSpec parseInputSpec(const QString &name, InputSpec::Section section, const QJsonValue &spec);

} // namespace comfyvideo::comfy
