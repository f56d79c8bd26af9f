#pragma once

#include <QWidget>

class QCheckBox;
class QLineEdit;
class QToolButton;

namespace comfyvideo::ui {

// The seed row: the full unsigned 64-bit seed as decimal text, Randomize, and Lock (keep the
// seed after Generate). Typed text is parsed with request::parseSeed; a refusal is reported
// through errorChanged and the last good seed is kept.
class SeedField : public QWidget
{
    Q_OBJECT
public:
    explicit SeedField(QWidget *parent = nullptr);

    quint64 seed() const { return m_seed; }
    void setSeed(quint64 seed); // shows it; clears a typing error
    QString errorText() const { return m_error; }
    bool isLocked() const;
    void setLocked(bool locked);
    void randomize(); // draws a new seed and emits seedEdited

    QLineEdit *lineEdit() const { return m_edit; }
    QToolButton *randomizeButton() const { return m_randomize; }
    QCheckBox *lockBox() const { return m_lock; }

signals:
    void seedEdited(quint64 seed);
    void errorChanged(const QString &error); // empty when the text is a valid seed again

private:
    void onTextEdited(const QString &text);
    void setError(const QString &error);

    QLineEdit *m_edit = nullptr;
    QToolButton *m_randomize = nullptr;
    QCheckBox *m_lock = nullptr;
    quint64 m_seed = 0;
    QString m_error;
};

} // namespace comfyvideo::ui
