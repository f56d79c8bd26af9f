#include "errorview/errorpanel.h"

#include <QClipboard>
#include <QFrame>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include <utility>

using namespace Qt::StringLiterals;

namespace comfyvideo::ui {

namespace {

using errors::Action;
using errors::ErrorKind;

// Stable action names, in the order the buttons appear.
const QString RetryName = u"retry"_s;
const QString RetryLighterName = u"retry_lighter"_s;
const QString OtherServerName = u"other_server"_s;
const QString OpenSettingsName = u"open_settings"_s;
const QString CopyDetailsName = u"copy_details"_s;

bool offersLighter(const errors::Error &error, const ErrorPanel::Options &options)
{
    if (!options.canRetryLighter)
        return false;
    return error.actions.testFlag(Action::RetryLighter) || error.kind == ErrorKind::InsufficientVram
           || error.kind == ErrorKind::Timeout;
}

} // namespace

class ErrorPanel::Private
{
public:
    explicit Private(ErrorPanel *q);

    QPushButton *addButton(const QString &name,
                           const QString &text,
                           const QString &tip,
                           std::function<void()> onClick);
    void showTips(const QStringList &tips);
    void setIcon(QStyle::StandardPixmap standard);
    QStringList applicableActions(const errors::Error &error, const Options &options) const;

    ErrorPanel *q;
    qint64 jobId = 0;
    errors::Error error;
    QFrame *frame = nullptr;
    QLabel *icon = nullptr;
    QLabel *title = nullptr;
    QLabel *message = nullptr;
    QVBoxLayout *tipsLayout = nullptr;
    QList<QLabel *> tipLabels;
    QHBoxLayout *buttonRow = nullptr;
    QList<std::pair<QString, QPushButton *>> buttons;
    QStringList visible;
};

ErrorPanel::Private::Private(ErrorPanel *q)
    : q(q)
{
    auto *outer = new QVBoxLayout(q);
    outer->setContentsMargins(0, 0, 0, 0);
    frame = new QFrame(q);
    frame->setFrameShape(QFrame::StyledPanel);
    frame->setBackgroundRole(QPalette::AlternateBase);
    frame->setAutoFillBackground(true);
    outer->addWidget(frame);

    auto *row = new QHBoxLayout(frame);
    icon = new QLabel(frame);
    setIcon(QStyle::SP_MessageBoxWarning);
    row->addWidget(icon, 0, Qt::AlignTop);

    auto *column = new QVBoxLayout;
    title = new QLabel(frame);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    title->setAccessibleName(ErrorPanel::tr("Error"));
    message = new QLabel(frame);
    message->setWordWrap(true);
    message->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    message->setAccessibleName(ErrorPanel::tr("Error message"));
    tipsLayout = new QVBoxLayout;
    buttonRow = new QHBoxLayout;
    column->addWidget(title);
    column->addWidget(message);
    column->addLayout(tipsLayout);
    column->addLayout(buttonRow);
    row->addLayout(column, 1);

    auto *dismiss = new QToolButton(frame);
    dismiss->setIcon(q->style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    dismiss->setAutoRaise(true);
    dismiss->setAccessibleName(ErrorPanel::tr("Dismiss error"));
    dismiss->setToolTip(ErrorPanel::tr("Hide this message"));
    QObject::connect(dismiss, &QToolButton::clicked, q, [this] {
        const qint64 id = jobId;
        this->q->clear();
        emit this->q->dismissed(id);
    });
    row->addWidget(dismiss, 0, Qt::AlignTop);
}

QPushButton *ErrorPanel::Private::addButton(const QString &name,
                                            const QString &text,
                                            const QString &tip,
                                            std::function<void()> onClick)
{
    auto *button = new QPushButton(text, frame);
    button->setToolTip(tip);
    button->setAccessibleName(QString(text).remove(u'&'));
    button->setObjectName(name);
    QObject::connect(button, &QPushButton::clicked, q, std::move(onClick));
    buttonRow->addWidget(button);
    buttons.append({name, button});
    return button;
}

void ErrorPanel::Private::setIcon(QStyle::StandardPixmap standard)
{
    const int side = q->style()->pixelMetric(QStyle::PM_MessageBoxIconSize, nullptr, q);
    icon->setPixmap(
            q->style()->standardIcon(standard, nullptr, q).pixmap(side, q->devicePixelRatioF()));
}

void ErrorPanel::Private::showTips(const QStringList &tips)
{
    qDeleteAll(tipLabels);
    tipLabels.clear();
    for (const QString &tip : tips) {
        auto *label = new QLabel(ErrorPanel::tr("• %1").arg(tip), frame);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setAccessibleName(ErrorPanel::tr("Tip"));
        label->setProperty("tip", tip);
        tipsLayout->addWidget(label);
        tipLabels.append(label);
    }
}

QStringList ErrorPanel::Private::applicableActions(const errors::Error &error,
                                                   const Options &options) const
{
    QStringList names;
    if (error.kind != ErrorKind::Canceled)
        names << RetryName;
    if (offersLighter(error, options))
        names << RetryLighterName;
    if (options.otherServerAvailable && error.fallbackAllowed)
        names << OtherServerName;
    if (error.actions.testFlag(Action::OpenSettings))
        names << OpenSettingsName;
    names << CopyDetailsName;
    return names;
}

ErrorPanel::ErrorPanel(QWidget *parent)
    : QWidget(parent)
    , d(std::make_unique<Private>(this))
{
    setAccessibleName(tr("Error panel"));
    d->addButton(RetryName, tr("&Retry"), tr("Run the same job again"), [this] {
        emit retryRequested(d->jobId);
    });
    d->addButton(RetryLighterName,
                 tr("Retry &lighter"),
                 tr("Run again with lighter settings"),
                 [this] { emit retryLighterRequested(d->jobId); });
    d->addButton(OtherServerName,
                 tr("Try &another server"),
                 tr("Run this job on the next configured server"),
                 [this] { emit otherServerRequested(d->jobId); });
    d->addButton(OpenSettingsName,
                 tr("Open &settings"),
                 tr("Check the server address, token and timeouts"),
                 [this] { emit settingsRequested(); });
    d->addButton(CopyDetailsName,
                 tr("Cop&y details"),
                 tr("Copy the full error report to the clipboard"),
                 [this] {
                     QGuiApplication::clipboard()->setText(d->error.copyableDetails());
                     emit detailsCopied(d->jobId);
                 });
    d->buttonRow->addStretch(1);
    setVisible(false);
}

ErrorPanel::~ErrorPanel() = default;

qint64 ErrorPanel::jobId() const
{
    return d->jobId;
}

void ErrorPanel::showError(qint64 jobId, const errors::Error &error, const Options &options)
{
    d->jobId = jobId;
    d->error = error;
    const QString node = error.nodeLabel();
    const QString kind = errors::kindTitle(error.kind);
    d->title->setText(node.isEmpty() ? kind : tr("%1 — %2").arg(kind, node));
    d->message->setText(error.userMessage);
    d->message->setVisible(!error.userMessage.isEmpty());
    d->showTips(error.tips);
    d->visible = d->applicableActions(error, options);
    for (const auto &[name, button] : std::as_const(d->buttons))
        button->setVisible(d->visible.contains(name));
    const QString lighterTip = options.lighterDescription.isEmpty()
                                       ? tr("Run again with lighter settings")
                                       : tr("Run again with %1").arg(options.lighterDescription);
    for (const auto &[name, button] : std::as_const(d->buttons)) {
        if (name == RetryLighterName)
            button->setToolTip(lighterTip);
    }
    d->setIcon(error.kind == ErrorKind::Canceled ? QStyle::SP_MessageBoxInformation
                                                 : QStyle::SP_MessageBoxWarning);
    setVisible(true);
}

void ErrorPanel::clear()
{
    d->jobId = 0;
    d->error = {};
    d->visible.clear();
    d->showTips({});
    setVisible(false);
}

QStringList ErrorPanel::visibleActions() const
{
    return d->visible;
}

QString ErrorPanel::titleText() const
{
    return d->title->text();
}

QString ErrorPanel::messageText() const
{
    return d->message->text();
}

QStringList ErrorPanel::tipTexts() const
{
    QStringList tips;
    for (const QLabel *label : d->tipLabels)
        tips.append(label->property("tip").toString());
    return tips;
}

void ErrorPanel::trigger(const QString &action)
{
    if (!d->visible.contains(action))
        return;
    for (const auto &[name, button] : std::as_const(d->buttons)) {
        if (name == action)
            button->click();
    }
}

} // namespace comfyvideo::ui
