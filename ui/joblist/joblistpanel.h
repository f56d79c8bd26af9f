#pragma once

#include <QWidget>

class QListView;

namespace comfyvideo::ui {

class SessionJobsModel;

// A compact list of the session's jobs (issue 6): state badge, prompt (or picture name for SVD),
// summary and a thin progress bar for running jobs. Selecting a row switches the window's
// panels to that job. Delete cancels the selected job (through cancelRequested).
class JobListPanel : public QWidget
{
    Q_OBJECT
public:
    explicit JobListPanel(SessionJobsModel *model, QWidget *parent = nullptr);

    qint64 currentJobId() const; // 0 when none
    void selectJob(qint64 jobId);
    QListView *view() const;

signals:
    void currentJobChanged(qint64 jobId);
    void cancelRequested(qint64 jobId);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void updateCurrent();
    bool requestCancel(qint64 jobId); // false for an unknown or finished job
    void showContextMenu(const QPoint &pos);

    SessionJobsModel *m_model;
    QListView *m_view;
    qint64 m_currentId = 0;
};

} // namespace comfyvideo::ui
