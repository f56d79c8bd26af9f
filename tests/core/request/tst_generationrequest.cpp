#include "request/generationrequest.h"

#include <QMetaEnum>
#include <QSet>
#include <QTest>
#include <QVariant>

using namespace comfyvideo::request;
using namespace Qt::StringLiterals;

class TestGenerationRequest : public QObject
{
    Q_OBJECT

private slots:
    void animateDiffDefaults()
    {
        const GenerationRequest r = defaultRequest(Kind::AnimateDiff);
        QCOMPARE(r.kind, Kind::AnimateDiff);
        QVERIFY(r.prompt.isEmpty());
        QVERIFY(r.checkpoint.isEmpty());
        QVERIFY(r.motionModule.isEmpty());
        QCOMPARE(r.width, 512);
        QCOMPARE(r.height, 512);
        QCOMPARE(r.frames, 16);
        QCOMPARE(r.fps, 8);
        QCOMPARE(r.steps, 20);
        QCOMPARE(r.cfg, 7.5);
        QCOMPARE(r.sampler, u"euler"_s);
        QCOMPARE(r.scheduler, u"normal"_s);
        QCOMPARE(r.betaSchedule, u"autoselect"_s);
        QCOMPARE(r.format, OutputFormat::H264Mp4);
        QCOMPARE(r.crf, 19);
        QCOMPARE(r.contextLength, 16);
        QCOMPARE(r.contextOverlap, 4);
        QCOMPARE(r.contextStride, 1);
        QCOMPARE(r.contextSchedule, ContextSchedule::StandardUniform);
        QVERIFY(!r.closedLoop);
        QCOMPARE(r, GenerationRequest{});
    }

    void svdDefaults()
    {
        const GenerationRequest r = defaultRequest(Kind::Svd);
        QCOMPARE(r.kind, Kind::Svd);
        QVERIFY(r.checkpoint.isEmpty());
        QVERIFY(r.referenceImage.isEmpty());
        QCOMPARE(r.width, 1024);
        QCOMPARE(r.height, 576);
        QCOMPARE(r.frames, 25);
        QCOMPARE(r.fps, 8);
        QCOMPARE(r.steps, 20);
        QCOMPARE(r.cfg, 2.5);
        QCOMPARE(r.sampler, u"euler"_s);
        QCOMPARE(r.scheduler, u"karras"_s);
        QCOMPARE(r.motionBucketId, 127);
        QCOMPARE(r.augmentationLevel, 0.0);
        QCOMPARE(r.minCfg, 1.0);
        QCOMPARE(r.conditioningFps, 6);
        QCOMPARE(r.format, OutputFormat::H264Mp4);
        QVERIFY(r != defaultRequest(Kind::AnimateDiff));
    }

    void stableNames()
    {
        QCOMPARE(kindName(Kind::AnimateDiff), u"animatediff"_s);
        QCOMPARE(kindName(Kind::Svd), u"svd"_s);
        QCOMPARE(formatName(OutputFormat::H264Mp4), u"h264-mp4"_s);
        QCOMPARE(formatName(OutputFormat::Webm), u"webm"_s);
        QCOMPARE(formatName(OutputFormat::Gif), u"gif"_s);
        QCOMPARE(scheduleName(ContextSchedule::StandardUniform), u"standard-uniform"_s);
        QCOMPARE(scheduleName(ContextSchedule::StandardStatic), u"standard-static"_s);
        QCOMPARE(scheduleName(ContextSchedule::LoopedUniform), u"looped-uniform"_s);
    }

    void namesCoverEveryEnumValue()
    {
        QCOMPARE(kindNames().size(), QMetaEnum::fromType<Kind>().keyCount());
        QCOMPARE(formatNames().size(), QMetaEnum::fromType<OutputFormat>().keyCount());
        QCOMPARE(scheduleNames().size(), QMetaEnum::fromType<ContextSchedule>().keyCount());
        QCOMPARE(formatNames(), (QStringList{u"h264-mp4"_s, u"webm"_s, u"gif"_s}));
    }

    void parseRoundTrips()
    {
        const QMetaEnum kinds = QMetaEnum::fromType<Kind>();
        for (int i = 0; i < kinds.keyCount(); ++i) {
            const auto k = Kind(kinds.value(i));
            Kind parsed = k == Kind::Svd ? Kind::AnimateDiff : Kind::Svd;
            QVERIFY(parseKind(kindName(k), &parsed));
            QCOMPARE(parsed, k);
        }
        const QMetaEnum formats = QMetaEnum::fromType<OutputFormat>();
        for (int i = 0; i < formats.keyCount(); ++i) {
            const auto f = OutputFormat(formats.value(i));
            OutputFormat parsed = f == OutputFormat::Gif ? OutputFormat::Webm : OutputFormat::Gif;
            QVERIFY(parseFormat(formatName(f), &parsed));
            QCOMPARE(parsed, f);
        }
        const QMetaEnum schedules = QMetaEnum::fromType<ContextSchedule>();
        for (int i = 0; i < schedules.keyCount(); ++i) {
            const auto s = ContextSchedule(schedules.value(i));
            ContextSchedule parsed = s == ContextSchedule::LoopedUniform
                                             ? ContextSchedule::StandardStatic
                                             : ContextSchedule::LoopedUniform;
            QVERIFY(parseSchedule(scheduleName(s), &parsed));
            QCOMPARE(parsed, s);
        }
    }

    void parseIgnoresCaseAndSpaces()
    {
        Kind k = Kind::AnimateDiff;
        QVERIFY(parseKind(u"  SVD "_s, &k));
        QCOMPARE(k, Kind::Svd);
        OutputFormat f = OutputFormat::H264Mp4;
        QVERIFY(parseFormat(u"WebM"_s, &f));
        QCOMPARE(f, OutputFormat::Webm);
        ContextSchedule s = ContextSchedule::StandardUniform;
        QVERIFY(parseSchedule(u"Looped-Uniform"_s, &s));
        QCOMPARE(s, ContextSchedule::LoopedUniform);
    }

    void parseRefusesUnknownAndLeavesOutAlone()
    {
        Kind k = Kind::Svd;
        QVERIFY(!parseKind(u"txt2vid"_s, &k));
        QVERIFY(!parseKind(QString(), &k));
        QCOMPARE(k, Kind::Svd);
        OutputFormat f = OutputFormat::Gif;
        QVERIFY(!parseFormat(u"mp4"_s, &f));
        QVERIFY(!parseFormat(u"h264_mp4"_s, &f));
        QCOMPARE(f, OutputFormat::Gif);
        ContextSchedule s = ContextSchedule::StandardStatic;
        QVERIFY(!parseSchedule(u"looped"_s, &s));
        QCOMPARE(s, ContextSchedule::StandardStatic);
        QVERIFY(parseKind(u"svd"_s, nullptr)); // a pure "is it a name?" check
        QVERIFY(!parseFormat(u"avi"_s, nullptr));
    }

    void displayNamesAreDistinct()
    {
        QSet<QString> seen;
        for (const Kind k : {Kind::AnimateDiff, Kind::Svd})
            seen.insert(kindDisplayName(k));
        for (const OutputFormat f : {OutputFormat::H264Mp4, OutputFormat::Webm, OutputFormat::Gif})
            seen.insert(formatDisplayName(f));
        for (const ContextSchedule s : {ContextSchedule::StandardUniform,
                                        ContextSchedule::StandardStatic,
                                        ContextSchedule::LoopedUniform})
            seen.insert(scheduleDisplayName(s));
        QCOMPARE(seen.size(), 8);
        QVERIFY(!seen.contains(QString()));
    }

    void svdFramesByCheckpoint_data()
    {
        QTest::addColumn<QString>("checkpoint");
        QTest::addColumn<int>("frames");
        QTest::newRow("empty") << QString() << 25;
        QTest::newRow("svd") << u"svd.safetensors"_s << 14;
        QTest::newRow("svd_xt") << u"svd_xt.safetensors"_s << 25;
        QTest::newRow("svd_xt_1_1") << u"svd_xt_1_1.safetensors"_s << 25;
        QTest::newRow("subfolder, dash, caps") << u"video/SVD-XT.safetensors"_s << 25;
        QTest::newRow("svd image decoder") << u"svd_image_decoder.safetensors"_s << 14;
    }

    void svdFramesByCheckpoint()
    {
        QFETCH(QString, checkpoint);
        QFETCH(int, frames);
        QCOMPARE(svdDefaultFrames(checkpoint), frames);
    }

    void equalityComparesEveryField()
    {
        GenerationRequest a;
        GenerationRequest b;
        QCOMPARE(a, b);
        b.seed = 1;
        QVERIFY(a != b);
        b = a;
        b.closedLoop = true;
        QVERIFY(a != b);
        b = a;
        b.conditioningFps = 7;
        QVERIFY(a != b);
    }

    void travelsInQVariant()
    {
        GenerationRequest r = defaultRequest(Kind::Svd);
        r.seed = 18446744073709551615ULL;
        const QVariant v = QVariant::fromValue(r);
        QVERIFY(v.canConvert<GenerationRequest>());
        QCOMPARE(v.value<GenerationRequest>(), r);
    }
};

QTEST_GUILESS_MAIN(TestGenerationRequest)
#include "tst_generationrequest.moc"
