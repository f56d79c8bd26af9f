#include "jobs/etamodel.h"
#include "jobs/runmeter.h"

#include <QTest>

using namespace comfyvideo;
using namespace std::chrono_literals;
using Phase = backends::JobProgress::Phase;

namespace {

storage::RunSample sample(int w, int h, int frames, double perStep, double postPerFrame)
{
    storage::RunSample s;
    s.backend = QStringLiteral("b");
    s.kind = QStringLiteral("animatediff");
    s.width = w;
    s.height = h;
    s.frames = frames;
    s.steps = 20;
    s.secondsPerStep = perStep;
    s.postSecondsPerFrame = postPerFrame;
    return s;
}

backends::JobProgress at(Phase phase, int step = 0, int steps = 0)
{
    backends::JobProgress p;
    p.phase = phase;
    p.step = step;
    p.steps = steps;
    return p;
}

} // namespace

class tst_EtaModel : public QObject
{
    Q_OBJECT
private slots:
    void noSamplesNoPrediction();
    void scalesByVolumeAndPixels();
    void medianIgnoresAnOutlier();
    void remainingPerPhase();
    void liveEtaWins();
    void meterMeasuresSamplingAndPost();
    void meterWithoutSamplingTeachesNothing();
};

void tst_EtaModel::noSamplesNoPrediction()
{
    const auto p = jobs::EtaModel::predict({}, 512, 512, 16);
    QVERIFY(!p.isValid());
    QCOMPARE(jobs::EtaModel::remaining(at(Phase::Loading), p, 20, 16, 0ms), std::nullopt);
    storage::RunSample failed = sample(512, 512, 16, 1.0, 0.1);
    failed.succeeded = false;
    QVERIFY(!jobs::EtaModel::predict({failed, sample(0, 512, 16, 1, 1)}, 512, 512, 16).isValid());
}

void tst_EtaModel::scalesByVolumeAndPixels()
{
    const QList<storage::RunSample> samples = {sample(512, 512, 16, 1.0, 0.1)};
    const auto same = jobs::EtaModel::predict(samples, 512, 512, 16);
    QVERIFY(same.isValid());
    QCOMPARE(same.samples, 1);
    QCOMPARE(same.secondsPerStep, 1.0);
    QCOMPARE(same.postSecondsPerFrame, 0.1);
    // Twice the frames: twice the latent volume per step; post per frame unchanged.
    const auto longer = jobs::EtaModel::predict(samples, 512, 512, 32);
    QCOMPARE(longer.secondsPerStep, 2.0);
    QCOMPARE(longer.postSecondsPerFrame, 0.1);
    // Four times the pixels: four times both.
    const auto bigger = jobs::EtaModel::predict(samples, 1024, 1024, 16);
    QCOMPARE(bigger.secondsPerStep, 4.0);
    QCOMPARE(bigger.postSecondsPerFrame, 0.4);
    QCOMPARE(bigger.sampling(20), 80000ms);
    QCOMPARE(bigger.post(16), 6400ms);
}

void tst_EtaModel::medianIgnoresAnOutlier()
{
    const QList<storage::RunSample> samples = {sample(512, 512, 16, 1.0, 0.1),
                                               sample(512, 512, 16, 1.2, 0.1),
                                               sample(512, 512, 16, 30.0, 5.0)};
    const auto p = jobs::EtaModel::predict(samples, 512, 512, 16);
    QCOMPARE(p.samples, 3);
    QCOMPARE(p.secondsPerStep, 1.2);
    QCOMPARE(p.postSecondsPerFrame, 0.1);
}

void tst_EtaModel::remainingPerPhase()
{
    const auto p = jobs::EtaModel::predict({sample(512, 512, 16, 1.0, 0.5)}, 512, 512, 16);
    // Before sampling: all 20 steps plus 16 frames of post-processing.
    QCOMPARE(jobs::EtaModel::remaining(at(Phase::Queued), p, 20, 16, 0ms), 28000ms);
    QCOMPARE(jobs::EtaModel::remaining(at(Phase::Loading), p, 20, 16, 0ms), 28000ms);
    // Sampling, step 1 of 20 (no live ETA yet): 19 steps left plus post.
    QCOMPARE(jobs::EtaModel::remaining(at(Phase::Sampling, 1, 20), p, 20, 16, 0ms), 27000ms);
    // Progress knows better how many steps there are.
    QCOMPARE(jobs::EtaModel::remaining(at(Phase::Sampling, 1, 10), p, 20, 16, 0ms), 17000ms);
    // After sampling: what is left of the post-processing.
    QCOMPARE(jobs::EtaModel::remaining(at(Phase::Encoding), p, 20, 16, 3000ms), 5000ms);
    QCOMPARE(jobs::EtaModel::remaining(at(Phase::Downloading), p, 20, 16, 60000ms), 0ms);
    QCOMPARE(jobs::EtaModel::remaining(at(Phase::Done), p, 20, 16, 0ms), 0ms);
}

void tst_EtaModel::liveEtaWins()
{
    backends::JobProgress live = at(Phase::Sampling, 5, 20);
    live.eta = 1234ms;
    QCOMPARE(jobs::EtaModel::remaining(live, {}, 20, 16, 0ms), 1234ms);
}

void tst_EtaModel::meterMeasuresSamplingAndPost()
{
    request::GenerationRequest r;
    r.width = 512;
    r.height = 256;
    r.frames = 16;
    r.steps = 20;
    jobs::RunMeter meter;
    meter.begin(1000);
    meter.observe(at(Phase::Loading), 1500);
    meter.observe(at(Phase::Sampling, 1, 10), 2000);
    meter.observe(at(Phase::Sampling, 5, 10), 4000);
    meter.observe(at(Phase::Sampling, 10, 10), 6500);
    meter.observe(at(Phase::Decoding), 6500);
    QVERIFY(meter.samplingEnded());
    meter.observe(at(Phase::Encoding), 7000);
    const auto s = meter.finish(r, 8100);
    QVERIFY(s);
    QCOMPARE(s->steps, 10);
    QCOMPARE(s->secondsPerStep, 0.5);      // 4.5 s over the 9 steps after the first report
    QCOMPARE(s->postSecondsPerFrame, 0.1); // 1.6 s over 16 frames
    QCOMPARE(s->totalSeconds, 7.1);
    QCOMPARE(s->width, 512);
    QCOMPARE(s->height, 256);
    QCOMPARE(s->kind, QStringLiteral("animatediff"));
}

void tst_EtaModel::meterWithoutSamplingTeachesNothing()
{
    jobs::RunMeter meter;
    meter.begin(0);
    meter.observe(at(Phase::Downloading), 100);
    QVERIFY(!meter.sawSampling());
    QCOMPARE(meter.finish({}, 200), std::nullopt);
}

QTEST_GUILESS_MAIN(tst_EtaModel)
#include "tst_etamodel.moc"
