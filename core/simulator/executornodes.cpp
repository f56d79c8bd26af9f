// The nodes of the simulator that take time: the sampler (steps, previews, OOM), the savers
// (encoding on a worker thread with per-frame progress) and VHS_LoadVideo.
#include "simulator/executor.h"
#include "simulator/executorrun.h"

#include "media/videoprobe.h"
#include "simulator/faults.h"
#include "simulator/framerenderer.h"
#include "simulator/nodeschemas.h"
#include "simulator/outputnaming.h"
#include "simulator/wshub.h"

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QtEndian>

using namespace Qt::StringLiterals;

namespace comfyvideo::simulator {

namespace {

const QString OomTips = u"\nThis error means you ran out of memory on your GPU.\n\nTIPS: If the "
                        "workflow worked before you might have accidentally set the batch_size "
                        "to a large number."_s;

QJsonArray samplerTraceback()
{
    return {u"  File \"/srv/ComfyUI/execution.py\", line 496, in execute\n    output_data, "
            "output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, "
            "unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, "
            "pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n"_s,
            u"  File \"/srv/ComfyUI/nodes.py\", line 1525, in sample\n    return "
            "common_ksampler(model, seed, steps, cfg, sampler_name, scheduler, positive, "
            "negative, latent_image, denoise=denoise)\n"_s,
            u"  File \"/srv/ComfyUI/comfy/model_management.py\", line 1137, in cast_to\n    r = "
            "torch.empty_like(weight, dtype=dtype, device=device)\n"_s};
}

QByteArray be32(quint32 v)
{
    QByteArray b(4, '\0');
    qToBigEndian(v, b.data());
    return b;
}

struct FormatInfo
{
    QString extension;
    media::VideoContainer container;
};

FormatInfo formatInfo(const QString &format)
{
    if (format == u"image/gif" || format == u"video/ffmpeg-gif")
        return {u"gif"_s, media::VideoContainer::Gif};
    if (format == u"image/webp")
        return {u"webp"_s, media::VideoContainer::AnimatedWebp};
    if (format.endsWith(u"webm"))
        return {u"webm"_s, media::VideoContainer::Webm};
    return {u"mp4"_s, media::VideoContainer::H264Mp4};
}

} // namespace

void Executor::runSampler(const QString &id, const NodeInputs &in)
{
    Run &run = *m_run;
    run.samplerOutputs = evaluateNode(u"KSampler"_s, in, {u"LATENT"_s}, m_dirs);
    const ClipSpec clip = run.samplerOutputs.value(0).clip;
    if (const auto oom = m_faults ? m_faults->find(u"oom"_s) : std::nullopt) {
        const qint64 size = qint64(clip.width) * clip.height * clip.frames;
        if (size > oom->value) {
            failOutOfMemory(id, in);
            return;
        }
    }
    run.step = 0;
    run.steps = std::max(1, in.intValue(u"steps"_s, 20));
    run.previewRenderer.reset(m_config.previews ? new FrameRenderer(clip) : nullptr);
    schedule(m_config.stepMs, &Executor::samplerStep);
}

void Executor::failOutOfMemory(const QString &id, const NodeInputs &)
{
    if (m_config.legacy()) {
        fail(id,
             u"torch.cuda.OutOfMemoryError"_s,
             u"Allocation on device 0 would exceed allowed memory. (out of memory)\n"
             "Currently allocated     : 22.18 GiB\nRequested               : 512.00 MiB\n"
             "Device limit            : 24.00 GiB\nFree (according to CUDA): 19.06 MiB\n"
             "PyTorch limit (set by user-supplied memory fraction)\n"
             "                        : 17179869184.00 GiB"_s,
             samplerTraceback());
        return;
    }
    fail(id, u"torch.OutOfMemoryError"_s, u"Allocation on device "_s + OomTips, samplerTraceback());
}

void Executor::samplerStep()
{
    Run &run = *m_run;
    const QString id = run.current;
    if (run.interruptRequested) {
        interrupted(id);
        return;
    }
    ++run.step;
    setProgress(id, run.step, run.steps, u"running"_s);
    sendProgressState();
    const bool metadata = !m_config.legacy() && m_hub->supportsPreviewMetadata(run.item.clientId());
    if (run.previewRenderer && metadata)
        sendPreview(run.step, run.steps);
    sendProgress(id, run.step, run.steps);
    if (run.previewRenderer && !metadata)
        sendPreview(run.step, run.steps);
    if (run.step >= run.steps) {
        run.previewRenderer.reset();
        completeNode(id, run.samplerOutputs, std::nullopt);
        return;
    }
    schedule(m_config.stepMs, &Executor::samplerStep);
}

void Executor::sendPreview(int step, int steps)
{
    Run &run = *m_run;
    QByteArray jpeg;
    QBuffer buffer(&jpeg);
    buffer.open(QIODevice::WriteOnly);
    run.previewRenderer->preview(step, steps).save(&buffer, "JPEG", 95);
    const QString sid = run.item.clientId();
    QByteArray frame;
    if (!m_config.legacy() && m_hub->supportsPreviewMetadata(sid)) {
        const QJsonObject meta{{u"node_id"_s, run.current},
                               {u"prompt_id"_s, run.item.promptId},
                               {u"display_node_id"_s, run.current},
                               {u"parent_node_id"_s, QJsonValue()},
                               {u"real_node_id"_s, run.current},
                               {u"image_type"_s, u"image/jpeg"_s}};
        const QByteArray json = QJsonDocument(meta).toJson(QJsonDocument::Compact);
        frame = be32(4) + be32(quint32(json.size())) + json + jpeg;
    } else {
        frame = be32(1) + be32(1) + jpeg;
    }
    m_hub->sendBinaryOrBroadcast(sid, frame);
}

QJsonObject Executor::applyHostileNames(QJsonObject ui) const
{
    const auto hostile = m_faults ? m_faults->find(u"hostile-names"_s) : std::nullopt;
    if (!hostile)
        return ui;
    for (const QString &key : {u"gifs"_s, u"images"_s}) {
        QJsonArray entries = ui.value(key).toArray();
        for (qsizetype i = 0; i < entries.size(); ++i) {
            QJsonObject e = entries.at(i).toObject();
            e.insert(u"filename"_s, hostileName(hostile->mode, e.value(u"filename").toString()));
            entries[i] = e;
        }
        if (ui.contains(key))
            ui.insert(key, entries);
    }
    return ui;
}

void Executor::runSaver(const QString &id, const NodeInputs &in)
{
    const QString classType = m_run->plan->classType(id);
    const ClipSpec clip = in.clip(u"images"_s);
    const bool vhs = classType == u"VHS_VideoCombine";
    const bool preview = classType == u"PreviewImage";
    const bool temp = preview
                      || (vhs && in.literal(u"save_output"_s).isBool()
                          && !in.literal(u"save_output"_s).toBool());
    QString prefix = in.text(u"filename_prefix"_s);
    if (preview)
        prefix = u"ComfyUI_temp_"_s
                 + QString::number(QRandomGenerator::global()->bounded(100000, 999999));
    const auto target = outputTarget(
            temp ? m_dirs.temp : m_dirs.output, temp ? u"temp"_s : u"output"_s, prefix, vhs);
    if (!target) {
        fail(id, u"Exception"_s, target.error() + u'\n', {});
        return;
    }
    EncodeRequest request;
    request.clip = clip;
    for (int i = 0; i < clip.frames; ++i)
        request.frames.append(i);
    if (vhs && in.literal(u"pingpong"_s).toBool()) {
        for (int i = clip.frames - 2; i > 0; --i)
            request.frames.append(i);
    }
    request.settings.width = std::max(2, clip.width & ~1);
    request.settings.height = std::max(2, clip.height & ~1);
    QJsonObject ui;
    if (vhs) {
        const QString format = in.text(u"format"_s);
        const FormatInfo info = formatInfo(format);
        const double fps = in.doubleValue(u"frame_rate"_s, 8.0);
        request.settings.container = info.container;
        request.settings.fps = fps;
        request.settings.crf = in.intValue(u"crf"_s, 19);
        request.videoPath = QDir(target->folder).filePath(target->vhsName(info.extension));
        request.firstFramePng = QDir(target->folder).filePath(target->vhsName(u"png"_s));
        QJsonObject entry{{u"filename"_s, target->vhsName(info.extension)},
                          {u"subfolder"_s, target->subfolder},
                          {u"type"_s, target->type},
                          {u"format"_s, format},
                          {u"frame_rate"_s, fps}};
        if (!m_config.legacy()) { // workflow/fullpath arrived in VHS 2024-12
            entry.insert(u"workflow"_s, target->vhsName(u"png"_s));
            entry.insert(u"fullpath"_s, QFileInfo(request.videoPath).absoluteFilePath());
        }
        ui.insert(u"gifs"_s, QJsonArray{entry});
    } else if (classType == u"SaveAnimatedWEBP") {
        request.settings.container = media::VideoContainer::AnimatedWebp;
        request.settings.fps = in.doubleValue(u"fps"_s, 6.0);
        const QString name = target->imageName(u"webp"_s);
        request.videoPath = QDir(target->folder).filePath(name);
        ui.insert(u"images"_s,
                  QJsonArray{QJsonObject{{u"filename"_s, name},
                                         {u"subfolder"_s, target->subfolder},
                                         {u"type"_s, target->type}}});
        ui.insert(u"animated"_s, QJsonArray{clip.frames > 1});
    } else { // SaveImage / PreviewImage: one PNG per frame
        QJsonArray images;
        OutputTarget t = *target;
        for (int i = 0; i < clip.frames; ++i, ++t.counter) {
            const QString name = t.imageName(u"png"_s);
            request.framePngs.append(QDir(t.folder).filePath(name));
            images.append(QJsonObject{
                    {u"filename"_s, name}, {u"subfolder"_s, t.subfolder}, {u"type"_s, t.type}});
        }
        ui.insert(u"images"_s, images);
    }
    startEncode(id, std::move(request), applyHostileNames(ui), vhs);
}

void Executor::startEncode(const QString &id, EncodeRequest request, QJsonObject ui, bool progress)
{
    dropEncode();
    m_encode = std::make_unique<EncodeTask>(std::move(request));
    EncodeTask *task = m_encode.get();
    connect(task, &EncodeTask::frameWritten, this, [this, id, progress](int written, int total) {
        if (!m_run || m_run->current != id)
            return;
        if (m_run->interruptRequested) {
            m_encode->cancel();
            interrupted(id);
            return;
        }
        if (!progress)
            return;
        setProgress(id, written, total, u"running"_s);
        sendProgressState();
        sendProgress(id, written, total);
    });
    connect(task, &EncodeTask::finished, this, [this, id, ui](bool ok, const QString &error) {
        if (!m_run || m_run->current != id)
            return;
        if (m_run->interruptRequested) {
            interrupted(id);
            return;
        }
        if (!ok) {
            fail(id,
                 u"Exception"_s,
                 u"An error occured in the ffmpeg subprocess:\n"_s + error + u'\n',
                 {});
            return;
        }
        completeNode(id, {}, ui);
    });
    task->start();
}

void Executor::runLoadVideo(const QString &id, const NodeInputs &in)
{
    const QString name = in.text(u"video"_s);
    const QString path = annotatedInputPath(m_dirs, name);
    const auto info = media::probeVideo(path);
    if (!info) {
        fail(id, u"Exception"_s, u"Invalid video file: "_s + name + u'\n', {});
        return;
    }
    const int skip = std::max(0, in.intValue(u"skip_first_frames"_s, 0));
    const int nth = std::max(1, in.intValue(u"select_every_nth"_s, 1));
    const int cap = std::max(0, in.intValue(u"frame_load_cap"_s, 0));
    int frames = std::max(0, info->frameCount - skip);
    frames = (frames + nth - 1) / nth;
    if (cap > 0)
        frames = std::min(frames, cap);
    ClipSpec clip;
    clip.frames = std::max(1, frames);
    clip.videoTag = QFileInfo(path).fileName();
    const int w = in.intValue(u"custom_width"_s, 0);
    const int h = in.intValue(u"custom_height"_s, 0);
    clip.width = w > 0 ? w : info->width;
    clip.height = h > 0 ? h : info->height;
    if (w > 0 && h == 0)
        clip.height = std::max(2, info->height * w / std::max(1, info->width));
    if (h > 0 && w == 0)
        clip.width = std::max(2, info->width * h / std::max(1, info->height));
    setProgress(id, clip.frames, clip.frames, u"running"_s);
    sendProgressState();
    sendProgress(id, clip.frames, clip.frames);
    NodeOutputs outs = evaluateNode(
            u"VHS_LoadVideo"_s, in, m_schemas->outputTypes(u"VHS_LoadVideo"_s), m_dirs);
    if (!outs.isEmpty()) {
        outs[0].kind = SimValue::Kind::Clip;
        outs[0].clip = clip;
    }
    if (outs.size() > 1) {
        outs[1].kind = SimValue::Kind::Int;
        outs[1].number = clip.frames;
    }
    completeNode(id, outs, std::nullopt);
}

} // namespace comfyvideo::simulator
