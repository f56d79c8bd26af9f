#include "joblist/joblistpanel.h"
#include "joblist/sessionjobsmodel.h"

#include <QListView>
#include <QSignalSpy>
#include <QTest>

using namespace comfyvideo;
using namespace Qt::StringLiterals;
using comfyvideo::storage::JobRecord;
using comfyvideo::storage::JobState;
using comfyvideo::ui::JobListPanel;
using comfyvideo::ui::SessionJobsModel;

namespace {

JobRecord job(qint64 id, JobState state)
{
    JobRecord record;
    record.id = id;
    record.state = state;
    record.request = request::defaultRequest(request::Kind::AnimateDiff);
    record.request.prompt = u"prompt number %1, a long line that the delegate elides"_s.arg(id);
    record.prompt = record.request.prompt;
    return record;
}

} // namespace

class tst_JobListPanel : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_model = std::make_unique<SessionJobsModel>();
        m_model->upsert(job(1, JobState::Completed));
        m_model->upsert(job(2, JobState::Running));
        m_model->upsert(job(3, JobState::Queued));
        m_panel = std::make_unique<JobListPanel>(m_model.get());
        m_panel->resize(m_panel->fontMetrics().averageCharWidth() * 60,
                        m_panel->fontMetrics().height() * 20);
        m_panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
    }
    void cleanup()
    {
        m_panel.reset();
        m_model.reset();
    }

    void accessibleName()
    {
        QCOMPARE(m_panel->view()->accessibleName(), u"Jobs of this session"_s);
    }

    void clickingARowEmitsItsId()
    {
        QSignalSpy current(m_panel.get(), &JobListPanel::currentJobChanged);
        QListView *view = m_panel->view();
        const QRect rect = view->visualRect(m_model->index(m_model->rowOf(2)));
        QVERIFY(rect.isValid());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(current.count(), 1);
        QCOMPARE(current.first().at(0).toLongLong(), 2);
        QCOMPARE(m_panel->currentJobId(), 2);

        // A new job on top keeps the selection on the same job (no signal).
        m_model->upsert(job(4, JobState::Queued));
        QCOMPARE(m_panel->currentJobId(), 2);
        QCOMPARE(current.count(), 1);
    }

    void selectJobSelects()
    {
        QSignalSpy current(m_panel.get(), &JobListPanel::currentJobChanged);
        QCOMPARE(m_panel->currentJobId(), 0);
        m_panel->selectJob(1);
        QCOMPARE(m_panel->currentJobId(), 1);
        QCOMPARE(m_panel->view()->currentIndex().row(), m_model->rowOf(1));
        QCOMPARE(current.count(), 1);
        QCOMPARE(current.first().at(0).toLongLong(), 1);
        m_panel->selectJob(99); // unknown: nothing changes
        QCOMPARE(m_panel->currentJobId(), 1);
        QCOMPARE(current.count(), 1);
    }

    void selectJobScrollsToIt()
    {
        for (qint64 id = 10; id < 200; ++id)
            m_model->upsert(job(id, JobState::Queued));
        QListView *view = m_panel->view();
        m_panel->selectJob(1); // the oldest: the last row
        const QRect rect = view->visualRect(m_model->index(m_model->rowOf(1)));
        QVERIFY(view->viewport()->rect().intersects(rect));
    }

    void deleteCancelsRunningJobOnly()
    {
        QSignalSpy cancel(m_panel.get(), &JobListPanel::cancelRequested);
        QListView *view = m_panel->view();
        view->setFocus();

        m_panel->selectJob(2); // running
        QTest::keyClick(view, Qt::Key_Delete);
        QCOMPARE(cancel.count(), 1);
        QCOMPARE(cancel.first().at(0).toLongLong(), 2);

        m_panel->selectJob(1); // done
        QTest::keyClick(view, Qt::Key_Delete);
        QCOMPARE(cancel.count(), 1);

        m_panel->selectJob(3); // queued: can be canceled too
        QTest::keyClick(view, Qt::Key_Delete);
        QCOMPARE(cancel.count(), 2);
        QCOMPARE(cancel.last().at(0).toLongLong(), 3);
    }

    void rowHeightFollowsTheFont()
    {
        QListView *view = m_panel->view();
        const int before = view->sizeHintForRow(0);
        QVERIFY(before > view->fontMetrics().height() * 2); // two lines and a bar
        QFont big = view->font();
        big.setPointSizeF(big.pointSizeF() * 2);
        view->setFont(big);
        const int after = view->sizeHintForRow(0);
        QVERIFY2(after > before * 3 / 2, qPrintable(u"%1 -> %2"_s.arg(before).arg(after)));
    }

    void paintsTheProgressBar()
    {
        // Every state goes through the delegate; the running job's bar follows its progress.
        const QList<JobState> states = storage::allStates();
        for (qsizetype i = 0; i < states.size(); ++i)
            m_model->upsert(job(100 + i, states.at(i)));
        m_panel->selectJob(1); // not the running job: its row is painted unselected
        QListView *view = m_panel->view();
        const auto grabRow = [&] {
            const QRect rect = view->visualRect(m_model->index(m_model->rowOf(2)));
            return view->viewport()->grab(rect).toImage();
        };
        backends::JobProgress progress;
        progress.overall = 0.02;
        m_model->setProgress(2, progress);
        const QImage early = grabRow();
        progress.overall = 0.95;
        m_model->setProgress(2, progress);
        const QImage late = grabRow();
        QVERIFY(!early.isNull());
        QVERIFY(early != late);
        progress.overall = 0.95; // the same value again: nothing to repaint, same pixels
        m_model->setProgress(2, progress);
        QCOMPARE(grabRow(), late);
    }

private:
    std::unique_ptr<SessionJobsModel> m_model;
    std::unique_ptr<JobListPanel> m_panel;
};

QTEST_MAIN(tst_JobListPanel)
#include "tst_joblistpanel.moc"
