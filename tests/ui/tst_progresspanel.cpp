#include "progress/progresscoalescer.h"
#include "progress/progresspanel.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QImage>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace comfyvideo;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;
using storage::JobState;
using ui::ProgressPanel;

namespace {

storage::JobRecord job(qint64 id, JobState state, const QString &prompt = u"a red fox"_s)
{
    storage::JobRecord record;
    record.id = id;
    record.state = state;
    record.prompt = prompt;
    record.request.prompt = prompt;
    return record;
}

backends::JobProgress sampling(int step, int steps)
{
    backends::JobProgress progress;
    progress.phase = comfy::Progress::Phase::Sampling;
    progress.step = step;
    progress.steps = steps;
    progress.targetFrames = 16;
    progress.nodeClass = u"KSampler"_s;
    progress.nodeTitle = u"Sampler"_s;
    progress.overall = 0.05 + 0.8 * step / steps;
    progress.elapsed = 12s;
    progress.eta = 30s;
    return progress;
}

QByteArray encoded(const QColor &colour, const char *format)
{
    QImage image(64, 48, QImage::Format_RGB32);
    image.fill(colour);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format);
    return bytes;
}

storage::JobEvent jobEvent(qint64 jobId, const QTime &time, JobState state, const QString &message)
{
    storage::JobEvent e;
    e.jobId = jobId;
    e.at = QDateTime(QDate(2026, 11, 24), time); // local time, as shown
    e.type = u"state"_s;
    e.state = state;
    e.message = message;
    return e;
}

} // namespace

class TestProgressPanel : public QObject
{
    Q_OBJECT

private slots:
    void emptyPanelShowsNothing();
    void samplingTexts();
    void etaUnknownSaysEstimating();
    void queuedWithPosition();
    void previewFromPngAndJpeg();
    void invalidPreviewKeepsLastGood();
    void cancelEmitsJobIdAndFollowsState();
    void terminalJobs();
    void switchingJobsClearsProgress();
    void equalProgressIsNoRefresh();
    void floodThroughCoalescerStaysSmooth();
    void eventLines();
    void detailsEmitsRequest();
    void titleNamesTheJob();
    void endedJobShowsHowLongItRan();
};

void TestProgressPanel::emptyPanelShowsNothing()
{
    ProgressPanel panel;
    QCOMPARE(panel.jobId(), 0);
    QVERIFY(panel.badgeText().isEmpty());
    QVERIFY(!panel.cancelEnabled());
    panel.setProgress(sampling(1, 20)); // no job shown: ignored
    QCOMPARE(panel.refreshCount(), 0);
    QVERIFY(panel.stepText().isEmpty());
}

void TestProgressPanel::samplingTexts()
{
    ProgressPanel panel;
    panel.showJob(job(4, JobState::Running));
    QCOMPARE(panel.badgeText(), u"Running"_s);
    panel.setProgress(sampling(12, 20));
    QCOMPARE(panel.phaseText(), comfy::phaseName(comfy::Progress::Phase::Sampling));
    QCOMPARE(panel.stepText(), u"Step 12 / 20"_s);
    QCOMPARE(panel.etaText(), u"Elapsed 0:12 · About 0:30 left"_s);
    QCOMPARE(panel.progressPercent(), 53); // 0.05 + 0.8 * 0.6 = 0.53
    QCOMPARE(panel.refreshCount(), 1);
    QVERIFY(panel.cancelEnabled());
    // Frames and node are on screen too.
    QStringList texts;
    for (const QLabel *label : panel.findChildren<QLabel *>())
        texts << label->text();
    QVERIFY2(texts.contains(u"16 frames"_s), qPrintable(texts.join(u'|')));
    QVERIFY(texts.contains(u"Node: KSampler (Sampler)"_s));

    backends::JobProgress longRun = sampling(19, 20);
    longRun.elapsed = 3723s;
    longRun.eta = 95s;
    panel.setProgress(longRun);
    QCOMPARE(panel.etaText(), u"Elapsed 1:02:03 · About 1:35 left"_s);
}

void TestProgressPanel::etaUnknownSaysEstimating()
{
    ProgressPanel panel;
    panel.showJob(job(4, JobState::Running));
    backends::JobProgress progress = sampling(1, 20);
    progress.eta.reset();
    panel.setProgress(progress);
    QCOMPARE(panel.etaText(), u"Elapsed 0:12 · Estimating…"_s);
}

void TestProgressPanel::queuedWithPosition()
{
    ProgressPanel panel;
    panel.showJob(job(9, JobState::Submitted));
    backends::JobProgress queued;
    queued.phase = comfy::Progress::Phase::Queued;
    queued.queuePosition = 3; // two prompts run before it
    panel.setProgress(queued);
    QCOMPARE(panel.phaseText(), u"Queued (2 ahead)"_s);
    QVERIFY(panel.stepText().isEmpty());
    QCOMPARE(panel.progressPercent(), 0);
    queued.queuePosition = 1;
    panel.setProgress(queued);
    QCOMPARE(panel.phaseText(), u"Queued (next)"_s);
    queued.queuePosition = -1;
    panel.setProgress(queued);
    QCOMPARE(panel.phaseText(), u"Queued"_s);
}

void TestProgressPanel::previewFromPngAndJpeg()
{
    ProgressPanel panel;
    panel.resize(400, 300);
    panel.showJob(job(1, JobState::Running));
    QVERIFY(!panel.hasPreview());
    backends::JobProgress progress = sampling(2, 20);
    progress.previewBytes = encoded(Qt::red, "PNG");
    progress.previewMimeType = u"image/png"_s;
    panel.setProgress(progress);
    QVERIFY(panel.hasPreview());

    auto *preview = panel.findChild<QLabel *>();
    QVERIFY(preview);
    progress.step = 3;
    progress.previewBytes = encoded(Qt::blue, "JPEG");
    progress.previewMimeType = u"image/jpeg"_s;
    panel.setProgress(progress);
    QVERIFY(panel.hasPreview());
    // The JPEG is what is shown now: find the preview pixmap and look at its colour.
    bool sawBlue = false;
    for (const QLabel *label : panel.findChildren<QLabel *>()) {
        const QPixmap pixmap = label->pixmap();
        if (pixmap.isNull())
            continue;
        const QColor centre = pixmap.toImage().pixelColor(pixmap.width() / 2, pixmap.height() / 2);
        sawBlue = centre.blue() > 200 && centre.red() < 60;
        // Scaled keeping the 4:3 aspect.
        QVERIFY(qAbs(pixmap.width() * 3 - pixmap.height() * 4) <= 8);
    }
    QVERIFY(sawBlue);
}

void TestProgressPanel::invalidPreviewKeepsLastGood()
{
    ProgressPanel panel;
    panel.showJob(job(1, JobState::Running));
    backends::JobProgress progress = sampling(2, 20);
    progress.previewBytes = encoded(Qt::green, "PNG");
    panel.setProgress(progress);
    QVERIFY(panel.hasPreview());
    progress.step = 3;
    progress.previewBytes = "\x89PNG garbage that is no picture";
    panel.setProgress(progress);
    QVERIFY(panel.hasPreview());
    QCOMPARE(panel.stepText(), u"Step 3 / 20"_s); // the rest still updates
    progress.step = 4;
    progress.previewBytes.clear();
    panel.setProgress(progress);
    QVERIFY(panel.hasPreview());

    ProgressPanel fresh; // garbage first: still nothing
    fresh.showJob(job(2, JobState::Running));
    progress.previewBytes = "not an image";
    fresh.setProgress(progress);
    QVERIFY(!fresh.hasPreview());
}

void TestProgressPanel::cancelEmitsJobIdAndFollowsState()
{
    ProgressPanel panel;
    QSignalSpy cancel(&panel, &ProgressPanel::cancelRequested);
    panel.showJob(job(31, JobState::Queued));
    QVERIFY(panel.cancelEnabled());
    QPushButton *button = nullptr;
    for (QPushButton *b : panel.findChildren<QPushButton *>()) {
        if (b->accessibleName() == ProgressPanel::tr("Cancel job"))
            button = b;
    }
    QVERIFY(button);
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(cancel.count(), 1);
    QCOMPARE(cancel.at(0).at(0).toLongLong(), 31);

    panel.showJob(job(31, JobState::Completed));
    QVERIFY(!panel.cancelEnabled());
    QVERIFY(!button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(cancel.count(), 1);
}

void TestProgressPanel::terminalJobs()
{
    ProgressPanel panel;
    panel.showJob(job(5, JobState::Running));
    panel.setProgress(sampling(10, 20));
    QCOMPARE(panel.progressPercent(), 45);
    panel.showJob(job(5, JobState::Completed));
    QCOMPARE(panel.badgeText(), u"Done"_s);
    QCOMPARE(panel.progressPercent(), 100);
    QCOMPARE(panel.phaseText(), u"Done"_s);
    const int refreshes = panel.refreshCount();
    panel.setProgress(sampling(11, 20)); // late value after the end: ignored
    QCOMPARE(panel.refreshCount(), refreshes);
    QCOMPARE(panel.progressPercent(), 100);

    panel.showJob(job(6, JobState::Failed));
    QCOMPARE(panel.badgeText(), u"Failed"_s);
    QCOMPARE(panel.progressPercent(), 0);
    QVERIFY(!panel.cancelEnabled());
    panel.showJob(job(7, JobState::Canceled));
    QCOMPARE(panel.badgeText(), u"Canceled"_s);
    QCOMPARE(panel.phaseText(), u"Canceled"_s);

    // A retried job runs again: its old numbers go.
    panel.showJob(job(7, JobState::Queued));
    QVERIFY(panel.cancelEnabled());
    QCOMPARE(panel.badgeText(), u"Queued"_s);
    QVERIFY(panel.stepText().isEmpty());
}

void TestProgressPanel::switchingJobsClearsProgress()
{
    ProgressPanel panel;
    panel.showJob(job(1, JobState::Running));
    backends::JobProgress progress = sampling(5, 20);
    progress.previewBytes = encoded(Qt::red, "PNG");
    panel.setProgress(progress);
    panel.appendEvent(jobEvent(1, QTime(12, 0, 0), JobState::Running, u"started"_s));
    QVERIFY(panel.hasPreview());
    panel.showJob(job(2, JobState::Queued));
    QCOMPARE(panel.jobId(), 2);
    QVERIFY(!panel.hasPreview());
    QVERIFY(panel.stepText().isEmpty());
    QCOMPARE(panel.progressPercent(), 0);
    QVERIFY(panel.eventLines().isEmpty());
    // The same job again keeps what it has.
    panel.setProgress(sampling(3, 20));
    panel.showJob(job(2, JobState::Running));
    QCOMPARE(panel.stepText(), u"Step 3 / 20"_s);
    panel.clear();
    QCOMPARE(panel.jobId(), 0);
    QVERIFY(panel.badgeText().isEmpty());
    QVERIFY(!panel.cancelEnabled());
}

void TestProgressPanel::equalProgressIsNoRefresh()
{
    ProgressPanel panel;
    panel.showJob(job(1, JobState::Running));
    panel.setProgress(sampling(5, 20));
    panel.setProgress(sampling(5, 20));
    QCOMPARE(panel.refreshCount(), 1);
    panel.setProgress(sampling(6, 20));
    QCOMPARE(panel.refreshCount(), 2);
}

void TestProgressPanel::floodThroughCoalescerStaysSmooth()
{
    ProgressPanel panel;
    panel.show();
    panel.showJob(job(77, JobState::Running));
    ui::ProgressCoalescer coalescer;
    connect(&coalescer,
            &ui::ProgressCoalescer::progressReady,
            &panel,
            [&panel](qint64 jobId, const backends::JobProgress &progress) {
                if (jobId == panel.jobId())
                    panel.setProgress(progress);
            });
    constexpr int Count = 10000;
    QElapsedTimer elapsed;
    elapsed.start();
    for (int i = 1; i <= Count; ++i) {
        backends::JobProgress progress = sampling(i, Count);
        progress.elapsed = std::chrono::milliseconds(i);
        coalescer.push(77, progress);
        if (i % 200 == 0)
            QCoreApplication::processEvents(); // the socket yields between reads
    }
    QTRY_COMPARE(panel.stepText(), u"Step %1 / %1"_s.arg(Count));
    const double seconds = std::max<qint64>(elapsed.elapsed(), 1) / 1000.0;
    QVERIFY2(panel.refreshCount() <= 35 * seconds + 2,
             qPrintable(u"%1 refreshes in %2 s"_s.arg(panel.refreshCount()).arg(seconds)));
    QVERIFY(panel.refreshCount() >= 1);
    QCOMPARE(panel.progressPercent(), 85);
}

void TestProgressPanel::eventLines()
{
    ProgressPanel panel;
    panel.showJob(job(3, JobState::Running));
    panel.setEvents({jobEvent(3, QTime(12, 3, 4), JobState::Running, u"on comfy-1"_s),
                     jobEvent(3, QTime(12, 3, 9), JobState::Fetching, QString())});
    QCOMPARE(panel.eventLines(),
             (QStringList{u"12:03:04  state → running  on comfy-1"_s,
                          u"12:03:09  state → fetching"_s}));
    panel.appendEvent(jobEvent(3, QTime(12, 4, 0), JobState::Completed, u"saved"_s));
    panel.appendEvent(jobEvent(99, QTime(12, 4, 1), JobState::Failed, u"another job"_s));
    QCOMPARE(panel.eventLines().size(), 3);
    QCOMPARE(panel.eventLines().last(), u"12:04:00  state → completed  saved"_s);
    auto *log = panel.findChild<QPlainTextEdit *>();
    QVERIFY(log);
    QVERIFY(log->isReadOnly());
    QCOMPARE(log->toPlainText(), panel.eventLines().join(u'\n'));
    panel.setEvents({});
    QVERIFY(panel.eventLines().isEmpty());
}

void TestProgressPanel::detailsEmitsRequest()
{
    ProgressPanel panel;
    panel.show();
    panel.showJob(job(12, JobState::Running));
    QSignalSpy details(&panel, &ProgressPanel::detailsRequested);
    auto *toggle = panel.findChild<QToolButton *>();
    auto *log = panel.findChild<QPlainTextEdit *>();
    QVERIFY(toggle && log);
    QVERIFY(!log->isVisible());
    QTest::mouseClick(toggle, Qt::LeftButton);
    QVERIFY(log->isVisible());
    QCOMPARE(details.count(), 1);
    QCOMPARE(details.at(0).at(0).toLongLong(), 12);
    QTest::mouseClick(toggle, Qt::LeftButton); // closing asks for nothing
    QVERIFY(!log->isVisible());
    QCOMPARE(details.count(), 1);
}

void TestProgressPanel::titleNamesTheJob()
{
    ProgressPanel panel;
    panel.resize(panel.fontMetrics().averageCharWidth() * 80, panel.sizeHint().height());
    panel.showJob(job(12, JobState::Running, u"a red fox\nin the snow"_s));
    QLabel *title = nullptr;
    for (QLabel *label : panel.findChildren<QLabel *>()) {
        if (label->accessibleName() == ProgressPanel::tr("Job"))
            title = label;
    }
    QVERIFY(title);
    QCOMPARE(title->toolTip(), u"Job #12 — a red fox in the snow"_s);
    QVERIFY(title->text().startsWith(u"Job #12"_s));

    storage::JobRecord svd = job(13, JobState::Queued, QString());
    svd.request.kind = request::Kind::Svd;
    svd.request.referenceImage = u"/home/me/pictures/harbour.png"_s;
    panel.showJob(svd);
    QCOMPARE(title->toolTip(), u"Job #13 — harbour.png"_s);
}

void TestProgressPanel::endedJobShowsHowLongItRan()
{
    ProgressPanel panel;
    storage::JobRecord failed = job(6, JobState::Failed);
    failed.submittedAt = QDateTime(QDate(2026, 11, 24), QTime(12, 0, 0), Qt::UTC);
    failed.finishedAt = failed.submittedAt.addSecs(42);
    panel.showJob(failed);
    QCOMPARE(panel.etaText(), u"Elapsed 0:42"_s);
    QCOMPARE(panel.phaseText(), u"Failed"_s);
}

QTEST_MAIN(TestProgressPanel)
#include "tst_progresspanel.moc"
