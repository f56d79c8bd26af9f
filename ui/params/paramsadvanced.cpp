#include "params/choicecombo.h"
#include "params/paramsformprivate.h"
#include "request/validation.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace comfyvideo::ui {

using request::GenerationRequest;
using request::Kind;
namespace limits = request::limits;

namespace {

// AnimateDiff-Evolved's beta_schedule choices (ADE_AnimateDiffLoaderWithContext).
QStringList betaSchedules()
{
    return {QStringLiteral("autoselect"),
            QStringLiteral("use existing"),
            QStringLiteral("sqrt_linear (AnimateDiff)"),
            QStringLiteral("linear (AnimateDiff-SDXL)"),
            QStringLiteral("linear (HotshotXL/default)"),
            QStringLiteral("avg(sqrt_linear,linear)"),
            QStringLiteral("lcm avg(sqrt_linear,linear)"),
            QStringLiteral("lcm"),
            QStringLiteral("lcm[100_ots]"),
            QStringLiteral("lcm >> sqrt_linear"),
            QStringLiteral("sqrt"),
            QStringLiteral("cosine"),
            QStringLiteral("squaredcos_cap_v2")};
}

// A combo over an enum field of the request.
template<typename Enum>
QComboBox *enumCombo(QWidget *parent, const QList<std::pair<Enum, QString>> &items)
{
    auto *combo = new QComboBox(parent);
    for (const auto &[value, name] : items)
        combo->addItem(name, QVariant::fromValue(int(value)));
    return combo;
}

} // namespace

QWidget *ParamsForm::Private::buildAdvanced()
{
    auto *section = new QWidget(q);
    auto *layout = new QVBoxLayout(section);
    layout->setContentsMargins(0, 0, 0, 0);
    m_advancedToggle = new QToolButton(section);
    m_advancedToggle->setObjectName(QStringLiteral("advancedToggle"));
    m_advancedToggle->setText(ParamsForm::tr("&Advanced"));
    m_advancedToggle->setAccessibleName(ParamsForm::tr("Advanced settings"));
    m_advancedToggle->setToolTip(
            ParamsForm::tr("Show or hide sampling, output and motion settings"));
    m_advancedToggle->setCheckable(true);
    m_advancedToggle->setAutoRaise(true);
    m_advancedToggle->setArrowType(Qt::RightArrow);
    m_advancedToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    layout->addWidget(m_advancedToggle);

    m_advanced = new QWidget(section);
    m_advanced->setObjectName(QStringLiteral("advanced"));
    m_advanced->hide();
    layout->addWidget(m_advanced);
    QObject::connect(m_advancedToggle, &QToolButton::toggled, q, [this](bool open) {
        m_advancedToggle->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
        m_advanced->setVisible(open);
        validate();
    });

    auto *form = new QFormLayout(m_advanced);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    const QStringList keysBefore = m_messages.keys();

    buildAdvancedSampling(form);

    buildAdvancedOutput(form);
    buildAdvancedAnimateDiff(form);
    buildAdvancedSvd(form);

    for (const QString &key : m_messages.keys()) {
        if (!keysBefore.contains(key))
            m_advancedKeys.insert(key);
    }
    return section;
}

void ParamsForm::Private::buildAdvancedSampling(QFormLayout *form)
{
    intField(form,
             QStringLiteral("steps"),
             ParamsForm::tr("Step&s:"),
             &GenerationRequest::steps,
             {limits::MinSteps, limits::MaxSteps},
             {},
             ParamsForm::tr("Sampling steps, %1 to %2; more is slower and often finer")
                     .arg(limits::MinSteps)
                     .arg(limits::MaxSteps));
    QDoubleSpinBox *cfg = doubleField(
            form,
            QStringLiteral("cfg"),
            ParamsForm::tr("&CFG:"),
            &GenerationRequest::cfg,
            {limits::MinCfg, limits::MaxCfg},
            {},
            ParamsForm::tr("How closely to follow the prompt, %1 to %2 (AnimateDiff about 7.5, "
                           "SVD about 2.5)")
                    .arg(limits::MinCfg)
                    .arg(limits::MaxCfg));
    cfg->setSingleStep(0.5);
    m_sampler = choiceField(form,
                            QStringLiteral("sampler"),
                            ParamsForm::tr("Sa&mpler:"),
                            &GenerationRequest::sampler,
                            false,
                            {},
                            ParamsForm::tr("KSampler's sampler (euler suits most models)"));
    m_scheduler = choiceField(form,
                              QStringLiteral("scheduler"),
                              ParamsForm::tr("Sche&duler:"),
                              &GenerationRequest::scheduler,
                              false,
                              {},
                              ParamsForm::tr("KSampler's noise schedule"));
    m_sampler->setChoices({});
    m_scheduler->setChoices({});
}

void ParamsForm::Private::buildAdvancedOutput(QFormLayout *form)
{
    QList<std::pair<request::OutputFormat, QString>> formats;
    for (auto f :
         {request::OutputFormat::H264Mp4, request::OutputFormat::Webm, request::OutputFormat::Gif})
        formats.append({f, request::formatDisplayName(f)});
    QComboBox *format = enumCombo(m_advanced, formats);
    format->setToolTip(ParamsForm::tr("The file the server makes (H.264 MP4 plays everywhere)"));
    addRow(form, QStringLiteral("format"), ParamsForm::tr("&Output format:"), format, format, {});
    QObject::connect(format, &QComboBox::activated, q, [this, format](int) {
        m_request.format = request::OutputFormat(format->currentData().toInt());
        edited();
    });
    m_showers.append([this, format] {
        format->setCurrentIndex(format->findData(QVariant::fromValue(int(m_request.format))));
    });
    intField(form,
             QStringLiteral("crf"),
             ParamsForm::tr("&Quality (CRF):"),
             &GenerationRequest::crf,
             {0, limits::MaxCrf},
             {},
             ParamsForm::tr("0 is best (largest file), %1 smallest; 19 looks clean")
                     .arg(limits::MaxCrf));
}

void ParamsForm::Private::buildAdvancedAnimateDiff(QFormLayout *form)
{
    const std::initializer_list<Kind> ad = {Kind::AnimateDiff};
    intField(form,
             QStringLiteral("contextLength"),
             ParamsForm::tr("Context &length:"),
             &GenerationRequest::contextLength,
             {1, limits::MaxContextLength},
             ad,
             ParamsForm::tr("Frames the motion module sees at once (16 for most modules); used "
                            "when the video is longer"));
    intField(form,
             QStringLiteral("contextOverlap"),
             ParamsForm::tr("Context o&verlap:"),
             &GenerationRequest::contextOverlap,
             {0, limits::MaxContextLength - 1},
             ad,
             ParamsForm::tr("Frames shared by neighbouring windows; smaller than the context "
                            "length"));
    intField(form,
             QStringLiteral("contextStride"),
             ParamsForm::tr("Context st&ride:"),
             &GenerationRequest::contextStride,
             {1, limits::MaxContextStride},
             ad,
             ParamsForm::tr("1 to %1").arg(limits::MaxContextStride));

    buildAdvancedLoop(form);
    ChoiceCombo *beta = choiceField(form,
                                    QStringLiteral("betaSchedule"),
                                    ParamsForm::tr("&Beta schedule:"),
                                    &GenerationRequest::betaSchedule,
                                    false,
                                    ad,
                                    ParamsForm::tr("autoselect suits most motion modules"));
    beta->setMissingMarker(ParamsForm::tr("%1 (custom)"));
    beta->setChoices(betaSchedules());
}

void ParamsForm::Private::buildAdvancedLoop(QFormLayout *form)
{
    const std::initializer_list<Kind> ad = {Kind::AnimateDiff};
    QList<std::pair<request::ContextSchedule, QString>> schedules;
    for (auto s : {request::ContextSchedule::StandardUniform,
                   request::ContextSchedule::StandardStatic,
                   request::ContextSchedule::LoopedUniform})
        schedules.append({s, request::scheduleDisplayName(s)});
    QComboBox *schedule = enumCombo(m_advanced, schedules);
    schedule->setToolTip(ParamsForm::tr("How the motion window slides over long videos"));
    addRow(form,
           QStringLiteral("contextSchedule"),
           ParamsForm::tr("Context sc&hedule:"),
           schedule,
           schedule,
           ad);
    QObject::connect(schedule, &QComboBox::activated, q, [this, schedule](int) {
        m_request.contextSchedule = request::ContextSchedule(schedule->currentData().toInt());
        edited();
    });

    auto *loop = new QCheckBox(ParamsForm::tr("Seamless loop (closed loop)"), m_advanced);
    loop->setToolTip(ParamsForm::tr("The last frame leads back into the first; needs the looped "
                                    "uniform schedule"));
    addRow(form, QStringLiteral("closedLoop"), ParamsForm::tr("Loo&p:"), loop, loop, ad);
    QObject::connect(loop, &QCheckBox::toggled, q, [this](bool on) {
        if (m_updating)
            return;
        m_request.closedLoop = on;
        edited();
    });
    m_showers.append([this, schedule, loop] {
        schedule->setCurrentIndex(
                schedule->findData(QVariant::fromValue(int(m_request.contextSchedule))));
        loop->setChecked(m_request.closedLoop);
    });
}

void ParamsForm::Private::buildAdvancedSvd(QFormLayout *form)
{
    const std::initializer_list<Kind> svd = {Kind::Svd};
    intField(form,
             QStringLiteral("motionBucketId"),
             ParamsForm::tr("Motion &bucket:"),
             &GenerationRequest::motionBucketId,
             {limits::MinMotionBucket, limits::MaxMotionBucket},
             svd,
             ParamsForm::tr("%1 to %2; higher means more motion (127 is typical)")
                     .arg(limits::MinMotionBucket)
                     .arg(limits::MaxMotionBucket));
    QDoubleSpinBox *augmentation = doubleField(
            form,
            QStringLiteral("augmentationLevel"),
            ParamsForm::tr("A&ugmentation:"),
            &GenerationRequest::augmentationLevel,
            {0.0, limits::MaxAugmentation},
            svd,
            ParamsForm::tr("Noise added to the picture, 0 to %1; more lets the video drift "
                           "further from it")
                    .arg(limits::MaxAugmentation));
    augmentation->setDecimals(3);
    augmentation->setSingleStep(0.01);
    QDoubleSpinBox *minCfg
            = doubleField(form,
                          QStringLiteral("minCfg"),
                          ParamsForm::tr("Mi&nimum CFG:"),
                          &GenerationRequest::minCfg,
                          {limits::MinCfg, limits::MaxCfg},
                          svd,
                          ParamsForm::tr("The CFG of the first frame, rising to CFG at the last"));
    minCfg->setSingleStep(0.5);
    intField(form,
             QStringLiteral("conditioningFps"),
             ParamsForm::tr("Conditioning &fps:"),
             &GenerationRequest::conditioningFps,
             {limits::MinConditioningFps, limits::MaxConditioningFps},
             svd,
             ParamsForm::tr("The frame rate SVD is told about (6 is typical); not the video's "
                            "frame rate"));
}

} // namespace comfyvideo::ui
