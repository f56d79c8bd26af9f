#include "params/seedfield.h"

#include "request/validation.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QRandomGenerator>
#include <QToolButton>

namespace comfyvideo::ui {

SeedField::SeedField(QWidget *parent)
    : QWidget(parent)
    , m_edit(new QLineEdit(this))
    , m_randomize(new QToolButton(this))
    , m_lock(new QCheckBox(tr("&Lock"), this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_randomize);
    layout->addWidget(m_lock);

    m_edit->setObjectName(QStringLiteral("seedText"));
    m_randomize->setObjectName(QStringLiteral("randomizeSeed"));
    m_lock->setObjectName(QStringLiteral("lockSeed"));
    m_edit->setAccessibleName(tr("Seed"));
    m_edit->setToolTip(tr("Any whole number from 0 to 18446744073709551615; the same seed and "
                          "settings make the same video."));
    m_edit->setInputMethodHints(Qt::ImhDigitsOnly);
    m_edit->setMinimumWidth(m_edit->fontMetrics().horizontalAdvance(QLatin1Char('0')) * 22);
    m_edit->setText(QString::number(m_seed));

    m_randomize->setText(tr("Randomize"));
    m_randomize->setAccessibleName(tr("Randomize the seed"));
    m_randomize->setToolTip(tr("Draw a new random seed"));
    m_lock->setAccessibleName(tr("Lock the seed"));
    m_lock->setToolTip(tr("Keep this seed after Generate; unlocked, a new seed is drawn after "
                          "each video is requested."));

    connect(m_edit, &QLineEdit::textEdited, this, &SeedField::onTextEdited);
    connect(m_randomize, &QToolButton::clicked, this, &SeedField::randomize);
}

void SeedField::setSeed(quint64 seed)
{
    m_seed = seed;
    m_edit->setText(QString::number(seed));
    setError({});
}

bool SeedField::isLocked() const
{
    return m_lock->isChecked();
}

void SeedField::setLocked(bool locked)
{
    m_lock->setChecked(locked);
}

void SeedField::randomize()
{
    setSeed(QRandomGenerator::global()->generate64());
    emit seedEdited(m_seed);
}

void SeedField::onTextEdited(const QString &text)
{
    quint64 value = 0;
    QString error;
    if (!request::parseSeed(text, &value, &error)) {
        setError(error);
        return;
    }
    m_seed = value;
    setError({});
    emit seedEdited(m_seed);
}

void SeedField::setError(const QString &error)
{
    if (error == m_error)
        return;
    m_error = error;
    emit errorChanged(error);
}

} // namespace comfyvideo::ui
