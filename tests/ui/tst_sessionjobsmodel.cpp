#include "joblist/sessionjobsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace comfyvideo;
using namespace Qt::StringLiterals;
using comfyvideo::storage::JobRecord;
using comfyvideo::storage::JobState;
using comfyvideo::ui::SessionJobsModel;

namespace {

JobRecord animateDiffJob(qint64 id, const QString &prompt, JobState state = JobState::Queued)
{
    JobRecord job;
    job.id = id;
    job.state = state;
    job.request = request::defaultRequest(request::Kind::AnimateDiff);
    job.request.prompt = prompt;
    job.request.frames = 16;
    job.request.width = 512;
    job.request.height = 512;
    job.kind = request::kindName(job.request.kind);
    job.prompt = prompt;
    return job;
}

JobRecord svdJob(qint64 id, const QString &picture, JobState state = JobState::Queued)
{
    JobRecord job;
    job.id = id;
    job.state = state;
    job.request = request::defaultRequest(request::Kind::Svd);
    job.request.referenceImage = picture;
    job.request.frames = 25;
    job.request.width = 1024;
    job.request.height = 576;
    job.kind = request::kindName(job.request.kind);
    return job;
}

backends::JobProgress progressAt(double overall)
{
    backends::JobProgress progress;
    progress.phase = comfy::Progress::Phase::Sampling;
    progress.overall = overall;
    return progress;
}

QList<qint64> idsOf(const SessionJobsModel &model)
{
    QList<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row).data(SessionJobsModel::JobIdRole).toLongLong();
    return ids;
}

} // namespace

class tst_SessionJobsModel : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_model = std::make_unique<SessionJobsModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(
                m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void upsertKeepsNewestFirst()
    {
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        m_model->upsert(animateDiffJob(5, u"five"_s));
        m_model->upsert(animateDiffJob(9, u"nine"_s));
        m_model->upsert(animateDiffJob(2, u"two"_s));
        m_model->upsert(animateDiffJob(7, u"seven"_s));
        QCOMPARE(idsOf(*m_model), (QList<qint64>{9, 7, 5, 2}));
        QCOMPARE(inserted.count(), 4);
        // The last insert went between 9 and 5: row 1.
        QCOMPARE(inserted.last().at(1).toInt(), 1);
        QCOMPARE(m_model->rowOf(7), 1);
        QCOMPARE(m_model->rowOf(3), -1);
        QVERIFY(m_model->job(3) == nullptr);
        QCOMPARE(m_model->job(5)->prompt, u"five"_s);
    }

    void upsertUpdatesInPlace()
    {
        for (qint64 id : {1, 2, 3})
            m_model->upsert(animateDiffJob(id, u"job %1"_s.arg(id)));
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);

        m_model->upsert(animateDiffJob(2, u"job 2"_s, JobState::Running));
        QCOMPARE(m_model->rowCount(), 3);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(changed.count(), 1);
        const QModelIndex first = changed.first().at(0).toModelIndex();
        const QModelIndex last = changed.first().at(1).toModelIndex();
        QCOMPARE(first.row(), 1); // ids 3, 2, 1
        QCOMPARE(last.row(), 1);
        QCOMPARE(m_model->index(1).data(SessionJobsModel::StateRole).toInt(),
                 int(JobState::Running));

        // The same record again changes nothing.
        m_model->upsert(animateDiffJob(2, u"job 2"_s, JobState::Running));
        QCOMPARE(changed.count(), 1);
    }

    void rolesForAnimateDiff()
    {
        m_model->upsert(animateDiffJob(4, u"a red  fox\nin snow"_s, JobState::Submitted));
        const QModelIndex index = m_model->index(0);
        QCOMPARE(index.data(Qt::DisplayRole).toString(), u"a red fox in snow"_s);
        QCOMPARE(index.data(SessionJobsModel::JobIdRole).toLongLong(), 4);
        QCOMPARE(index.data(SessionJobsModel::StateTextRole).toString(), u"Waiting on server"_s);
        QCOMPARE(index.data(SessionJobsModel::SummaryRole).toString(),
                 u"AnimateDiff · 16 frames · 512×512"_s);
        QCOMPARE(index.data(Qt::AccessibleTextRole).toString(),
                 u"Waiting on server: a red fox in snow"_s);
        const QString tip = index.data(Qt::ToolTipRole).toString();
        QVERIFY(tip.contains(u"AnimateDiff · 16 frames · 512×512"_s));
        QVERIFY(tip.contains(u"Waiting on server"_s));
        QCOMPARE(index.data(SessionJobsModel::RecordRole).value<JobRecord>().id, 4);
        QCOMPARE(index.data(SessionJobsModel::ProgressRole).toDouble(), 0.0); // active, none yet
    }

    void rolesForSvd()
    {
        m_model->upsert(svdJob(6, u"/home/me/Pictures/lighthouse.png"_s, JobState::Failed));
        auto failed = *m_model->job(6);
        failed.error = errors::Error::make(errors::ErrorKind::Unknown, u"Out of memory."_s);
        m_model->upsert(failed);
        const QModelIndex index = m_model->index(0);
        QCOMPARE(index.data(Qt::DisplayRole).toString(), u"lighthouse.png"_s);
        QCOMPARE(index.data(SessionJobsModel::SummaryRole).toString(),
                 u"SVD · 25 frames · 1024×576"_s);
        QCOMPARE(index.data(SessionJobsModel::StateTextRole).toString(), u"Failed"_s);
        QVERIFY(index.data(Qt::ToolTipRole).toString().contains(u"Out of memory."_s));
        QCOMPARE(index.data(SessionJobsModel::ProgressRole).toDouble(), -1.0);
    }

    void stateTexts()
    {
        const QList<std::pair<JobState, QString>> expected{
                {JobState::Queued, u"Queued"_s},
                {JobState::Dispatching, u"Starting"_s},
                {JobState::Uploading, u"Uploading"_s},
                {JobState::Submitted, u"Waiting on server"_s},
                {JobState::Running, u"Running"_s},
                {JobState::Fetching, u"Downloading"_s},
                {JobState::Completed, u"Done"_s},
                {JobState::Failed, u"Failed"_s},
                {JobState::Canceled, u"Canceled"_s},
        };
        for (const auto &[state, text] : expected)
            QCOMPARE(SessionJobsModel::stateText(state), text);
    }

    void progressIsCoalesced()
    {
        m_model->upsert(animateDiffJob(1, u"other"_s, JobState::Running));
        m_model->upsert(animateDiffJob(2, u"busy"_s, JobState::Running));
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        // 1,000 tiny steps from 0 to 0.1: at most one repaint per 0.5 %.
        for (int i = 1; i <= 1000; ++i)
            m_model->setProgress(2, progressAt(i * 0.0001));
        QVERIFY2(changed.count() >= 10 && changed.count() <= 21,
                 qPrintable(QString::number(changed.count())));
        for (const QList<QVariant> &args : std::as_const(changed)) {
            QCOMPARE(args.at(0).toModelIndex().row(), 0);
            QCOMPARE(args.at(1).toModelIndex().row(), 0);
            QCOMPARE(args.at(2).value<QList<int>>(), QList<int>{SessionJobsModel::ProgressRole});
        }
        const double shown = m_model->index(0).data(SessionJobsModel::ProgressRole).toDouble();
        QVERIFY(std::abs(shown - 0.1) < 0.005);
        QCOMPARE(m_model->index(1).data(SessionJobsModel::ProgressRole).toDouble(), 0.0);

        // Reaching the end is always shown.
        m_model->setProgress(2, progressAt(0.998));
        m_model->setProgress(2, progressAt(1.0));
        QCOMPARE(m_model->index(0).data(SessionJobsModel::ProgressRole).toDouble(), 1.0);
        // Unknown jobs are ignored.
        const qsizetype before = changed.count();
        m_model->setProgress(42, progressAt(0.5));
        QCOMPARE(changed.count(), before);
    }

    void terminalDropsProgress()
    {
        m_model->upsert(animateDiffJob(3, u"run"_s, JobState::Running));
        m_model->setProgress(3, progressAt(0.6));
        QCOMPARE(m_model->index(0).data(SessionJobsModel::ProgressRole).toDouble(), 0.6);

        m_model->upsert(animateDiffJob(3, u"run"_s, JobState::Completed));
        QCOMPARE(m_model->index(0).data(SessionJobsModel::ProgressRole).toDouble(), -1.0);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->setProgress(3, progressAt(0.9)); // late progress of a finished job
        QCOMPARE(changed.count(), 0);
        QCOMPARE(m_model->index(0).data(SessionJobsModel::ProgressRole).toDouble(), -1.0);
    }

    void retryStartsOver()
    {
        m_model->upsert(animateDiffJob(5, u"retry"_s, JobState::Running));
        m_model->setProgress(5, progressAt(0.7));
        m_model->upsert(animateDiffJob(5, u"retry"_s, JobState::Queued)); // back in the queue
        QCOMPARE(m_model->index(0).data(SessionJobsModel::ProgressRole).toDouble(), -1.0);
        m_model->upsert(animateDiffJob(5, u"retry"_s, JobState::Dispatching));
        QCOMPARE(m_model->index(0).data(SessionJobsModel::ProgressRole).toDouble(), 0.0);
    }

    void progressBeforeActiveStateIsKept()
    {
        // Progress may arrive before the state change that makes the job active.
        m_model->upsert(animateDiffJob(6, u"early"_s, JobState::Queued));
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->setProgress(6, progressAt(0.2));
        QCOMPARE(changed.count(), 0); // nothing to show for a queued job
        m_model->upsert(animateDiffJob(6, u"early"_s, JobState::Running));
        QCOMPARE(m_model->index(0).data(SessionJobsModel::ProgressRole).toDouble(), 0.2);
    }

    void queuedJobHasNoProgressBar()
    {
        m_model->upsert(animateDiffJob(8, u"waiting"_s, JobState::Queued));
        QCOMPARE(m_model->index(0).data(SessionJobsModel::ProgressRole).toDouble(), -1.0);
    }

    void roleNamesAreListed()
    {
        const auto names = m_model->roleNames();
        QCOMPARE(names.value(SessionJobsModel::ProgressRole), QByteArray("progress"));
        QCOMPARE(names.value(Qt::DisplayRole), QByteArray("display"));
    }

private:
    std::unique_ptr<SessionJobsModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_MAIN(tst_SessionJobsModel)
#include "tst_sessionjobsmodel.moc"
