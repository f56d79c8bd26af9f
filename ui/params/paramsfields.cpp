#include "params/choicecombo.h"
#include "params/paramsformprivate.h"
#include "params/referenceimagezone.h"
#include "params/seedfield.h"
#include "request/validation.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace comfyvideo::ui {

using request::GenerationRequest;
using request::Kind;
namespace limits = request::limits;

namespace {

QString withoutMnemonic(QString text)
{
    text.remove(QLatin1Char('&'));
    if (text.endsWith(QLatin1Char(':')))
        text.chop(1);
    return text;
}

QPlainTextEdit *promptEdit(QWidget *parent, int lines)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setTabChangesFocus(true);
    const int frame = edit->frameWidth() * 2 + int(edit->document()->documentMargin() * 2);
    edit->setFixedHeight(edit->fontMetrics().lineSpacing() * lines + frame);
    return edit;
}

} // namespace

void ParamsForm::Private::addRow(QFormLayout *form,
                                 const QString &key,
                                 const QString &label,
                                 QWidget *field,
                                 QWidget *buddy,
                                 std::initializer_list<Kind> kinds)
{
    auto *container = new QWidget(form->parentWidget());
    auto *layout = new QVBoxLayout(container);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(field);
    if (!key.isEmpty()) {
        field->setObjectName(key);
        auto *message = new QLabel(container);
        message->setObjectName(key + QStringLiteral("-message"));
        message->setWordWrap(true);
        message->setAccessibleName(ParamsForm::tr("%1: problem").arg(withoutMnemonic(label)));
        QFont font = message->font();
        font.setItalic(true);
        message->setFont(font);
        message->hide();
        layout->addWidget(message);
        m_messages.insert(key, message);
    }
    if (buddy->accessibleName().isEmpty())
        buddy->setAccessibleName(withoutMnemonic(label));
    auto *labelWidget = new QLabel(label, form->parentWidget());
    labelWidget->setBuddy(buddy);
    form->addRow(labelWidget, container);
    m_rows.append(Row{form, container, QList<Kind>(kinds)});
}

QSpinBox *ParamsForm::Private::intField(QFormLayout *form,
                                        const QString &key,
                                        const QString &label,
                                        int GenerationRequest::*member,
                                        std::pair<int, int> range,
                                        std::initializer_list<Kind> kinds,
                                        const QString &tip)
{
    auto *spin = new QSpinBox(form->parentWidget());
    spin->setRange(range.first, range.second);
    spin->setToolTip(tip);
    addRow(form, key, label, spin, spin, kinds);
    QObject::connect(spin, &QSpinBox::valueChanged, q, [this, member](int value) {
        if (m_updating)
            return;
        m_request.*member = value;
        edited();
    });
    m_showers.append([this, spin, member] {
        spin->setValue(m_request.*member);
        m_request.*member = spin->value(); // what is shown (clamped to the field's range)
    });
    return spin;
}

QDoubleSpinBox *ParamsForm::Private::doubleField(QFormLayout *form,
                                                 const QString &key,
                                                 const QString &label,
                                                 double GenerationRequest::*member,
                                                 std::pair<double, double> range,
                                                 std::initializer_list<Kind> kinds,
                                                 const QString &tip)
{
    auto *spin = new QDoubleSpinBox(form->parentWidget());
    spin->setRange(range.first, range.second);
    spin->setToolTip(tip);
    addRow(form, key, label, spin, spin, kinds);
    QObject::connect(spin, &QDoubleSpinBox::valueChanged, q, [this, member](double value) {
        if (m_updating)
            return;
        m_request.*member = value;
        edited();
    });
    // The request keeps its exact value until the person edits the field.
    m_showers.append([this, spin, member] { spin->setValue(m_request.*member); });
    return spin;
}

ChoiceCombo *ParamsForm::Private::choiceField(QFormLayout *form,
                                              const QString &key,
                                              const QString &label,
                                              QString GenerationRequest::*member,
                                              bool automatic,
                                              std::initializer_list<Kind> kinds,
                                              const QString &tip)
{
    auto *combo = new ChoiceCombo(automatic, form->parentWidget());
    combo->setToolTip(tip);
    addRow(form, key, label, combo, combo, kinds);
    QObject::connect(combo, &ChoiceCombo::valueEdited, q, [this, member](const QString &value) {
        if (m_updating)
            return;
        m_request.*member = value;
        edited();
    });
    m_showers.append([this, combo, member] { combo->setValue(m_request.*member); });
    return combo;
}

QWidget *ParamsForm::Private::buildMainFields()
{
    auto *box = new QWidget(q);
    auto *form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    buildPromptRows(form);
    buildZoneRow(form);
    buildModelRows(form);
    buildSizeRows(form);
    buildSeedRow(form);
    return box;
}

void ParamsForm::Private::buildPromptRows(QFormLayout *form)
{
    auto *prompt = promptEdit(form->parentWidget(), 3);
    prompt->setPlaceholderText(ParamsForm::tr("A cat walking through falling snow, cinematic"));
    prompt->setToolTip(ParamsForm::tr("What the video shows (AnimateDiff needs a prompt)"));
    addRow(form,
           QStringLiteral("prompt"),
           ParamsForm::tr("&Prompt:"),
           prompt,
           prompt,
           {Kind::AnimateDiff});
    auto *negative = promptEdit(form->parentWidget(), 2);
    negative->setPlaceholderText(ParamsForm::tr("blurry, low quality"));
    negative->setToolTip(ParamsForm::tr("What the video should avoid (optional)"));
    addRow(form,
           QStringLiteral("negativePrompt"),
           ParamsForm::tr("&Negative prompt:"),
           negative,
           negative,
           {Kind::AnimateDiff});
    QObject::connect(prompt, &QPlainTextEdit::textChanged, q, [this, prompt] {
        if (!m_updating && prompt->toPlainText() != m_request.prompt) {
            m_request.prompt = prompt->toPlainText();
            edited();
        }
    });
    QObject::connect(negative, &QPlainTextEdit::textChanged, q, [this, negative] {
        if (!m_updating && negative->toPlainText() != m_request.negativePrompt) {
            m_request.negativePrompt = negative->toPlainText();
            edited();
        }
    });
    m_showers.append([this, prompt, negative] {
        if (prompt->toPlainText() != m_request.prompt)
            prompt->setPlainText(m_request.prompt);
        if (negative->toPlainText() != m_request.negativePrompt)
            negative->setPlainText(m_request.negativePrompt);
    });
}

void ParamsForm::Private::buildZoneRow(QFormLayout *form)
{
    m_zone = new ReferenceImageZone(form->parentWidget());
    addRow(form,
           QStringLiteral("referenceImage"),
           ParamsForm::tr("&Reference image:"),
           m_zone,
           m_zone,
           {Kind::Svd});
    QObject::connect(m_zone, &ReferenceImageZone::imageChanged, q, [this](const QString &path) {
        if (m_updating || path == m_request.referenceImage)
            return;
        m_request.referenceImage = path;
        edited();
    });
    QObject::connect(m_zone, &ReferenceImageZone::errorChanged, q, [this] {
        if (!m_updating)
            validate();
    });
    QObject::connect(m_zone, &ReferenceImageZone::sizeSuggested, q, [this](QSize size) {
        m_request.width = size.width();
        m_request.height = size.height();
        showRequest();
        edited();
    });
    m_showers.append([this] {
        if (m_zone->imagePath() != m_request.referenceImage)
            m_zone->setImagePath(m_request.referenceImage);
    });
}

void ParamsForm::Private::buildModelRows(QFormLayout *form)
{
    m_animateDiffCheckpoint = choiceField(form,
                                          QString(),
                                          ParamsForm::tr("Chec&kpoint:"),
                                          &GenerationRequest::checkpoint,
                                          true,
                                          {Kind::AnimateDiff},
                                          ParamsForm::tr("The Stable Diffusion 1.5 checkpoint"));
    m_svdCheckpoint = choiceField(form,
                                  QString(),
                                  ParamsForm::tr("Chec&kpoint:"),
                                  &GenerationRequest::checkpoint,
                                  true,
                                  {Kind::Svd},
                                  ParamsForm::tr("The SVD checkpoint: svd makes 14 frames, "
                                                 "svd_xt 25"));
    m_motionModule = choiceField(form,
                                 QString(),
                                 ParamsForm::tr("&Motion module:"),
                                 &GenerationRequest::motionModule,
                                 true,
                                 {Kind::AnimateDiff},
                                 ParamsForm::tr("The AnimateDiff motion module"));
    // Picking svd or svd_xt moves the frame count along when it was the other one's.
    QObject::connect(m_svdCheckpoint, &ChoiceCombo::valueEdited, q, [this](const QString &value) {
        const int trained = request::svdDefaultFrames(value);
        const int svd = request::svdDefaultFrames(QStringLiteral("svd"));
        const int svdXt = request::svdDefaultFrames(QStringLiteral("svd_xt"));
        if (m_request.frames != trained && (m_request.frames == svd || m_request.frames == svdXt)) {
            m_request.frames = trained;
            showRequest();
            edited();
        }
    });
    m_animateDiffCheckpoint->setObjectName(QStringLiteral("checkpoint"));
    m_svdCheckpoint->setObjectName(QStringLiteral("svdCheckpoint"));
    m_motionModule->setObjectName(QStringLiteral("motionModule"));
}

void ParamsForm::Private::buildSizeRows(QFormLayout *form)
{
    intField(form,
             QStringLiteral("frames"),
             ParamsForm::tr("&Frames:"),
             &GenerationRequest::frames,
             {limits::SvdMinFrames, limits::SvdMaxFrames},
             {},
             ParamsForm::tr("AnimateDiff: %1 to %2 frames; SVD: %3 to %4 (14 for svd, 25 for "
                            "svd_xt)")
                     .arg(limits::AnimateDiffMinFrames)
                     .arg(limits::AnimateDiffMaxFrames)
                     .arg(limits::SvdMinFrames)
                     .arg(limits::SvdMaxFrames));
    intField(form,
             QStringLiteral("fps"),
             ParamsForm::tr("Frames per sec&ond:"),
             &GenerationRequest::fps,
             {limits::MinFps, limits::MaxFps},
             {},
             ParamsForm::tr("The video's frame rate, %1 to %2")
                     .arg(limits::MinFps)
                     .arg(limits::MaxFps));
    const QString sideTip = ParamsForm::tr("%1 to %2 pixels, a multiple of %3")
                                    .arg(limits::MinSide)
                                    .arg(limits::MaxSide)
                                    .arg(limits::SideStep);
    for (auto [key, label, member] :
         {std::tuple(QStringLiteral("width"), ParamsForm::tr("&Width:"), &GenerationRequest::width),
          std::tuple(QStringLiteral("height"),
                     ParamsForm::tr("&Height:"),
                     &GenerationRequest::height)}) {
        QSpinBox *spin = intField(
                form, key, label, member, {limits::MinSide, limits::MaxSide}, {}, sideTip);
        spin->setSingleStep(limits::SideStep);
        spin->setSuffix(ParamsForm::tr(" px"));
    }
}

void ParamsForm::Private::buildSeedRow(QFormLayout *form)
{
    m_seed = new SeedField(form->parentWidget());
    addRow(form, QStringLiteral("seed"), ParamsForm::tr("See&d:"), m_seed, m_seed->lineEdit(), {});
    QObject::connect(m_seed, &SeedField::seedEdited, q, [this](quint64 seed) {
        if (m_updating)
            return;
        m_request.seed = seed;
        edited();
    });
    QObject::connect(m_seed, &SeedField::errorChanged, q, [this] { validate(); });
    m_showers.append([this] {
        if (m_seed->seed() != m_request.seed || !m_seed->errorText().isEmpty())
            m_seed->setSeed(m_request.seed);
    });
}

void ParamsForm::Private::fillCatalog()
{
    m_animateDiffCheckpoint->setChoices(m_catalog.animateDiffCheckpoints);
    m_svdCheckpoint->setChoices(m_catalog.svdCheckpoints);
    m_motionModule->setChoices(m_catalog.motionModules);
    m_sampler->setChoices(m_catalog.samplers);
    m_scheduler->setChoices(m_catalog.schedulers);
}

void ParamsForm::Private::showRequest()
{
    m_updating = true;
    for (const auto &show : std::as_const(m_showers))
        show();
    m_textToVideo->setChecked(m_request.kind == Kind::AnimateDiff);
    m_imageToVideo->setChecked(m_request.kind == Kind::Svd);
    m_zone->setTargetSize(QSize(m_request.width, m_request.height));
    updateRowVisibility();
    m_updating = false;
}

void ParamsForm::Private::updateRowVisibility()
{
    for (const Row &row : std::as_const(m_rows))
        row.form->setRowVisible(row.field,
                                row.kinds.isEmpty() || row.kinds.contains(m_request.kind));
}

} // namespace comfyvideo::ui
