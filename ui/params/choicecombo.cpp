#include "params/choicecombo.h"

#include <QSignalBlocker>

namespace comfyvideo::ui {

ChoiceCombo::ChoiceCombo(bool automaticEntry, QWidget *parent)
    : QComboBox(parent)
    , m_automatic(automaticEntry)
    , m_missingMarker(tr("%1 (not on this server)"))
{
    setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    setMinimumContentsLength(16);
    connect(this, &QComboBox::activated, this, [this](int) {
        if (!m_rebuilding)
            emit valueEdited(value());
    });
    rebuild(QString());
}

void ChoiceCombo::setChoices(const QStringList &choices)
{
    const QString current = value();
    m_choices = choices;
    rebuild(current);
}

void ChoiceCombo::setValue(const QString &value)
{
    if (value == this->value() && count() > 0)
        return;
    rebuild(value);
}

QString ChoiceCombo::value() const
{
    return currentIndex() < 0 ? QString() : currentData().toString();
}

void ChoiceCombo::rebuild(const QString &value)
{
    m_rebuilding = true;
    const QSignalBlocker blocker(this);
    clear();
    if (m_automatic) {
        addItem(tr("Automatic"), QString());
        setItemData(0, tr("The server picks an installed model"), Qt::ToolTipRole);
    }
    for (const QString &name : std::as_const(m_choices))
        addItem(name, name);
    int index = findData(value);
    if (index < 0 && (!value.isEmpty() || !m_automatic)) {
        addItem(m_choices.isEmpty() ? value : m_missingMarker.arg(value), value);
        index = count() - 1;
    }
    setCurrentIndex(qMax(index, 0));
    m_rebuilding = false;
}

} // namespace comfyvideo::ui
