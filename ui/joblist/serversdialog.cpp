#include "serversdialog.h"

#include "urlcheck.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace comfyvideo::ui {

namespace {

enum ItemRole {
    UrlRole = Qt::UserRole + 1,
    StatusRole, // the test's answer, "Testing…", or empty
    TestRole,   // id of the test whose answer this row waits for; 0: none
};

QPushButton *makeButton(const QString &text, const QString &tip, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setToolTip(tip);
    button->setAccessibleName(button->text().remove(u'&'));
    button->setAutoDefault(false);
    return button;
}

} // namespace

// Not a child of the dialog (the dialog owns it through d); a QObject for its event filter and
// as the context of its connections.
class ServersDialog::Private : public QObject
{
public:
    Private(ServersDialog *dialog, Tester tester);

    void buildUi();
    void buildList();
    void buildInput();
    void updateButtons();
    void checkInput();
    void moveSelected(int delta);
    void setStatus(QListWidgetItem *item, const QString &status, QStyle::StandardPixmap icon);
    void answered(quint64 testId, bool ok, const QString &message);
    QListWidgetItem *appendUrl(const QUrl &url);
    bool eventFilter(QObject *watched, QEvent *event) override;

    ServersDialog *q;
    Tester tester;
    quint64 lastTestId = 0;
    QString inputError;
    QListWidget *list = nullptr;
    QLineEdit *input = nullptr;
    QLabel *inputMessage = nullptr;
    QPushButton *add = nullptr;
    QPushButton *remove = nullptr;
    QPushButton *up = nullptr;
    QPushButton *down = nullptr;
    QPushButton *test = nullptr;
};

ServersDialog::Private::Private(ServersDialog *dialog, Tester testerFunction)
    : q(dialog)
    , tester(std::move(testerFunction))
{}

void ServersDialog::Private::buildList()
{
    list = new QListWidget(q);
    list->setAccessibleName(ServersDialog::tr("ComfyUI servers in priority order"));
    list->setSelectionMode(QAbstractItemView::SingleSelection);
    list->setWordWrap(true);
    list->setMinimumWidth(q->fontMetrics().averageCharWidth() * 50);
    up = makeButton(ServersDialog::tr("Move &up"), ServersDialog::tr("Try this server earlier"), q);
    down = makeButton(
            ServersDialog::tr("Move &down"), ServersDialog::tr("Try this server later"), q);
    remove = makeButton(
            ServersDialog::tr("&Remove"), ServersDialog::tr("Remove this server from the list"), q);
    test = makeButton(ServersDialog::tr("&Test"),
                      ServersDialog::tr("Ask this server for its version, GPU and memory"),
                      q);
    connect(up, &QPushButton::clicked, this, [this] { moveSelected(-1); });
    connect(down, &QPushButton::clicked, this, [this] { moveSelected(1); });
    connect(remove, &QPushButton::clicked, this, [this] { q->removeServer(list->currentRow()); });
    connect(test, &QPushButton::clicked, this, [this] { q->testServer(list->currentRow()); });
    connect(list, &QListWidget::currentRowChanged, this, &Private::updateButtons);
}

void ServersDialog::Private::buildInput()
{
    input = new QLineEdit(q);
    input->setPlaceholderText(QStringLiteral("http://host:8188"));
    input->setAccessibleName(ServersDialog::tr("New server address"));
    input->setClearButtonEnabled(true);
    input->installEventFilter(this);
    add = makeButton(ServersDialog::tr("&Add"),
                     ServersDialog::tr("Add this address to the list (Enter)"),
                     q);
    inputMessage = new QLabel(q);
    inputMessage->setWordWrap(true);
    inputMessage->setAccessibleName(ServersDialog::tr("Address check"));
    inputMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(add, &QPushButton::clicked, this, [this] { q->addServer(input->text()); });
    connect(input, &QLineEdit::textChanged, this, &Private::checkInput);
}

void ServersDialog::Private::buildUi()
{
    q->setWindowTitle(ServersDialog::tr("Servers"));
    buildList();
    buildInput();
    auto *listLabel = new QLabel(ServersDialog::tr("&ComfyUI servers, tried in this order:"), q);
    listLabel->setBuddy(list);
    auto *inputLabel = new QLabel(ServersDialog::tr("&New server:"), q);
    inputLabel->setBuddy(input);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, q);
    QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
    ok->setToolTip(ServersDialog::tr("Keep these servers"));
    ok->setAccessibleName(ServersDialog::tr("Keep these servers"));
    QPushButton *cancel = buttons->button(QDialogButtonBox::Cancel);
    cancel->setToolTip(ServersDialog::tr("Discard the changes"));
    cancel->setAccessibleName(ServersDialog::tr("Discard the changes"));
    connect(buttons, &QDialogButtonBox::accepted, q, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, q, &QDialog::reject);

    auto *grid = new QGridLayout(q);
    grid->addWidget(listLabel, 0, 0, 1, 3);
    grid->addWidget(list, 1, 0, 5, 2);
    grid->addWidget(up, 1, 2);
    grid->addWidget(down, 2, 2);
    grid->addWidget(remove, 3, 2);
    grid->addWidget(test, 4, 2);
    grid->setRowStretch(5, 1);
    grid->addWidget(inputLabel, 6, 0);
    grid->addWidget(input, 6, 1);
    grid->addWidget(add, 6, 2);
    grid->addWidget(inputMessage, 7, 0, 1, 3);
    grid->addWidget(buttons, 8, 0, 1, 3);
}

void ServersDialog::Private::updateButtons()
{
    const int row = list->currentRow();
    const bool selected = row >= 0 && row < list->count();
    remove->setEnabled(selected);
    test->setEnabled(selected && tester);
    up->setEnabled(selected && row > 0);
    down->setEnabled(selected && row + 1 < list->count());
}

void ServersDialog::Private::checkInput()
{
    // Checked as you type; an empty field is not an error yet.
    const QString text = input->text();
    const auto url = checkNewServerUrl(text, q->servers());
    inputError = text.trimmed().isEmpty() || url ? QString() : url.error();
    inputMessage->setText(inputError);
    add->setEnabled(url.has_value());
}

void ServersDialog::Private::moveSelected(int delta)
{
    const int row = list->currentRow();
    const int target = row + delta;
    if (row < 0 || target < 0 || target >= list->count())
        return;
    QListWidgetItem *item = list->takeItem(row);
    list->insertItem(target, item);
    list->setCurrentRow(target);
    updateButtons();
}

void ServersDialog::Private::setStatus(QListWidgetItem *item,
                                       const QString &status,
                                       QStyle::StandardPixmap icon)
{
    const QUrl url = item->data(UrlRole).toUrl();
    item->setData(StatusRole, status);
    item->setText(status.isEmpty() ? url.toDisplayString()
                                   : url.toDisplayString() + u'\n' + status);
    item->setIcon(status.isEmpty() ? QIcon() : q->style()->standardIcon(icon));
    //: %1 server address, %2 test result
    item->setData(Qt::AccessibleTextRole,
                  status.isEmpty()
                          ? url.toDisplayString()
                          : ServersDialog::tr("%1: %2").arg(url.toDisplayString(), status));
}

QListWidgetItem *ServersDialog::Private::appendUrl(const QUrl &url)
{
    auto *item = new QListWidgetItem(list);
    item->setData(UrlRole, url);
    item->setData(TestRole, quint64(0));
    setStatus(item, {}, QStyle::SP_CustomBase);
    return item;
}

void ServersDialog::Private::answered(quint64 testId, bool ok, const QString &message)
{
    for (int row = 0; row < list->count(); ++row) {
        QListWidgetItem *item = list->item(row);
        if (item->data(TestRole).toULongLong() != testId)
            continue;
        item->setData(TestRole, quint64(0));
        QString text = message.simplified();
        if (text.isEmpty())
            text = ok ? ServersDialog::tr("Reachable") : ServersDialog::tr("Not reachable");
        setStatus(item, text, ok ? QStyle::SP_DialogApplyButton : QStyle::SP_MessageBoxWarning);
        emit q->testFinished(row, ok);
        return;
    }
    // The row was removed (or tested again) meanwhile: this answer is stale.
}

bool ServersDialog::Private::eventFilter(QObject *watched, QEvent *event)
{
    // Enter in the address field adds the address (instead of closing the dialog); with an
    // empty field it reaches the dialog's default button as usual.
    if (watched == input && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if ((key == Qt::Key_Return || key == Qt::Key_Enter) && !input->text().trimmed().isEmpty()) {
            q->addServer(input->text());
            return true;
        }
    }
    return QObject::eventFilter(watched, event);
}

ServersDialog::ServersDialog(QList<QUrl> servers, Tester tester, QWidget *parent)
    : QDialog(parent)
    , d(std::make_unique<Private>(this, std::move(tester)))
{
    d->buildUi();
    for (const QUrl &url : std::as_const(servers)) {
        if (const auto checked = checkNewServerUrl(url.toString(), this->servers()))
            d->appendUrl(*checked);
    }
    if (d->list->count() > 0)
        d->list->setCurrentRow(0);
    d->checkInput();
    d->updateButtons();
    d->input->setFocus();
}

ServersDialog::~ServersDialog() = default;

QList<QUrl> ServersDialog::servers() const
{
    QList<QUrl> urls;
    urls.reserve(d->list->count());
    for (int row = 0; row < d->list->count(); ++row)
        urls << d->list->item(row)->data(UrlRole).toUrl();
    return urls;
}

bool ServersDialog::addServer(const QString &text)
{
    const auto url = checkNewServerUrl(text, servers());
    if (!url) {
        d->inputError = url.error();
        d->inputMessage->setText(d->inputError);
        return false;
    }
    QListWidgetItem *item = d->appendUrl(*url);
    d->list->setCurrentItem(item);
    d->input->clear(); // clears the message too (checkInput)
    d->inputError.clear();
    d->inputMessage->clear();
    d->updateButtons();
    return true;
}

void ServersDialog::removeServer(int row)
{
    if (row < 0 || row >= d->list->count())
        return;
    delete d->list->takeItem(row);
    d->checkInput(); // a refused duplicate may be fine now
    d->updateButtons();
}

void ServersDialog::testServer(int row)
{
    if (!d->tester || row < 0 || row >= d->list->count())
        return;
    QListWidgetItem *item = d->list->item(row);
    const quint64 testId = ++d->lastTestId;
    item->setData(TestRole, testId);
    d->setStatus(item, tr("Testing…"), QStyle::SP_BrowserReload);
    const QPointer<ServersDialog> self(this);
    d->tester(item->data(UrlRole).toUrl(), [self, testId](bool ok, const QString &message) {
        if (self)
            self->d->answered(testId, ok, message);
    });
}

QString ServersDialog::statusText(int row) const
{
    if (row < 0 || row >= d->list->count())
        return {};
    return d->list->item(row)->data(StatusRole).toString();
}

QString ServersDialog::inputError() const
{
    return d->inputError;
}

} // namespace comfyvideo::ui
