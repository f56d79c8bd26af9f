#include "params/paramsform.h"

#include "params/choicecombo.h"
#include "params/paramsformprivate.h"
#include "params/readinessline.h"
#include "params/referenceimagezone.h"
#include "params/seedfield.h"
#include "request/presets.h"
#include "request/validation.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QShortcut>
#include <QToolButton>
#include <QVBoxLayout>

namespace comfyvideo::ui {

using request::GenerationRequest;
using request::Kind;

ParamsForm::Private::Private(ParamsForm *form)
    : q(form)
    , m_request(request::defaultRequest(Kind::AnimateDiff))
{}

void ParamsForm::Private::build()
{
    auto *layout = new QVBoxLayout(q);
    layout->addWidget(buildTop());

    auto *content = new QWidget;
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(buildMainFields());
    contentLayout->addWidget(buildAdvanced());
    contentLayout->addStretch(1);
    auto *scroll = new QScrollArea(q);
    scroll->setWidgetResizable(true);
    scroll->setAccessibleName(ParamsForm::tr("Video settings"));
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    layout->addWidget(scroll, 1);
    layout->addWidget(buildButtons());

    const auto shortcut = [this](QKeySequence keys, bool queue) {
        auto *s = new QShortcut(keys, q);
        s->setContext(Qt::WindowShortcut);
        QObject::connect(s, &QShortcut::activated, q, [this, queue] { submit(queue); });
    };
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), false);
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_Enter), false);
    shortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return), true);
    shortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Enter), true);
}

QWidget *ParamsForm::Private::buildTop()
{
    auto *top = new QWidget(q);
    QSizePolicy policy = top->sizePolicy();
    policy.setHeightForWidth(true); // the readiness line wraps: take the height it needs
    top->setSizePolicy(policy);
    auto *form = new QFormLayout(top);
    form->setContentsMargins(0, 0, 0, 0);

    m_server = new QComboBox(top);
    m_server->setObjectName(QStringLiteral("server"));
    m_server->setAccessibleName(ParamsForm::tr("Server"));
    m_server->setToolTip(ParamsForm::tr("The ComfyUI server that makes the video"));
    auto *serverLabel = new QLabel(ParamsForm::tr("Ser&ver:"), top);
    serverLabel->setBuddy(m_server);
    form->addRow(serverLabel, m_server);
    m_readiness = new ReadinessLine(top);
    form->addRow(m_readiness);
    QObject::connect(m_server, &QComboBox::activated, q, [this](int) {
        updateServerName();
        m_readiness->setAssessment(std::nullopt);
        emit q->serverChanged(q->currentServerId());
    });

    form->addRow(buildKindSwitch(top));

    m_preset = new QComboBox(top);
    m_preset->setObjectName(QStringLiteral("preset"));
    m_preset->setAccessibleName(ParamsForm::tr("Preset"));
    m_preset->setToolTip(ParamsForm::tr("Apply a preset; your prompt, picture, seed and output "
                                        "format are kept"));
    m_preset->addItem(ParamsForm::tr("Apply a preset…"));
    for (const request::Preset &preset : request::builtinPresets())
        m_preset->addItem(preset.name, preset.id);
    auto *presetLabel = new QLabel(ParamsForm::tr("Pr&eset:"), top);
    presetLabel->setBuddy(m_preset);
    form->addRow(presetLabel, m_preset);
    QObject::connect(
            m_preset, &QComboBox::activated, q, [this](int index) { applyPresetAt(index); });
    return top;
}

QWidget *ParamsForm::Private::buildKindSwitch(QWidget *parent)
{
    auto *kinds = new QWidget(parent);
    auto *kindLayout = new QHBoxLayout(kinds);
    kindLayout->setContentsMargins(0, 0, 0, 0);
    kindLayout->setSpacing(0);
    auto *group = new QButtonGroup(kinds);
    const auto kindButton = [&](const QString &text, const QString &tip, Kind kind) {
        auto *button = new QToolButton(kinds);
        button->setText(text);
        button->setToolTip(tip);
        button->setAccessibleName(tip);
        button->setCheckable(true);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        group->addButton(button);
        kindLayout->addWidget(button);
        QObject::connect(button, &QToolButton::clicked, q, [this, kind] { setKind(kind); });
        return button;
    };
    m_textToVideo = kindButton(ParamsForm::tr("&Text to video"),
                               ParamsForm::tr("Text to video with AnimateDiff"),
                               Kind::AnimateDiff);
    m_imageToVideo = kindButton(ParamsForm::tr("&Image to video"),
                                ParamsForm::tr("Image to video with Stable Video Diffusion (SVD)"),
                                Kind::Svd);
    m_textToVideo->setObjectName(QStringLiteral("textToVideo"));
    m_imageToVideo->setObjectName(QStringLiteral("imageToVideo"));
    m_textToVideo->setChecked(true);
    return kinds;
}

QWidget *ParamsForm::Private::buildButtons()
{
    auto *box = new QWidget(q);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary = new QLabel(box);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);
    m_summary->setAccessibleName(ParamsForm::tr("Problems with the settings"));
    m_summary->hide();
    layout->addWidget(m_summary);

    auto *buttons = new QHBoxLayout;
    m_queue = new QPushButton(ParamsForm::tr("Add to &queue"), box);
    m_queue->setObjectName(QStringLiteral("queue"));
    m_queue->setAccessibleName(ParamsForm::tr("Add to queue"));
    m_queue->setToolTip(ParamsForm::tr("Queue this video after the others (%1)")
                                .arg(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return)
                                             .toString(QKeySequence::NativeText)));
    m_generate = new QPushButton(ParamsForm::tr("&Generate"), box);
    m_generate->setObjectName(QStringLiteral("generate"));
    m_generate->setAccessibleName(ParamsForm::tr("Generate"));
    m_generate->setDefault(true);
    m_generate->setToolTip(ParamsForm::tr("Make the video now (%1)")
                                   .arg(QKeySequence(Qt::CTRL | Qt::Key_Return)
                                                .toString(QKeySequence::NativeText)));
    buttons->addStretch(1);
    buttons->addWidget(m_queue);
    buttons->addWidget(m_generate);
    layout->addLayout(buttons);
    QObject::connect(m_generate, &QPushButton::clicked, q, [this] { submit(false); });
    QObject::connect(m_queue, &QPushButton::clicked, q, [this] { submit(true); });
    return box;
}

// The values that depend on the kind (models, frames, size, sampling) are remembered per kind, so
// switching back and forth restores them; everything else (prompt, seed, ...) is kept as is.
void ParamsForm::Private::setKind(Kind kind)
{
    if (kind == m_request.kind)
        return;
    m_stash[int(m_request.kind)] = m_request;
    const GenerationRequest next = m_stash[int(kind)].value_or(request::defaultRequest(kind));
    m_request.kind = kind;
    m_request.checkpoint = next.checkpoint;
    m_request.frames = next.frames;
    m_request.fps = next.fps;
    m_request.steps = next.steps;
    m_request.cfg = next.cfg;
    m_request.sampler = next.sampler;
    m_request.scheduler = next.scheduler;
    m_request.width = next.width;
    m_request.height = next.height;
    showRequest();
    edited();
}

void ParamsForm::Private::applyPresetAt(int index)
{
    request::Preset preset;
    if (index <= 0 || !request::findPreset(m_preset->itemData(index).toString(), &preset))
        return;
    if (preset.request.kind != m_request.kind)
        m_stash[int(m_request.kind)] = m_request;
    m_request = request::applyPreset(preset, m_request);
    m_preset->setCurrentIndex(0);
    showRequest();
    edited();
}

void ParamsForm::Private::edited()
{
    if (m_updating)
        return;
    m_zone->setTargetSize(QSize(m_request.width, m_request.height));
    validate();
    emit q->requestChanged(m_request);
}

void ParamsForm::Private::validate()
{
    request::FieldProblems problems = request::validate(m_request);
    if (!m_seed->errorText().isEmpty())
        problems.append({QStringLiteral("seed"), m_seed->errorText()});

    QHash<QString, QString> underField;
    QStringList summary;
    const bool advancedShown = m_advancedToggle->isChecked();
    for (const request::FieldProblem &problem : std::as_const(problems)) {
        const bool hasRow = m_messages.contains(problem.field);
        if (hasRow && !underField.contains(problem.field))
            underField.insert(problem.field, problem.message);
        if (!hasRow || (!advancedShown && m_advancedKeys.contains(problem.field)))
            summary.append(problem.message);
    }
    for (auto it = m_messages.cbegin(); it != m_messages.cend(); ++it) {
        QString text = underField.value(it.key());
        // The zone already says why it refused a picture.
        if (it.key() == QLatin1String("referenceImage") && !m_zone->errorText().isEmpty())
            text.clear();
        it.value()->setText(text);
        it.value()->setVisible(!text.isEmpty());
    }
    m_summary->setText(summary.join(QLatin1Char('\n')));
    m_summary->setVisible(!summary.isEmpty());
    const bool canSubmit = problems.isEmpty() && m_submitEnabled;
    m_generate->setEnabled(canSubmit);
    m_queue->setEnabled(canSubmit);
}

void ParamsForm::Private::submit(bool queue)
{
    validate();
    if (!m_generate->isEnabled())
        return;
    const GenerationRequest request = m_request;
    if (queue)
        emit q->queueRequested(request);
    else
        emit q->generateRequested(request);
    if (!m_seed->isLocked())
        m_seed->randomize();
}

void ParamsForm::Private::updateServerName()
{
    m_readiness->setServerName(m_server->currentIndex() < 0 ? QString() : m_server->currentText());
}

ParamsForm::ParamsForm(QWidget *parent)
    : QWidget(parent)
    , d(std::make_unique<Private>(this))
{
    d->build();
    d->m_request.seed = QRandomGenerator::global()->generate64();
    d->showRequest();
    d->validate();
}

ParamsForm::~ParamsForm() = default;

request::GenerationRequest ParamsForm::request() const
{
    return d->m_request;
}

void ParamsForm::setRequest(const request::GenerationRequest &request)
{
    d->m_request = request;
    d->showRequest();
    d->edited();
}

void ParamsForm::setCatalog(const CatalogChoices &choices)
{
    d->m_catalog = choices;
    d->fillCatalog();
    d->showRequest();
}

void ParamsForm::setServers(const QList<ServerChoice> &servers, const QString &currentBackendId)
{
    const QString before = currentServerId();
    d->m_servers = servers;
    d->m_server->clear();
    for (const ServerChoice &server : servers) {
        d->m_server->addItem(server.displayName, server.backendId);
        if (server.demo)
            d->m_server->setItemData(d->m_server->count() - 1,
                                     tr("Demo server — renders a test animation, not AI."),
                                     Qt::ToolTipRole);
    }
    d->m_server->setCurrentIndex(qMax(d->m_server->findData(currentBackendId), 0));
    d->updateServerName();
    if (currentServerId() != before)
        d->m_readiness->setAssessment(std::nullopt);
}

QString ParamsForm::currentServerId() const
{
    return d->m_server->currentIndex() < 0 ? QString() : d->m_server->currentData().toString();
}

void ParamsForm::setReadiness(const std::optional<backends::Assessment> &assessment)
{
    d->m_readiness->setAssessment(assessment);
}

void ParamsForm::setSubmitEnabled(bool enabled)
{
    d->m_submitEnabled = enabled;
    d->validate();
}

bool ParamsForm::seedLocked() const
{
    return d->m_seed->isLocked();
}

void ParamsForm::setWorkDirectory(const QString &directory)
{
    d->m_zone->setWorkDirectory(directory);
}

ReferenceImageZone *ParamsForm::referenceImageZone() const
{
    return d->m_zone;
}

} // namespace comfyvideo::ui
