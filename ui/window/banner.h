#pragma once

#include <QFrame>

class QLabel;

namespace comfyvideo::ui {

// One line of news above the right-hand panels (KeePassXC's inline message widget is the model):
// an icon from the style and a word-wrapped text on a palette-derived background. Empty text
// hides it. No fixed colours: Info uses the alternate base, Warning the tool-tip colours, Error
// the highlight colours of the current palette.
class Banner : public QFrame
{
    Q_OBJECT
public:
    enum class Level { Info, Warning, Error };

    explicit Banner(QWidget *parent = nullptr);

    void setMessage(const QString &text, Level level);
    QString text() const;
    Level level() const { return m_level; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyLevel();

    QLabel *m_icon;
    QLabel *m_text;
    Level m_level = Level::Info;
    bool m_applying = false;
};

} // namespace comfyvideo::ui
