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
    QJsonValue defaultValue;  // Undefined when the schema gives none
    QJsonObject config;       // the options object (tooltip, step, ...), possibly empty
    QJsonArray rawSpec;       // the spec exactly as the server sent it (for error bodies)

    bool isWidget() const; // a literal value (INT/FLOAT/STRING/BOOLEAN/COMBO), not a link
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

    bool hasAnimateDiffGen2() const;   // ADE_LoadAnimateDiffModel + Apply...Simple + UseEvolvedSampling
    bool hasAnimateDiffLegacy() const; // ADE_AnimateDiffLoaderWithContext
    bool hasVideoHelperSuite() const;  // VHS_VideoCombine
    bool hasSvd() const; // ImageOnlyCheckpointLoader + SVD_img2vid_Conditioning + VideoLinearCFGGuidance

    // VHS_VideoCombine "format" options ("video/h264-mp4", ...), reading all three combo shapes
    // (old VHS mixed string/array entries included).
    QStringList videoCombineFormats() const;

private:
    QHash<QString, NodeSpec> m_nodes;
};

// Parses one input spec array ([type, opts?] / [[options], opts?] / ["COMBO", {options}]).
InputSpec parseInputSpec(const QString &name, InputSpec::Section section, const QJsonValue &spec);

} // namespace comfyvideo::comfy
