#include "simulator/nodeschemas.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace comfyvideo::simulator {

namespace {

const QStringList &imageExtensions()
{
    static const QStringList exts{
            u".png"_s, u".jpg"_s, u".jpeg"_s, u".webp"_s, u".gif"_s, u".bmp"_s};
    return exts;
}

const QStringList &videoExtensions()
{
    static const QStringList exts{u".webm"_s, u".mp4"_s, u".mkv"_s, u".gif"_s, u".mov"_s};
    return exts;
}

QStringList filesWithExtension(const QStringList &files, const QStringList &exts)
{
    QStringList out;
    for (const QString &f : files) {
        for (const QString &e : exts) {
            if (f.endsWith(e, Qt::CaseInsensitive)) {
                out.append(f);
                break;
            }
        }
    }
    return out;
}

QJsonArray toArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

} // namespace

NodeSchemas::NodeSchemas(const SimulatorConfig &config)
    : m_config(config)
{
    QFile file(u":/simulator/nodes.json"_s);
    if (file.open(QIODevice::ReadOnly))
        m_nodes = QJsonDocument::fromJson(file.readAll()).object();
}

bool NodeSchemas::hasNode(const QString &classType) const
{
    if (!m_nodes.contains(classType))
        return false;
    if (!m_config.withAnimateDiff && classType.startsWith(u"ADE_"))
        return false;
    if (!m_config.withVideoHelperSuite && classType.startsWith(u"VHS_"))
        return false;
    return true;
}

bool NodeSchemas::isOutputNode(const QString &classType) const
{
    return m_nodes.value(classType).toObject().value(u"output_node").toBool();
}

QStringList NodeSchemas::outputTypes(const QString &classType) const
{
    QStringList types;
    const QJsonArray outputs = m_nodes.value(classType).toObject().value(u"output").toArray();
    for (const QJsonValue &v : outputs)
        types.append(v.isString() ? v.toString() : u"COMBO"_s);
    return types;
}

QJsonObject NodeSchemas::objectInfo(const QStringList &inputFiles) const
{
    QJsonObject out;
    for (auto it = m_nodes.begin(); it != m_nodes.end(); ++it) {
        if (hasNode(it.key()))
            out.insert(it.key(), adapt(it.key(), it.value().toObject(), inputFiles));
    }
    return out;
}

QJsonObject NodeSchemas::nodeInfo(const QString &classType, const QStringList &inputFiles) const
{
    if (!hasNode(classType))
        return {};
    return {{classType, adapt(classType, m_nodes.value(classType).toObject(), inputFiles)}};
}

void NodeSchemas::setCombo(QJsonObject &info,
                           const QString &input,
                           const QStringList &options) const
{
    QJsonObject inputs = info.value(u"input").toObject();
    QJsonObject required = inputs.value(u"required").toObject();
    QJsonArray spec = required.value(input).toArray();
    if (spec.isEmpty())
        return;
    spec[0] = toArray(options);
    required.insert(input, spec);
    inputs.insert(u"required"_s, required);
    info.insert(u"input"_s, inputs);
}

QJsonObject
NodeSchemas::adapt(const QString &classType, QJsonObject info, const QStringList &inputFiles) const
{
    if (classType == u"CheckpointLoaderSimple" || classType == u"ImageOnlyCheckpointLoader")
        setCombo(info, u"ckpt_name"_s, models(u"checkpoints"_s));
    else if (classType == u"ADE_LoadAnimateDiffModel"
             || classType == u"ADE_AnimateDiffLoaderWithContext")
        setCombo(info, u"model_name"_s, models(u"animatediff_models"_s));
    else if (classType == u"VAELoader")
        setCombo(info, u"vae_name"_s, models(u"vae"_s) << u"pixel_space"_s);
    else if (classType == u"LoadImage")
        setCombo(info, u"image"_s, filesWithExtension(inputFiles, imageExtensions()));
    else if (classType == u"VHS_LoadVideo")
        setCombo(info, u"video"_s, filesWithExtension(inputFiles, videoExtensions()));
    if (m_config.legacy())
        makeLegacy(classType, info);
    return info;
}

void NodeSchemas::makeLegacy(const QString &classType, QJsonObject &info) const
{
    // python_module arrived 2024-07-09, input_order 2024-08-15.
    info.remove(u"python_module"_s);
    info.remove(u"input_order"_s);
    info.remove(u"deprecated"_s);
    if (classType == u"KSampler") {
        setCombo(info,
                 u"scheduler"_s,
                 {u"normal"_s,
                  u"karras"_s,
                  u"exponential"_s,
                  u"sgm_uniform"_s,
                  u"simple"_s,
                  u"ddim_uniform"_s});
        setCombo(info,
                 u"sampler_name"_s,
                 {u"euler"_s,
                  u"euler_ancestral"_s,
                  u"heun"_s,
                  u"heunpp2"_s,
                  u"dpm_2"_s,
                  u"dpm_2_ancestral"_s,
                  u"lms"_s,
                  u"dpm_fast"_s,
                  u"dpm_adaptive"_s,
                  u"dpmpp_2s_ancestral"_s,
                  u"dpmpp_sde"_s,
                  u"dpmpp_sde_gpu"_s,
                  u"dpmpp_2m"_s,
                  u"dpmpp_2m_sde"_s,
                  u"dpmpp_2m_sde_gpu"_s,
                  u"dpmpp_3m_sde"_s,
                  u"dpmpp_3m_sde_gpu"_s,
                  u"ddpm"_s,
                  u"lcm"_s,
                  u"ddim"_s,
                  u"uni_pc"_s,
                  u"uni_pc_bh2"_s});
    }
    if (classType == u"VHS_VideoCombine") {
        // Old VHS: widget specs embedded in the option list, ["video/h264-mp4", [[specs]]].
        QJsonObject inputs = info.value(u"input").toObject();
        QJsonObject required = inputs.value(u"required").toObject();
        const QJsonArray spec = required.value(u"format").toArray();
        const QJsonObject formats = spec.at(1).toObject().value(u"formats").toObject();
        QJsonArray options;
        for (const QJsonValue &v : spec.at(0).toArray()) {
            const QString name = v.toString();
            if (formats.contains(name))
                options.append(QJsonArray{name, formats.value(name)});
            else
                options.append(name);
        }
        required.insert(u"format"_s, QJsonArray{options});
        inputs.insert(u"required"_s, required);
        info.insert(u"input"_s, inputs);
    }
}

QStringList NodeSchemas::modelFolders() const
{
    QStringList folders{
            u"checkpoints"_s,   u"configs"_s,          u"loras"_s,         u"vae"_s,
            u"text_encoders"_s, u"diffusion_models"_s, u"clip_vision"_s,   u"style_models"_s,
            u"embeddings"_s,    u"diffusers"_s,        u"vae_approx"_s,    u"controlnet"_s,
            u"gligen"_s,        u"upscale_models"_s,   u"custom_nodes"_s,  u"hypernetworks"_s,
            u"photomaker"_s,    u"classifiers"_s,      u"model_patches"_s, u"audio_encoders"_s};
    if (m_config.withAnimateDiff) {
        folders << u"animatediff_models"_s << u"animatediff_motion_lora"_s
                << u"animatediff_video_formats"_s;
    }
    if (m_config.withVideoHelperSuite)
        folders << u"VHS_video_formats"_s;
    return folders;
}

bool NodeSchemas::hasModelFolder(const QString &folder) const
{
    return modelFolders().contains(folder);
}

QStringList NodeSchemas::models(const QString &folder) const
{
    if (!hasModelFolder(folder))
        return {};
    QStringList out;
    const QString prefix = folder + u'/';
    for (const QString &m : m_config.effectiveModels()) {
        if (m.startsWith(prefix))
            out.append(m.mid(prefix.size()));
    }
    out.sort();
    return out;
}

} // namespace comfyvideo::simulator
