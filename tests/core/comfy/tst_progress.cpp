// Progress math: phase weights, node-class phases, ETA from the step rate, target frames.
#include "comfy/progress.h"

#include <QJsonObject>
#include <QTest>

using namespace comfyvideo::comfy;
using namespace Qt::StringLiterals;
using Phase = Progress::Phase;

class TestProgress : public QObject
{
    Q_OBJECT

private slots:
    void weightsAddUp();
    void overallIsMonotonicAcrossPhases();
    void phaseForNodeClass();
    void eta();
    void targetFrames();
};

void TestProgress::weightsAddUp()
{
    double sum = 0;
    for (Phase p : {Phase::Submitting,
                    Phase::Queued,
                    Phase::Loading,
                    Phase::Sampling,
                    Phase::Decoding,
                    Phase::Encoding,
                    Phase::Downloading})
        sum += phaseWeight(p);
    QCOMPARE(sum, 1.0);
    QCOMPARE(overallFraction(Phase::Queued, 0.7), 0.0);
    QCOMPARE(overallFraction(Phase::Sampling, 0.5), 0.05 + 0.4);
    QCOMPARE(overallFraction(Phase::Done, 0.0), 1.0);
    QCOMPARE(overallFraction(Phase::Sampling, 7.0), 0.85); // clamped
}

void TestProgress::overallIsMonotonicAcrossPhases()
{
    double last = -1;
    for (Phase p : {Phase::Queued,
                    Phase::Loading,
                    Phase::Sampling,
                    Phase::Decoding,
                    Phase::Encoding,
                    Phase::Downloading}) {
        for (double f = 0; f <= 1.0; f += 0.25) {
            const double v = overallFraction(p, f);
            QVERIFY(v >= last);
            last = v;
        }
    }
    QCOMPARE(last, 1.0);
}

void TestProgress::phaseForNodeClass()
{
    QCOMPARE(comfyvideo::comfy::phaseForNodeClass(u"KSampler"_s), Phase::Sampling);
    QCOMPARE(comfyvideo::comfy::phaseForNodeClass(u"KSamplerAdvanced"_s), Phase::Sampling);
    QCOMPARE(comfyvideo::comfy::phaseForNodeClass(u"VAEDecode"_s), Phase::Decoding);
    QCOMPARE(comfyvideo::comfy::phaseForNodeClass(u"VHS_VideoCombine"_s), Phase::Encoding);
    QCOMPARE(comfyvideo::comfy::phaseForNodeClass(u"SaveAnimatedWEBP"_s), Phase::Encoding);
    QCOMPARE(comfyvideo::comfy::phaseForNodeClass(u"CheckpointLoaderSimple"_s), Phase::Loading);
    QCOMPARE(comfyvideo::comfy::phaseForNodeClass(u"ADE_LoadAnimateDiffModel"_s), Phase::Loading);
}

void TestProgress::eta()
{
    using namespace std::chrono_literals;
    // Steps 1..5 of 20 took 400 ms: 100 ms a step, 15 left = 1500 ms, plus the later phases
    // (15 % against sampling's 80 % of a 2000 ms sampling) = 375 ms.
    QCOMPARE(estimateRemaining(Phase::Sampling, 5, 20, 400ms, 1).value(), 1875ms);
    QVERIFY(!estimateRemaining(Phase::Sampling, 1, 20, 400ms, 1)); // one step: no rate yet
    QVERIFY(!estimateRemaining(Phase::Loading, 5, 20, 400ms, 1));
    QVERIFY(!estimateRemaining(Phase::Sampling, 25, 20, 400ms, 1));
    QCOMPARE(estimateRemaining(Phase::Sampling, 20, 20, 1900ms, 1).value(), 375ms);
}

void TestProgress::targetFrames()
{
    const QJsonObject ad{{"7"_L1,
                          QJsonObject{{"class_type"_L1, "EmptyLatentImage"_L1},
                                      {"inputs"_L1, QJsonObject{{"batch_size"_L1, 16}}}}}};
    QCOMPARE(targetFramesOf(ad), 16);
    const QJsonObject svd{{"3"_L1,
                           QJsonObject{{"class_type"_L1, "SVD_img2vid_Conditioning"_L1},
                                       {"inputs"_L1, QJsonObject{{"video_frames"_L1, 25}}}}}};
    QCOMPARE(targetFramesOf(svd), 25);
    QCOMPARE(targetFramesOf({}), 0);
}

QTEST_GUILESS_MAIN(TestProgress)
#include "tst_progress.moc"
