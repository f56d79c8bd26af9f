#include "markingtranslator.h"
#include "request/presets.h"
#include "request/validation.h"
#include "testimages.h"

#include <QCoreApplication>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace comfyvideo::request;
using namespace Qt::StringLiterals;

class TestPresets : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_image;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_image = m_dir.filePath(u"start.png"_s);
        QVERIFY(testimages::writeImage(m_image, 1024, 576, "PNG"));
    }

    void theBuiltinsInMenuOrder()
    {
        QStringList ids;
        QStringList names;
        for (const Preset &p : builtinPresets()) {
            ids.append(p.id);
            names.append(p.name);
        }
        QCOMPARE(ids,
                 (QStringList{u"animatediff-16-quick"_s,
                              u"animatediff-48-loop"_s,
                              u"animatediff-128-long"_s,
                              u"svd-14"_s,
                              u"svd-xt-25"_s}));
        QCOMPARE(names,
                 (QStringList{u"AnimateDiff — 16 frames, quick"_s,
                              u"AnimateDiff — 48 frames, looping"_s,
                              u"AnimateDiff — 128 frames, long"_s,
                              u"SVD — 14 frames"_s,
                              u"SVD-XT — 25 frames"_s}));
    }

    void namesAreTranslated()
    {
        MarkingTranslator translator("RequestPresets");
        QVERIFY(QCoreApplication::installTranslator(&translator));
        const QList<Preset> presets = builtinPresets();
        QCoreApplication::removeTranslator(&translator);
        for (const Preset &p : presets)
            QVERIFY2(p.name.startsWith(u"[xx] "_s), qPrintable(p.name));
        QVERIFY(!builtinPresets().first().name.startsWith(u"[xx]"_s));
    }

    void animateDiffPresetsValidateClean()
    {
        for (const Preset &p : builtinPresets()) {
            if (p.request.kind != Kind::AnimateDiff)
                continue;
            const FieldProblems problems = validate(p.request);
            QVERIFY2(problems.isEmpty(), qPrintable(p.id + u": "_s + formatProblems(problems)));
            QVERIFY(!p.request.prompt.isEmpty());
        }
    }

    // A preset cannot know the picture: SVD presets lack exactly the reference image.
    void svdPresetsLackOnlyTheImage()
    {
        int svdPresets = 0;
        for (const Preset &p : builtinPresets()) {
            if (p.request.kind != Kind::Svd)
                continue;
            ++svdPresets;
            const FieldProblems problems = validate(p.request);
            QCOMPARE(problems.size(), 1);
            QCOMPARE(problems.first().field, u"referenceImage"_s);
            GenerationRequest withImage = p.request;
            withImage.referenceImage = m_image;
            QCOMPARE(validate(withImage), FieldProblems{});
        }
        QCOMPARE(svdPresets, 2);
    }

    void presetsAreWhatTheirNamesSay()
    {
        Preset p;
        QVERIFY(findPreset(u"animatediff-16-quick"_s, &p));
        QCOMPARE(p.request.kind, Kind::AnimateDiff);
        QCOMPARE(p.request.frames, 16);
        QVERIFY(p.request.frames <= p.request.contextLength); // one motion window

        QVERIFY(findPreset(u"animatediff-48-loop"_s, &p));
        QCOMPARE(p.request.frames, 48);
        QVERIFY(p.request.closedLoop);
        QCOMPARE(p.request.contextSchedule, ContextSchedule::LoopedUniform);
        QVERIFY(p.request.frames > p.request.contextLength);

        QVERIFY(findPreset(u"animatediff-128-long"_s, &p));
        QCOMPARE(p.request.frames, limits::AnimateDiffMaxFrames);
        QVERIFY(!p.request.closedLoop);
        QVERIFY(p.request.frames > p.request.contextLength);

        QVERIFY(findPreset(u"svd-14"_s, &p));
        QCOMPARE(p.request.kind, Kind::Svd);
        QCOMPARE(p.request.frames, 14);
        QCOMPARE(svdDefaultFrames(u"svd.safetensors"_s), p.request.frames);

        QVERIFY(findPreset(u"svd-xt-25"_s, &p));
        QCOMPARE(p.request.frames, 25);
        QCOMPARE(p.request, defaultRequest(Kind::Svd));

        for (const Preset &preset : builtinPresets()) {
            QVERIFY(preset.request.checkpoint.isEmpty());
            QVERIFY(preset.request.motionModule.isEmpty());
        }
    }

    void unknownIdIsNotFound()
    {
        Preset p;
        p.id = u"untouched"_s;
        QVERIFY(!findPreset(u"animatediff-9000"_s, &p));
        QVERIFY(!findPreset(QString(), &p));
        QCOMPARE(p.id, u"untouched"_s);
        QVERIFY(findPreset(u"svd-14"_s, nullptr));
    }

    void applyingKeepsWhatThePersonChose()
    {
        GenerationRequest current = defaultRequest(Kind::AnimateDiff);
        current.prompt = u"my own prompt"_s;
        current.negativePrompt = u"my own negative"_s;
        current.seed = 18446744073709551615ULL;
        current.format = OutputFormat::Webm;
        current.crf = 30;
        current.checkpoint = u"dreamshaper_8.safetensors"_s;
        current.motionModule = u"v3_sd15_mm.ckpt"_s;
        current.frames = 20;

        Preset loop;
        QVERIFY(findPreset(u"animatediff-48-loop"_s, &loop));
        const GenerationRequest r = applyPreset(loop, current);
        QCOMPARE(r.prompt, current.prompt);
        QCOMPARE(r.negativePrompt, current.negativePrompt);
        QCOMPARE(r.seed, current.seed);
        QCOMPARE(r.format, OutputFormat::Webm);
        QCOMPARE(r.crf, 30);
        QCOMPARE(r.checkpoint, current.checkpoint);
        QCOMPARE(r.motionModule, current.motionModule);
        QCOMPARE(r.frames, 48);
        QVERIFY(r.closedLoop);
        QCOMPARE(r.contextSchedule, ContextSchedule::LoopedUniform);
    }

    void applyingFillsAnEmptyPrompt()
    {
        Preset quick;
        QVERIFY(findPreset(u"animatediff-16-quick"_s, &quick));
        const GenerationRequest r = applyPreset(quick, defaultRequest(Kind::AnimateDiff));
        QCOMPARE(r.prompt, quick.request.prompt);
        QCOMPARE(validate(r), FieldProblems{});
    }

    void applyingAcrossKindsDropsModels()
    {
        GenerationRequest current = defaultRequest(Kind::AnimateDiff);
        current.checkpoint = u"dreamshaper_8.safetensors"_s;
        current.referenceImage = m_image;
        Preset svd;
        QVERIFY(findPreset(u"svd-xt-25"_s, &svd));
        const GenerationRequest r = applyPreset(svd, current);
        QCOMPARE(r.kind, Kind::Svd);
        QVERIFY(r.checkpoint.isEmpty()); // an SD1.5 checkpoint cannot run SVD
        QCOMPARE(r.referenceImage, m_image);
        QCOMPARE(validate(r), FieldProblems{});
    }

    void svdCheckpointFollowsTheFrameCount()
    {
        GenerationRequest current = defaultRequest(Kind::Svd);
        current.checkpoint = u"svd.safetensors"_s;
        Preset xt;
        QVERIFY(findPreset(u"svd-xt-25"_s, &xt));
        QVERIFY(applyPreset(xt, current).checkpoint.isEmpty());
        Preset short14;
        QVERIFY(findPreset(u"svd-14"_s, &short14));
        QCOMPARE(applyPreset(short14, current).checkpoint, u"svd.safetensors"_s);
        current.checkpoint = u"svd_xt_1_1.safetensors"_s;
        QCOMPARE(applyPreset(xt, current).checkpoint, u"svd_xt_1_1.safetensors"_s);
    }
};

QTEST_GUILESS_MAIN(TestPresets)
#include "tst_presets.moc"
