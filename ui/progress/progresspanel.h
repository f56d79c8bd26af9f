#pragma once

#include "backends/backend.h"
#include "storage/jobrecord.h"

#include <QWidget>

namespace comfyvideo::ui {

// Progress of the selected job (issue 6): a status badge (the job's state), phase, step/steps,
// frames, the current node's title, elapsed, ETA, a progress bar, the live preview image (the
// server's preview frames, decoded from JobProgress::previewBytes), Cancel, and under Details
// the job's event log. A view only: the window feeds it coalesced progress and the job's record
// and events; Cancel emits cancelRequested.
class ProgressPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ProgressPanel(QWidget *parent = nullptr);
    ~ProgressPanel() override;

    qint64 jobId() const;                        // 0 when showing nothing
    void showJob(const storage::JobRecord &job); // switches (clears progress) when the id differs
    void setProgress(const backends::JobProgress &progress); // for the shown job
    void setEvents(const QList<storage::JobEvent> &events);  // the Details log, oldest first
    void appendEvent(const storage::JobEvent &event);
    void clear();

    // For tests: the texts shown and how often the view was refreshed.
    QString phaseText() const;
    QString stepText() const;
    QString etaText() const;
    QString badgeText() const;
    int progressPercent() const;
    bool hasPreview() const;
    int refreshCount() const;
    bool cancelEnabled() const;
    QStringList eventLines() const;

signals:
    void cancelRequested(qint64 jobId);
    void detailsRequested(qint64 jobId); // Details opened: the window loads the events

protected:
    void resizeEvent(QResizeEvent *event) override; // re-elides the title

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace comfyvideo::ui
