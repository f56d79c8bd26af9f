#include "comfy/workflowbuilder.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <algorithm>
#include <limits>

namespace comfyvideo::comfy {

using request::ContextSchedule;
using request::GenerationRequest;
using request::Kind;
using request::OutputFormat;

namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(WorkflowBuilder)
};

const QString StandardUniformClass = QStringLiteral("ADE_StandardUniformContextOptions");
const QString StandardStaticClass = QStringLiteral("ADE_StandardStaticContextOptions");
const QString LoopedUniformClass = QStringLiteral("ADE_LoopedUniformContextOptions");
const QString LegacyUniformClass = QStringLiteral("ADE_AnimateDiffUniformContextOptions");
const QString VideoCombineClass = QStringLiteral("VHS_VideoCombine");
const QString AnimatedWebpClass = QStringLiteral("SaveAnimatedWEBP");

QJsonArray link(const QString &nodeId, int outputIndex)
{
    return QJsonArray{nodeId, outputIndex};
}

QJsonObject makeNode(const QString &classType, const QString &title, const QJsonObject &inputs)
{
    return QJsonObject{{QStringLiteral("class_type"), classType},
                       {QStringLiteral("inputs"), inputs},
                       {QStringLiteral("_meta"), QJsonObject{{QStringLiteral("title"), title}}}};
}

// ComfyUI converts INT inputs with Python's int(), so a decimal string carries the values a
// JSON integer (qint64 in Qt) cannot.
QJsonValue seedValue(quint64 seed)
{
    if (seed > static_cast<quint64>(std::numeric_limits<qint64>::max()))
        return QString::number(seed);
    return QJsonValue(static_cast<qint64>(seed));
}

QString filenamePrefix(const GenerationRequest &request, const BuildOptions &options)
{
    if (!options.filenamePrefix.isEmpty())
        return options.filenamePrefix;
    return request.kind == Kind::Svd ? QStringLiteral("ComfyVideo/svd")
                                     : QStringLiteral("ComfyVideo/animatediff");
}

QJsonObject videoCombineInputs(const GenerationRequest &request, OutputFormat format)
{
    QJsonObject inputs{{QStringLiteral("frame_rate"), request.fps},
                       {QStringLiteral("loop_count"), 0},
                       {QStringLiteral("format"), videoCombineFormat(format)},
                       {QStringLiteral("pingpong"), false},
                       {QStringLiteral("save_output"), true}};
    // Format widgets are plain top-level keys next to "format" (reference §5.4).
    if (format == OutputFormat::H264Mp4 || format == OutputFormat::Webm) {
        inputs.insert(QStringLiteral("pix_fmt"), QStringLiteral("yuv420p"));
        inputs.insert(QStringLiteral("crf"), request.crf);
        inputs.insert(QStringLiteral("save_metadata"), true);
        inputs.insert(QStringLiteral("trim_to_audio"), false);
    }
    return inputs;
}

QJsonObject
saverNode(const GenerationRequest &request, const BuildOptions &options, const QJsonArray &images)
{
    const QString prefix = filenamePrefix(request, options);
    if (options.saver == BuildOptions::Saver::AnimatedWebp) {
        const QJsonObject inputs{{QStringLiteral("images"), images},
                                 {QStringLiteral("filename_prefix"), prefix},
                                 {QStringLiteral("fps"), static_cast<double>(request.fps)},
                                 {QStringLiteral("lossless"), false},
                                 {QStringLiteral("quality"), webpQualityForCrf(request.crf)},
                                 {QStringLiteral("method"), QStringLiteral("default")}};
        return makeNode(AnimatedWebpClass, Text::tr("Save animated WEBP"), inputs);
    }
    QJsonObject inputs = videoCombineInputs(request, options.outputFormat.value_or(request.format));
    inputs.insert(QStringLiteral("images"), images);
    inputs.insert(QStringLiteral("filename_prefix"), prefix);
    return makeNode(VideoCombineClass, Text::tr("Save video"), inputs);
}

QJsonObject ksamplerInputs(const GenerationRequest &request,
                           const QJsonArray &model,
                           const QJsonArray &positive,
                           const QJsonArray &negative,
                           const QJsonArray &latent)
{
    return QJsonObject{{QStringLiteral("model"), model},
                       {QStringLiteral("seed"), seedValue(request.seed)},
                       {QStringLiteral("steps"), request.steps},
                       {QStringLiteral("cfg"), request.cfg},
                       {QStringLiteral("sampler_name"), request.sampler},
                       {QStringLiteral("scheduler"), request.scheduler},
                       {QStringLiteral("positive"), positive},
                       {QStringLiteral("negative"), negative},
                       {QStringLiteral("latent_image"), latent},
                       {QStringLiteral("denoise"), 1.0}};
}

QJsonObject contextOptionsNode(const GenerationRequest &request, const QString &classType)
{
    QJsonObject inputs{{QStringLiteral("context_length"), request.contextLength},
                       {QStringLiteral("context_overlap"), request.contextOverlap}};
    if (classType != StandardStaticClass)
        inputs.insert(QStringLiteral("context_stride"), request.contextStride);
    if (classType == LoopedUniformClass || classType == LegacyUniformClass) {
        // Only a requested looped schedule closes the loop; a looped node standing in for a
        // missing uniform one must behave like it.
        const bool closed
                = request.contextSchedule == ContextSchedule::LoopedUniform && request.closedLoop;
        inputs.insert(QStringLiteral("closed_loop"), closed);
    }
    if (classType == LegacyUniformClass) {
        inputs.insert(QStringLiteral("context_schedule"), QStringLiteral("uniform"));
    } else {
        // "pyramid" and "flat" exist in every ADE version; each is its node's own default.
        inputs.insert(QStringLiteral("fuse_method"),
                      classType == LoopedUniformClass ? QStringLiteral("flat")
                                                      : QStringLiteral("pyramid"));
        inputs.insert(QStringLiteral("use_on_equal_length"), false);
        inputs.insert(QStringLiteral("start_percent"), 0.0);
        inputs.insert(QStringLiteral("guarantee_steps"), 1);
    }
    return makeNode(classType, Text::tr("Context windows"), inputs);
}

// Nodes "2".."4" (Gen2) or "4" (legacy loader): the checkpoint's model with the motion module,
// windowed by node "11" when `useContext`.
void addMotionNodes(QJsonObject &prompt,
                    const GenerationRequest &request,
                    const BuildOptions &options,
                    bool useContext)
{
    QJsonObject sampling{{QStringLiteral("model"), link(QStringLiteral("1"), 0)},
                         {QStringLiteral("beta_schedule"), request.betaSchedule}};
    if (useContext)
        sampling.insert(QStringLiteral("context_options"), link(QStringLiteral("11"), 0));
    if (options.animateDiffForm == BuildOptions::AnimateDiffForm::Legacy) {
        sampling.insert(QStringLiteral("model_name"), request.motionModule);
        sampling.insert(QStringLiteral("motion_scale"), 1.0);
        sampling.insert(QStringLiteral("apply_v2_models_properly"), true);
        prompt.insert(QStringLiteral("4"),
                      makeNode(QStringLiteral("ADE_AnimateDiffLoaderWithContext"),
                               Text::tr("AnimateDiff loader"),
                               sampling));
        return;
    }
    prompt.insert(QStringLiteral("2"),
                  makeNode(QStringLiteral("ADE_LoadAnimateDiffModel"),
                           Text::tr("Load motion module"),
                           {{QStringLiteral("model_name"), request.motionModule}}));
    prompt.insert(QStringLiteral("3"),
                  makeNode(QStringLiteral("ADE_ApplyAnimateDiffModelSimple"),
                           Text::tr("Apply motion module"),
                           {{QStringLiteral("motion_model"), link(QStringLiteral("2"), 0)}}));
    sampling.insert(QStringLiteral("m_models"), link(QStringLiteral("3"), 0));
    prompt.insert(QStringLiteral("4"),
                  makeNode(QStringLiteral("ADE_UseEvolvedSampling"),
                           Text::tr("AnimateDiff sampling"),
                           sampling));
}

BuiltWorkflow buildAnimateDiff(const GenerationRequest &request, const BuildOptions &options)
{
    BuiltWorkflow built;
    QJsonObject &prompt = built.prompt;
    const bool useContext
            = request.frames > request.contextLength && !options.contextNodeClass.isEmpty();
    if (useContext) {
        prompt.insert(QStringLiteral("11"), contextOptionsNode(request, options.contextNodeClass));
        built.notes << Text::tr("%1 frames are sampled in sliding windows of %2 frames "
                                "overlapping by %3.")
                               .arg(request.frames)
                               .arg(request.contextLength)
                               .arg(request.contextOverlap);
    }
    prompt.insert(QStringLiteral("1"),
                  makeNode(QStringLiteral("CheckpointLoaderSimple"),
                           Text::tr("Load checkpoint"),
                           {{QStringLiteral("ckpt_name"), request.checkpoint}}));
    addMotionNodes(prompt, request, options, useContext);
    prompt.insert(QStringLiteral("5"),
                  makeNode(QStringLiteral("CLIPTextEncode"),
                           Text::tr("Prompt"),
                           {{QStringLiteral("text"), request.prompt},
                            {QStringLiteral("clip"), link(QStringLiteral("1"), 1)}}));
    prompt.insert(QStringLiteral("6"),
                  makeNode(QStringLiteral("CLIPTextEncode"),
                           Text::tr("Negative prompt"),
                           {{QStringLiteral("text"), request.negativePrompt},
                            {QStringLiteral("clip"), link(QStringLiteral("1"), 1)}}));
    prompt.insert(QStringLiteral("7"),
                  makeNode(QStringLiteral("EmptyLatentImage"),
                           Text::tr("Frames"),
                           {{QStringLiteral("width"), request.width},
                            {QStringLiteral("height"), request.height},
                            {QStringLiteral("batch_size"), request.frames}}));
    prompt.insert(QStringLiteral("8"),
                  makeNode(QStringLiteral("KSampler"),
                           Text::tr("Sampler"),
                           ksamplerInputs(request,
                                          link(QStringLiteral("4"), 0),
                                          link(QStringLiteral("5"), 0),
                                          link(QStringLiteral("6"), 0),
                                          link(QStringLiteral("7"), 0))));
    prompt.insert(QStringLiteral("9"),
                  makeNode(QStringLiteral("VAEDecode"),
                           Text::tr("Decode frames"),
                           {{QStringLiteral("samples"), link(QStringLiteral("8"), 0)},
                            {QStringLiteral("vae"), link(QStringLiteral("1"), 2)}}));
    prompt.insert(QStringLiteral("10"), saverNode(request, options, link(QStringLiteral("9"), 0)));
    built.outputNodeId = QStringLiteral("10");
    return built;
}

BuiltWorkflow buildSvd(const GenerationRequest &request, const BuildOptions &options)
{
    BuiltWorkflow built;
    QJsonObject &prompt = built.prompt;
    prompt.insert(QStringLiteral("1"),
                  makeNode(QStringLiteral("ImageOnlyCheckpointLoader"),
                           Text::tr("Load SVD checkpoint"),
                           {{QStringLiteral("ckpt_name"), request.checkpoint}}));
    prompt.insert(QStringLiteral("2"),
                  makeNode(QStringLiteral("LoadImage"),
                           Text::tr("Start image"),
                           {{QStringLiteral("image"), options.uploadedImageName}}));
    const QJsonObject conditioning{
            {QStringLiteral("clip_vision"), link(QStringLiteral("1"), 1)},
            {QStringLiteral("init_image"), link(QStringLiteral("2"), 0)},
            {QStringLiteral("vae"), link(QStringLiteral("1"), 2)},
            {QStringLiteral("width"), request.width},
            {QStringLiteral("height"), request.height},
            {QStringLiteral("video_frames"), request.frames},
            {QStringLiteral("motion_bucket_id"), request.motionBucketId},
            {QStringLiteral("fps"), request.conditioningFps},
            {QStringLiteral("augmentation_level"), request.augmentationLevel}};
    prompt.insert(QStringLiteral("3"),
                  makeNode(QStringLiteral("SVD_img2vid_Conditioning"),
                           Text::tr("SVD conditioning"),
                           conditioning));
    prompt.insert(QStringLiteral("4"),
                  makeNode(QStringLiteral("VideoLinearCFGGuidance"),
                           Text::tr("Linear CFG guidance"),
                           {{QStringLiteral("model"), link(QStringLiteral("1"), 0)},
                            {QStringLiteral("min_cfg"), request.minCfg}}));
    prompt.insert(QStringLiteral("5"),
                  makeNode(QStringLiteral("KSampler"),
                           Text::tr("Sampler"),
                           ksamplerInputs(request,
                                          link(QStringLiteral("4"), 0),
                                          link(QStringLiteral("3"), 0),
                                          link(QStringLiteral("3"), 1),
                                          link(QStringLiteral("3"), 2))));
    prompt.insert(QStringLiteral("6"),
                  makeNode(QStringLiteral("VAEDecode"),
                           Text::tr("Decode frames"),
                           {{QStringLiteral("samples"), link(QStringLiteral("5"), 0)},
                            {QStringLiteral("vae"), link(QStringLiteral("1"), 2)}}));
    prompt.insert(QStringLiteral("7"), saverNode(request, options, link(QStringLiteral("6"), 0)));
    built.outputNodeId = QStringLiteral("7");
    return built;
}

// The installed context node closest to the requested schedule: the requested one, then
// Standard Uniform, Looped Uniform (open), Standard Static, and the legacy uniform node.
QString pickContextClass(const NodeCatalog &catalog, ContextSchedule schedule)
{
    const QStringList order{contextOptionsClass(schedule),
                            StandardUniformClass,
                            LoopedUniformClass,
                            StandardStaticClass,
                            LegacyUniformClass};
    const auto found = std::find_if(order.cbegin(), order.cend(), [&](const QString &name) {
        return catalog.hasNode(name);
    });
    return found == order.cend() ? QString() : *found;
}

// "Looped uniform" for the node classes that have a schedule name, else the class itself.
QString contextClassDisplayName(const QString &classType)
{
    for (const ContextSchedule schedule : {ContextSchedule::StandardUniform,
                                           ContextSchedule::StandardStatic,
                                           ContextSchedule::LoopedUniform}) {
        if (contextOptionsClass(schedule) == classType)
            return request::scheduleDisplayName(schedule);
    }
    return classType;
}

void chooseSaver(const NodeCatalog &catalog,
                 const GenerationRequest &request,
                 BuildOptions &options,
                 QStringList &notes)
{
    if (!catalog.hasVideoHelperSuite()) {
        options.saver = BuildOptions::Saver::AnimatedWebp;
        notes << Text::tr("VideoHelperSuite is not installed: saving an animated WEBP instead.");
        return;
    }
    const QStringList formats = catalog.videoCombineFormats();
    // An unreadable format list says nothing about the server; send what was asked for.
    if (formats.isEmpty() || formats.contains(videoCombineFormat(request.format)))
        return;
    const QString wanted = request::formatDisplayName(request.format);
    for (const OutputFormat fallback : {OutputFormat::H264Mp4, OutputFormat::Gif}) {
        if (formats.contains(videoCombineFormat(fallback))) {
            options.outputFormat = fallback;
            notes << Text::tr("VideoHelperSuite on this server cannot write %1: writing %2 "
                              "instead.")
                             .arg(wanted, request::formatDisplayName(fallback));
            return;
        }
    }
    options.saver = BuildOptions::Saver::AnimatedWebp;
    notes << Text::tr("VideoHelperSuite on this server cannot write %1: saving an animated WEBP "
                      "instead.")
                     .arg(wanted);
}

void chooseAnimateDiffNodes(const NodeCatalog &catalog,
                            const GenerationRequest &request,
                            BuildOptions &options,
                            QStringList &notes)
{
    if (!catalog.hasAnimateDiffGen2() && catalog.hasAnimateDiffLegacy()) {
        options.animateDiffForm = BuildOptions::AnimateDiffForm::Legacy;
        notes << Text::tr("AnimateDiff-Evolved on this server is an older version: using its "
                          "legacy loader.");
    }
    options.contextNodeClass = pickContextClass(catalog, request.contextSchedule);
    const QString wanted = contextOptionsClass(request.contextSchedule);
    if (request.frames > request.contextLength && !options.contextNodeClass.isEmpty()
        && options.contextNodeClass != wanted) {
        notes << Text::tr("This server has no %1 context schedule: using %2 instead.")
                         .arg(request::scheduleDisplayName(request.contextSchedule),
                              contextClassDisplayName(options.contextNodeClass));
    }
}

} // namespace

BuildOptions BuildOptions::forCatalog(const NodeCatalog &catalog,
                                      const GenerationRequest &request,
                                      QStringList *notes)
{
    BuildOptions options = forRequest(request);
    QStringList made;
    if (request.kind == Kind::AnimateDiff)
        chooseAnimateDiffNodes(catalog, request, options, made);
    chooseSaver(catalog, request, options, made);
    if (notes)
        notes->append(made);
    return options;
}

BuildOptions BuildOptions::forRequest(const GenerationRequest &request)
{
    BuildOptions options;
    options.contextNodeClass = contextOptionsClass(request.contextSchedule);
    return options;
}

BuiltWorkflow buildWorkflow(const GenerationRequest &request, const BuildOptions &options)
{
    return request.kind == Kind::Svd ? buildSvd(request, options)
                                     : buildAnimateDiff(request, options);
}

QString contextOptionsClass(ContextSchedule schedule)
{
    switch (schedule) {
    case ContextSchedule::StandardStatic:
        return StandardStaticClass;
    case ContextSchedule::LoopedUniform:
        return LoopedUniformClass;
    case ContextSchedule::StandardUniform:
        break;
    }
    return StandardUniformClass;
}

QString videoCombineFormat(OutputFormat format)
{
    switch (format) {
    case OutputFormat::Webm:
        return QStringLiteral("video/webm");
    case OutputFormat::Gif:
        return QStringLiteral("image/gif");
    case OutputFormat::H264Mp4:
        break;
    }
    return QStringLiteral("video/h264-mp4");
}

int webpQualityForCrf(int crf)
{
    const int c = std::clamp(crf, 0, 51);
    // Two straight pieces through (0, 100), (19, 85) and (51, 10), rounded to nearest.
    if (c <= 19)
        return 100 - (c * 15 * 2 + 19) / (19 * 2);
    return 85 - ((c - 19) * 75 * 2 + 32) / (32 * 2);
}

} // namespace comfyvideo::comfy
