#include "simulator/nodeevaluator.h"

#include <QDir>
#include <QImage>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace comfyvideo::simulator {

namespace {

QString formatOpaque(const SimValue &v)
{
    if (v.type == u"MODEL")
        return u"<comfy.model_patcher.ModelPatcher object at 0x7f3c5a1d2e90>"_s;
    if (v.type == u"CLIP")
        return u"<comfy.sd.CLIP object at 0x7f3c5a1d3f10>"_s;
    if (v.type == u"VAE")
        return u"<comfy.sd.VAE object at 0x7f3c5a1d4a50>"_s;
    if (v.type == u"CONDITIONING")
        return u"[[tensor([[[-0.3884,  0.0229, -0.0522,  ..., -0.4899, -0.3066,  0.0675]]]), "
               "{'pooled_output': tensor([[-0.0263, -0.1182,  0.3349,  ...,  0.1087]])}]]"_s;
    if (v.kind == SimValue::Kind::Clip && v.type == u"LATENT")
        return u"{'samples': tensor([[[[0., 0., 0.,  ..., 0., 0., 0.]]]])}"_s;
    if (v.kind == SimValue::Kind::Clip)
        return u"tensor([[[[0.5020, 0.5020, 0.5020]]]])"_s;
    if (v.kind == SimValue::Kind::Int)
        return QString::number(v.number);
    return u"<%1 object at 0x7f3c5a1d5b70>"_s.arg(v.type);
}

SimValue opaque(const QString &type)
{
    SimValue v;
    v.type = type;
    return v;
}

SimValue clipValue(const QString &type, const ClipSpec &clip)
{
    SimValue v;
    v.kind = SimValue::Kind::Clip;
    v.type = type;
    v.clip = clip;
    return v;
}

} // namespace

NodeInputs::NodeInputs(const QJsonObject &inputs, const QHash<QString, NodeOutputs> &produced)
    : m_inputs(inputs)
{
    for (auto it = inputs.begin(); it != inputs.end(); ++it) {
        const QJsonArray a = it.value().toArray();
        if (!it.value().isArray() || a.size() != 2 || !a.at(0).isString())
            continue;
        const NodeOutputs outs = produced.value(a.at(0).toString());
        const int index = a.at(1).toInt();
        m_links.insert(it.key(), index >= 0 && index < outs.size() ? outs.at(index) : SimValue{});
    }
}

int NodeInputs::intValue(const QString &name, int fallback) const
{
    if (isLink(name))
        return value(name).kind == SimValue::Kind::Int ? int(value(name).number) : fallback;
    const QJsonValue v = m_inputs.value(name);
    return v.isDouble() ? int(v.toDouble()) : v.isString() ? v.toString().toInt() : fallback;
}

double NodeInputs::doubleValue(const QString &name, double fallback) const
{
    const QJsonValue v = m_inputs.value(name);
    return v.isDouble() ? v.toDouble() : v.isString() ? v.toString().toDouble() : fallback;
}

QString NodeInputs::text(const QString &name) const
{
    if (isLink(name))
        return value(name).text;
    const QJsonValue v = m_inputs.value(name);
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 20);
    return v.toString();
}

ClipSpec NodeInputs::clip(const QString &name) const
{
    const SimValue v = value(name);
    return v.kind == SimValue::Kind::Clip ? v.clip : ClipSpec{};
}

QJsonObject NodeInputs::formatted(const QStringList &order) const
{
    QJsonObject out;
    for (const QString &name : order) {
        if (isLink(name))
            out.insert(name, QJsonArray{formatOpaque(value(name))});
        else
            out.insert(name, QJsonArray{m_inputs.value(name)});
    }
    return out;
}

QString annotatedInputPath(const DataDirs &dirs, const QString &value)
{
    QString name = value;
    QString base = dirs.input;
    const struct
    {
        QString suffix;
        QString dir;
    } annotations[] = {
            {u" [input]"_s, dirs.input}, {u" [output]"_s, dirs.output}, {u" [temp]"_s, dirs.temp}};
    for (const auto &a : annotations) {
        if (name.endsWith(a.suffix)) {
            name.chop(a.suffix.size());
            base = a.dir;
        }
    }
    if (name.isEmpty() || name.contains(u"..") || name.startsWith(u'/'))
        return {};
    return QDir(base).filePath(name);
}

NodeOutputs evaluateNode(const QString &classType,
                         const NodeInputs &in,
                         const QStringList &outputTypes,
                         const DataDirs &dirs)
{
    NodeOutputs outs;
    for (const QString &t : outputTypes)
        outs.append(opaque(t));
    const auto set = [&](int index, const SimValue &v) {
        if (index < outs.size())
            outs[index] = v;
    };
    if (classType == u"CLIPTextEncode") {
        SimValue v = opaque(u"CONDITIONING"_s);
        v.kind = SimValue::Kind::Text;
        v.text = in.text(u"text"_s);
        set(0, v);
    } else if (classType == u"EmptyLatentImage") {
        ClipSpec clip;
        clip.width = in.intValue(u"width"_s, 512);
        clip.height = in.intValue(u"height"_s, 512);
        clip.frames = in.intValue(u"batch_size"_s, 1);
        set(0, clipValue(u"LATENT"_s, clip));
    } else if (classType == u"SVD_img2vid_Conditioning") {
        ClipSpec clip = in.clip(u"init_image"_s);
        clip.width = in.intValue(u"width"_s, 1024);
        clip.height = in.intValue(u"height"_s, 576);
        clip.frames = in.intValue(u"video_frames"_s, 14);
        set(2, clipValue(u"LATENT"_s, clip));
    } else if (classType == u"KSampler") {
        ClipSpec clip = in.clip(u"latent_image"_s);
        clip.seed = in.text(u"seed"_s);
        if (clip.prompt.isEmpty())
            clip.prompt = in.text(u"positive"_s);
        clip.sampled = true;
        set(0, clipValue(u"LATENT"_s, clip));
    } else if (classType == u"VAEDecode") {
        set(0, clipValue(u"IMAGE"_s, in.clip(u"samples"_s)));
    } else if (classType == u"ImageScale") {
        ClipSpec clip = in.clip(u"image"_s);
        const int w = in.intValue(u"width"_s, 0);
        const int h = in.intValue(u"height"_s, 0);
        if (w > 0 && h > 0) {
            clip.width = w;
            clip.height = h;
        } else if (w > 0) {
            clip.height = std::max(1, clip.height * w / std::max(1, clip.width));
            clip.width = w;
        } else if (h > 0) {
            clip.width = std::max(1, clip.width * h / std::max(1, clip.height));
            clip.height = h;
        }
        set(0, clipValue(u"IMAGE"_s, clip));
    } else if (classType == u"LoadImage") {
        ClipSpec clip;
        clip.imagePath = annotatedInputPath(dirs, in.text(u"image"_s));
        const QImage probe(clip.imagePath);
        clip.width = probe.isNull() ? 512 : probe.width();
        clip.height = probe.isNull() ? 512 : probe.height();
        set(0, clipValue(u"IMAGE"_s, clip));
    }
    return outs;
}

} // namespace comfyvideo::simulator
