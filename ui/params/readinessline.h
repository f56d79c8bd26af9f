#pragma once

#include "backends/backend.h"

#include <QWidget>
#include <optional>

class QLabel;

namespace comfyvideo::ui {

// One line under the server combo: an icon and a sentence saying whether the chosen server can
// run the request ("Ready on …", "Missing on …: …", "Ready, with warnings: …", "Cannot reach …:
// …", "Checking …").
class ReadinessLine : public QWidget
{
    Q_OBJECT
public:
    explicit ReadinessLine(QWidget *parent = nullptr);

    void setServerName(const QString &name);
    void setAssessment(const std::optional<backends::Assessment> &assessment);
    QString text() const;

    // The sentence for an assessment of `server` (nullopt: still checking).
    static QString describe(const QString &server,
                            const std::optional<backends::Assessment> &assessment);

private:
    void refresh();

    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QString m_server;
    std::optional<backends::Assessment> m_assessment;
};

} // namespace comfyvideo::ui
