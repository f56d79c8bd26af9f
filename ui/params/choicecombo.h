#pragma once

#include <QComboBox>
#include <QStringList>

namespace comfyvideo::ui {

// A combo of names (models, samplers, beta schedules) whose value is a name, not an index.
// With an "Automatic" entry its first item has an empty value ("the server picks"). A current
// value that is not among the choices stays selectable, marked with the missing-marker text when
// the choices are known ("… (not on this server)"), plain when the list is empty (not known).
class ChoiceCombo : public QComboBox
{
    Q_OBJECT
public:
    explicit ChoiceCombo(bool automaticEntry, QWidget *parent = nullptr);

    void setChoices(const QStringList &choices); // keeps the current value
    QStringList choices() const { return m_choices; }
    void setValue(const QString &value);
    QString value() const;
    // "%1 (not on this server)" by default; %1 is the name.
    void setMissingMarker(const QString &marker) { m_missingMarker = marker; }

signals:
    void valueEdited(const QString &value); // the person picked another entry

private:
    void rebuild(const QString &value);

    bool m_automatic = false;
    QStringList m_choices;
    QString m_missingMarker;
    bool m_rebuilding = false;
};

} // namespace comfyvideo::ui
