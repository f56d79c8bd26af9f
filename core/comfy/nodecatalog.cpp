#include "comfy/nodecatalog.h"

#include "comfy/jsonliterals.h"
#include "comfy/pyvalue.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy {

namespace {

struct KnownValidation
{
    const char16_t *classType;
    ValidateInputsSpec spec;
};

// Nodes known to define VALIDATE_INPUTS (ComfyUI 0.3.64 and VideoHelperSuite, 2025+ forms).
QList<KnownValidation> knownValidations()
{
    auto file = [](QString qual, QString input, QString error) {
        return ValidateInputsSpec{{input}, false, false, std::move(qual), input, std::move(error)};
    };
    auto plain = [](QString qual, QString arg, bool kwargs) {
        return ValidateInputsSpec{{std::move(arg)}, kwargs, false, std::move(qual), {}, {}};
    };
    const QString image = u"Invalid image file: "_s;
    const QString video = u"Invalid video file: "_s;
    return {
            {u"LoadImage", file(u"LoadImage.VALIDATE_INPUTS"_s, u"image"_s, image)},
            {u"LoadImageMask", file(u"LoadImageMask.VALIDATE_INPUTS"_s, u"image"_s, image)},
            {u"LoadImageOutput", file(u"LoadImage.VALIDATE_INPUTS"_s, u"image"_s, image)},
            {u"LoadLatent",
             file(u"LoadLatent.VALIDATE_INPUTS"_s, u"latent"_s, u"Invalid latent file: "_s)},
            {u"LoadAudio",
             file(u"LoadAudio.VALIDATE_INPUTS"_s, u"audio"_s, u"Invalid audio file: "_s)},
            {u"VHS_LoadVideo", file(u"LoadVideoUpload.VALIDATE_INPUTS"_s, u"video"_s, video)},
            {u"VHS_LoadVideoFFmpeg",
             file(u"LoadVideoFFmpegUpload.VALIDATE_INPUTS"_s, u"video"_s, video)},
            {u"VHS_LoadVideoPath", plain(u"LoadVideoPath.VALIDATE_INPUTS"_s, u"video"_s, false)},
            {u"VHS_LoadVideoFFmpegPath",
             plain(u"LoadVideoFFmpegPath.VALIDATE_INPUTS"_s, u"video"_s, false)},
            {u"VHS_LoadImagePath", plain(u"LoadImagePath.VALIDATE_INPUTS"_s, u"image"_s, false)},
            {u"VHS_LoadImages",
             plain(u"LoadImagesFromDirectoryUpload.VALIDATE_INPUTS"_s, u"directory"_s, true)},
            {u"VHS_LoadImagesPath",
             plain(u"LoadImagesFromDirectoryPath.VALIDATE_INPUTS"_s, u"directory"_s, true)},
            {u"VHS_LoadAudio", plain(u"LoadAudio.VALIDATE_INPUTS"_s, u"audio_file"_s, true)},
            {u"VHS_LoadAudioUpload", plain(u"LoadAudioUpload.VALIDATE_INPUTS"_s, u"audio"_s, true)},
            {u"VHS_Unbatch",
             ValidateInputsSpec{
                     {u"input_types"_s}, false, true, u"Unbatch.VALIDATE_INPUTS"_s, {}, {}}},
    };
}

// Model folder -> (loader class, combo input), first installed loader wins.
QList<std::pair<QString, QString>> folderLoaders(const QString &folder)
{
    if (folder == u"checkpoints")
        return {{u"CheckpointLoaderSimple"_s, u"ckpt_name"_s},
                {u"ImageOnlyCheckpointLoader"_s, u"ckpt_name"_s}};
    if (folder == u"animatediff_models")
        return {{u"ADE_LoadAnimateDiffModel"_s, u"model_name"_s},
                {u"ADE_AnimateDiffLoaderWithContext"_s, u"model_name"_s},
                {u"ADE_AnimateDiffLoaderGen1"_s, u"model_name"_s}};
    if (folder == u"animatediff_motion_lora")
        return {{u"ADE_AnimateDiffLoRALoader"_s, u"lora_name"_s}};
    if (folder == u"vae")
        return {{u"VAELoader"_s, u"vae_name"_s}};
    if (folder == u"loras")
        return {{u"LoraLoader"_s, u"lora_name"_s}, {u"LoraLoaderModelOnly"_s, u"lora_name"_s}};
    if (folder == u"clip_vision")
        return {{u"CLIPVisionLoader"_s, u"clip_name"_s}};
    if (folder == u"controlnet")
        return {{u"ControlNetLoader"_s, u"control_net_name"_s}};
    if (folder == u"upscale_models")
        return {{u"UpscaleModelLoader"_s, u"model_name"_s}};
    return {};
}

QString optionText(const QJsonValue &entry, bool *isString)
{
    if (entry.isString())
        return entry.toString();
    if (entry.isArray()) // old VHS: ["video/h264-mp4", [[widget specs]]]
        return optionText(entry.toArray().first(), isString);
    *isString = false;
    if (entry.isDouble())
        return QString::number(entry.toDouble(), 'g', QLocale::FloatingPointShortest);
    if (entry.isBool())
        return entry.toBool() ? u"True"_s : u"False"_s;
    return {};
}

void readOptions(InputSpec &spec, const QJsonArray &options)
{
    for (const QJsonValue &entry : options)
        spec.options << optionText(entry, &spec.optionsAreStrings);
}

QList<InputSpec> parseSection(const QJsonObject &inputs,
                              const QJsonObject &inputOrder,
                              const QString &sectionName,
                              InputSpec::Section section)
{
    const QJsonObject specs = inputs.value(sectionName).toObject();
    QStringList names;
    for (const QJsonValue &name : inputOrder.value(sectionName).toArray()) {
        if (specs.contains(name.toString()) && !names.contains(name.toString()))
            names << name.toString();
    }
    for (const QString &name : specs.keys()) {
        if (!names.contains(name))
            names << name;
    }
    QList<InputSpec> result;
    for (const QString &name : std::as_const(names))
        result << parseInputSpec(name, section, specs.value(name));
    return result;
}

NodeSpec parseNode(const QString &classType, const QJsonObject &info)
{
    NodeSpec node;
    node.name = classType;
    node.displayName = info.value(u"display_name").toString(classType);
    node.category = info.value(u"category").toString();
    node.pythonModule = info.value(u"python_module").toString();
    node.outputNode = info.value(u"output_node").toBool();
    node.deprecated = info.value(u"deprecated").toBool();
    const QJsonObject inputs = info.value(u"input").toObject();
    const QJsonObject order = info.value(u"input_order").toObject();
    node.inputs << parseSection(inputs, order, u"required"_s, InputSpec::Section::Required)
                << parseSection(inputs, order, u"optional"_s, InputSpec::Section::Optional)
                << parseSection(inputs, order, u"hidden"_s, InputSpec::Section::Hidden);
    node.rawOutputs = info.value(u"output").toArray();
    for (const QJsonValue &output : std::as_const(node.rawOutputs)) {
        QStringList options;
        if (output.isArray()) {
            bool isString = true;
            for (const QJsonValue &entry : output.toArray())
                options << optionText(entry, &isString);
        }
        node.outputTypes << (output.isArray() ? u"COMBO"_s : output.toString());
        node.outputComboOptions << options;
    }
    for (const QJsonValue &name : info.value(u"output_name").toArray())
        node.outputNames << name.toString();
    return node;
}

QString sectionName(InputSpec::Section section)
{
    switch (section) {
    case InputSpec::Section::Required:
        return u"required"_s;
    case InputSpec::Section::Optional:
        return u"optional"_s;
    default:
        return u"hidden"_s;
    }
}

// Bounds written as 100.0 print as floats in Python's messages, 100 as ints; QJsonDocument
// reads both as 100, so the raw text decides.
void applyFloatLiterals(QHash<QString, NodeSpec> &nodes, const QSet<QString> &floatPaths)
{
    auto textOf = [&](const QStringList &path, const QJsonValue &bound) {
        const auto number = py::number(bound);
        return floatPaths.contains(jsonPath(path)) ? py::floatRepr(number->value) : number->text();
    };
    for (NodeSpec &node : nodes) {
        for (InputSpec &input : node.inputs) {
            const QStringList base{
                    node.name, u"input"_s, sectionName(input.section), input.name, u"1"_s};
            if (input.min)
                input.minText = textOf(base + QStringList{u"min"_s}, input.config.value(u"min"));
            if (input.max)
                input.maxText = textOf(base + QStringList{u"max"_s}, input.config.value(u"max"));
        }
    }
}

void applyMultiInputs(QHash<QString, NodeSpec> &nodes)
{
    auto relax = [&](const QString &classType, const QString &input, const QStringList &types) {
        auto it = nodes.find(classType);
        if (it == nodes.end())
            return;
        for (InputSpec &spec : it->inputs) {
            if (spec.name == input && spec.type == types.first())
                spec.acceptedTypes = types;
        }
    };
    const QStringList imageOrLatent{u"IMAGE"_s, u"LATENT"_s};
    const QStringList floatOrInt{u"FLOAT"_s, u"INT"_s};
    relax(u"VHS_VideoCombine"_s, u"images"_s, imageOrLatent);
    relax(u"VHS_VideoCombine"_s, u"frame_rate"_s, floatOrInt);
    for (const QString &loader : {u"VHS_LoadVideo"_s,
                                  u"VHS_LoadVideoPath"_s,
                                  u"VHS_LoadVideoFFmpeg"_s,
                                  u"VHS_LoadVideoFFmpegPath"_s,
                                  u"VHS_LoadImagePath"_s}) {
        relax(loader, u"force_rate"_s, floatOrInt);
        auto it = nodes.find(loader);
        if (it != nodes.end() && it->outputTypes.value(0) == u"IMAGE")
            it->outputAcceptedTypes.insert(0, imageOrLatent);
    }
}

} // namespace

bool InputSpec::isWidget() const
{
    return isCombo || type == u"INT" || type == u"FLOAT" || type == u"STRING" || type == u"BOOLEAN";
}

const InputSpec *NodeSpec::input(const QString &inputName) const
{
    for (const InputSpec &spec : inputs) {
        if (spec.name == inputName)
            return &spec;
    }
    return nullptr;
}

InputSpec parseInputSpec(const QString &name, InputSpec::Section section, const QJsonValue &spec)
{
    InputSpec input;
    input.name = name;
    input.section = section;
    if (spec.isString()) { // hidden inputs: "PROMPT", "UNIQUE_ID", ...
        input.type = spec.toString();
        input.rawSpec = QJsonArray{spec};
        return input;
    }
    input.rawSpec = spec.toArray();
    const QJsonValue first = input.rawSpec.at(0);
    input.config = input.rawSpec.at(1).toObject();
    if (first.isArray()) {
        input.type = u"COMBO"_s;
        input.isCombo = true;
        readOptions(input, first.toArray());
    } else if (first.toString() == u"COMBO") {
        input.type = u"COMBO"_s;
        input.isCombo = true;
        input.isV3Combo = true;
        input.isRemoteCombo = input.config.contains(u"remote");
        readOptions(input, input.config.value(u"options").toArray());
    } else {
        input.type = first.toString();
    }
    // Without the JSON text, FLOAT bounds are taken as Python floats (as nearly all are).
    const bool floatType = input.type == u"FLOAT";
    if (const auto min = py::number(input.config.value(u"min"))) {
        input.min = min->value;
        input.minText = floatType ? py::floatRepr(min->value) : min->text();
    }
    if (const auto max = py::number(input.config.value(u"max"))) {
        input.max = max->value;
        input.maxText = floatType ? py::floatRepr(max->value) : max->text();
    }
    input.defaultValue = input.config.value(u"default");
    return input;
}

std::expected<NodeCatalog, QString> NodeCatalog::fromJson(const QByteArray &objectInfoJson)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(objectInfoJson, &error);
    if (error.error != QJsonParseError::NoError)
        return std::unexpected(
                QCoreApplication::translate("NodeCatalog", "The node list is not valid JSON: %1")
                        .arg(error.errorString()));
    if (!doc.isObject())
        return std::unexpected(
                QCoreApplication::translate("NodeCatalog", "The node list is not a JSON object."));
    NodeCatalog catalog = fromObject(doc.object());
    applyFloatLiterals(catalog.m_nodes, floatLiteralPaths(objectInfoJson));
    return catalog;
}

NodeCatalog NodeCatalog::fromObject(const QJsonObject &objectInfo)
{
    NodeCatalog catalog;
    for (auto it = objectInfo.begin(); it != objectInfo.end(); ++it) {
        if (it.value().isObject())
            catalog.m_nodes.insert(it.key(), parseNode(it.key(), it.value().toObject()));
    }
    applyMultiInputs(catalog.m_nodes);
    const bool oldVhs = catalog.hasOldVideoHelperSuite();
    for (const KnownValidation &known : knownValidations()) {
        auto node = catalog.m_nodes.find(QString::fromUtf16(known.classType));
        if (node == catalog.m_nodes.end())
            continue;
        node->validatesInputsItself = true;
        node->validateInputs = known.spec;
        // Before 2025-03 VHS loaders took **kwargs, which turned every check off.
        if (oldVhs && node->name.startsWith(u"VHS_"))
            node->validateInputs.kwargs = true;
    }
    if (oldVhs) {
        NodeSpec &combine = catalog.m_nodes[u"VHS_VideoCombine"_s];
        combine.validatesInputsItself = true;
        combine.validateInputs = ValidateInputsSpec{
                {u"format"_s}, true, false, u"VideoCombine.VALIDATE_INPUTS"_s, {}, {}};
    }
    return catalog;
}

const NodeSpec *NodeCatalog::node(const QString &classType) const
{
    const auto it = m_nodes.constFind(classType);
    return it == m_nodes.cend() ? nullptr : &*it;
}

QStringList NodeCatalog::nodeNames() const
{
    QStringList names = m_nodes.keys();
    names.sort();
    return names;
}

QStringList NodeCatalog::models(const QString &folder) const
{
    for (const auto &[classType, inputName] : folderLoaders(folder)) {
        if (const NodeSpec *spec = node(classType)) {
            if (const InputSpec *input = spec->input(inputName))
                return input->options;
        }
    }
    return {};
}

QStringList NodeCatalog::comboOptions(const QString &classType, const QString &inputName) const
{
    const NodeSpec *spec = node(classType);
    const InputSpec *input = spec ? spec->input(inputName) : nullptr;
    return input ? input->options : QStringList{};
}

bool NodeCatalog::hasAnimateDiffGen2() const
{
    return hasNode(u"ADE_LoadAnimateDiffModel"_s) && hasNode(u"ADE_ApplyAnimateDiffModelSimple"_s)
           && hasNode(u"ADE_UseEvolvedSampling"_s);
}

bool NodeCatalog::hasAnimateDiffLegacy() const
{
    return hasNode(u"ADE_AnimateDiffLoaderWithContext"_s);
}

bool NodeCatalog::hasVideoHelperSuite() const
{
    return hasNode(u"VHS_VideoCombine"_s);
}

bool NodeCatalog::hasSvd() const
{
    return hasNode(u"ImageOnlyCheckpointLoader"_s) && hasNode(u"SVD_img2vid_Conditioning"_s)
           && hasNode(u"VideoLinearCFGGuidance"_s);
}

QStringList NodeCatalog::videoCombineFormats() const
{
    return comboOptions(u"VHS_VideoCombine"_s, u"format"_s);
}

bool NodeCatalog::hasOldVideoHelperSuite() const
{
    const NodeSpec *combine = node(u"VHS_VideoCombine"_s);
    const InputSpec *format = combine ? combine->input(u"format"_s) : nullptr;
    return format && format->isCombo && !format->config.contains(u"formats");
}

} // namespace comfyvideo::comfy
