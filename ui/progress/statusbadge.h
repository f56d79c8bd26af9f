#pragma once

#include "storage/jobrecord.h"

#include <QPalette>
#include <QWidget>

namespace comfyvideo::ui {

// A job's state as a small rounded badge: the translated state name on a background taken from
// the palette (highlight while the job is active, neutral while it waits or was canceled), so
// it follows the system palette and dark mode.
class StatusBadge : public QWidget
{
    Q_OBJECT
public:
    explicit StatusBadge(QWidget *parent = nullptr);

    void setState(std::optional<storage::JobState> state); // nullopt: no job, nothing shown
    std::optional<storage::JobState> state() const { return m_state; }
    QString text() const { return m_text; }

    // "Queued", "Running", "Done", ... (translated)
    static QString displayName(storage::JobState state);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QPalette::ColorRole backgroundRole() const;
    QPalette::ColorRole textRole() const;

    std::optional<storage::JobState> m_state;
    QString m_text;
};

} // namespace comfyvideo::ui
