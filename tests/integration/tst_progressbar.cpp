// cli::ProgressBar: the text of the `comfyvideo generate` progress line.
#include "cli/progressbar.h"

#include <QTest>

using comfyvideo::cli::ProgressBar;
using comfyvideo::comfy::Progress;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

Progress sampling(int step, int steps, double overall)
{
    Progress progress;
    progress.phase = Progress::Phase::Sampling;
    progress.queuePosition = 0;
    progress.step = step;
    progress.steps = steps;
    progress.overall = overall;
    return progress;
}

} // namespace

class TestProgressBar : public QObject
{
    Q_OBJECT

private slots:
    void describesSampling();
    void describesOtherPhases();
    void plainLinesPerPhaseAndLastStep();
    void terminalRedrawsOneLine();
};

void TestProgressBar::describesSampling()
{
    Progress progress = sampling(3, 20, 0.42);
    progress.eta = 12s;
    QCOMPARE(ProgressBar::describe(progress, true),
             u"Sampling  step 3/20  [########............]   42%  ETA 0:12"_s);
    QCOMPARE(ProgressBar::describe(progress, false), u"Sampling  step 3/20   42%  ETA 0:12"_s);
    progress.eta = 3725s;
    QVERIFY(ProgressBar::describe(progress, false).endsWith(u"ETA 1:02:05"_s));
    progress.eta = 1500ms; // rounded up: never "0:00" while work remains
    QVERIFY(ProgressBar::describe(progress, false).endsWith(u"ETA 0:02"_s));
}

void TestProgressBar::describesOtherPhases()
{
    Progress queued;
    queued.phase = Progress::Phase::Queued;
    queued.queuePosition = 2;
    QCOMPARE(ProgressBar::describe(queued, false),
             u"Waiting in the server queue  position 2    0%"_s);
    Progress done;
    done.phase = Progress::Phase::Done;
    done.overall = 1.0;
    done.eta = 0ms;
    QCOMPARE(ProgressBar::describe(done, true), u"Done  [####################]  100%"_s);
}

void TestProgressBar::plainLinesPerPhaseAndLastStep()
{
    QString text;
    QTextStream stream(&text);
    ProgressBar bar(stream, false);
    Progress loading;
    loading.phase = Progress::Phase::Loading;
    loading.queuePosition = 0;
    bar.update(loading);
    bar.update(loading); // unchanged: no line
    for (int step = 1; step <= 20; ++step)
        bar.update(sampling(step, 20, 0.05 + 0.04 * step));
    bar.finish();
    const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
    // Loading, the first sampling update, the last step; the steps between come faster than
    // one a second.
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines.at(0).startsWith(u"Loading models"_s));
    QVERIFY(lines.at(1).startsWith(u"Sampling  step 1/20"_s));
    QVERIFY(lines.at(2).startsWith(u"Sampling  step 20/20"_s));
    QVERIFY(!text.contains(u'\r'));
}

void TestProgressBar::terminalRedrawsOneLine()
{
    QString text;
    QTextStream stream(&text);
    ProgressBar bar(stream, true);
    for (int step = 1; step <= 20; ++step)
        bar.update(sampling(step, 20, 0.05 + 0.04 * step));
    QVERIFY(!text.contains(u'\n'));
    QCOMPARE(text.count(u'\r'), 1); // the rest came within 100 ms
    bar.finish();                   // shows the latest state, then ends the line
    QVERIFY(text.endsWith(u'\n'));
    const QString last = text.section(u'\r', -1).trimmed();
    QVERIFY2(last.startsWith(u"Sampling  step 20/20  ["_s), qPrintable(last));

    // A shorter line overwrites a longer one completely.
    text.clear();
    ProgressBar second(stream, true);
    Progress longer = sampling(10, 20, 0.5);
    longer.eta = 100s;
    second.update(longer);
    Progress decoding;
    decoding.phase = Progress::Phase::Decoding;
    decoding.overall = 0.85;
    second.update(decoding);
    const QString redraw = text.section(u'\r', -1);
    QCOMPARE(redraw.size(), text.section(u'\r', 1, 1).size());
}

QTEST_GUILESS_MAIN(TestProgressBar)
#include "tst_progressbar.moc"
