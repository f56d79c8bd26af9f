#include "joblistpanel.h"

#include "jobitemdelegate.h"
#include "sessionjobsmodel.h"

#include <QAction>
#include <QEvent>
#include <QKeyEvent>
#include <QListView>
#include <QMenu>
#include <QVBoxLayout>

namespace comfyvideo::ui {

JobListPanel::JobListPanel(SessionJobsModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QListView(this))
{
    m_view->setModel(m_model);
    m_view->setItemDelegate(new JobItemDelegate(m_view));
    m_view->setUniformItemSizes(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setAccessibleName(tr("Jobs of this session"));
    m_view->setAccessibleDescription(
            tr("Select a job to show its progress, errors and video. Delete cancels it."));
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->installEventFilter(this);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins({});
    layout->addWidget(m_view);
    setFocusProxy(m_view);

    connect(m_view->selectionModel(),
            &QItemSelectionModel::currentChanged,
            this,
            &JobListPanel::updateCurrent);
    connect(m_view->selectionModel(),
            &QItemSelectionModel::selectionChanged,
            this,
            &JobListPanel::updateCurrent);
    connect(m_model, &QAbstractItemModel::modelReset, this, &JobListPanel::updateCurrent);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &JobListPanel::updateCurrent);
    connect(m_view, &QWidget::customContextMenuRequested, this, &JobListPanel::showContextMenu);
}

qint64 JobListPanel::currentJobId() const
{
    const QModelIndexList selected = m_view->selectionModel()->selectedIndexes();
    if (selected.isEmpty())
        return 0;
    return selected.constFirst().data(SessionJobsModel::JobIdRole).toLongLong();
}

void JobListPanel::selectJob(qint64 jobId)
{
    const int row = m_model->rowOf(jobId);
    if (row < 0)
        return;
    const QModelIndex index = m_model->index(row);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    m_view->scrollTo(index);
}

QListView *JobListPanel::view() const
{
    return m_view;
}

void JobListPanel::updateCurrent()
{
    const qint64 id = currentJobId();
    if (id == m_currentId)
        return;
    m_currentId = id;
    emit currentJobChanged(id);
}

bool JobListPanel::requestCancel(qint64 jobId)
{
    const storage::JobRecord *job = m_model->job(jobId);
    if (!job || storage::isTerminal(job->state))
        return false;
    emit cancelRequested(jobId);
    return true;
}

bool JobListPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Delete && key->modifiers() == Qt::NoModifier) {
            requestCancel(currentJobId());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void JobListPanel::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return;
    const qint64 jobId = index.data(SessionJobsModel::JobIdRole).toLongLong();
    const storage::JobRecord *job = m_model->job(jobId);
    if (!job || storage::isTerminal(job->state))
        return;
    // popup(), not exec(): no nested event loop.
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    QAction *cancel = menu->addAction(tr("Cancel job"));
    cancel->setShortcut(QKeySequence(Qt::Key_Delete));
    cancel->setToolTip(tr("Stop this job (it stays in the list as canceled)"));
    connect(cancel, &QAction::triggered, this, [this, jobId] { requestCancel(jobId); });
    menu->popup(m_view->viewport()->mapToGlobal(pos));
}

} // namespace comfyvideo::ui
