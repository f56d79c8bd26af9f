#include "request/lighter.h"
#include "request/validation.h"

#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace comfyvideo::request;
using namespace Qt::StringLiterals;

namespace {

GenerationRequest validAnimateDiff()
{
    GenerationRequest request = defaultRequest(Kind::AnimateDiff);
    request.prompt = u"a lighthouse in a storm"_s;
    request.checkpoint = u"dreamshaper_8.safetensors"_s;
    request.motionModule = u"mm_sd_v15_v2.ckpt"_s;
    return request;
}

} // namespace

class TestLighter : public QObject
{
    Q_OBJECT

private slots:
    void animateDiffHalvesFrames();
    void animateDiffKeepsContextWithinFrames();
    void animateDiffAtMinimumFramesShrinksSize();
    void animateDiffAtFloorHasNothingLighter();
    void svdShrinksSizeFirst();
    void svdAtFloorHalvesFrames();
    void svdAtFloorAndMinimumFramesHasNothingLighter();
    void lighterRequestsStayValid_data();
    void lighterRequestsStayValid();
    void descriptionIsOptional();

private:
    QTemporaryDir m_dir;
};

void TestLighter::animateDiffHalvesFrames()
{
    GenerationRequest request = defaultRequest(Kind::AnimateDiff);
    request.frames = 32;
    QString description;
    const auto lighter = lighterRequest(request, &description);
    QVERIFY(lighter);
    QCOMPARE(lighter->frames, 16);
    QCOMPARE(lighter->width, request.width);
    QCOMPARE(lighter->height, request.height);
    QCOMPARE(description, u"16 frames instead of 32");
    // Everything else is the same request.
    GenerationRequest expected = request;
    expected.frames = 16;
    QCOMPARE(*lighter, expected);
}

void TestLighter::animateDiffKeepsContextWithinFrames()
{
    GenerationRequest request = validAnimateDiff();
    request.frames = 20;
    request.contextLength = 16;
    request.contextOverlap = 12;
    QVERIFY(validate(request).isEmpty());
    const auto lighter = lighterRequest(request);
    QVERIFY(lighter);
    QCOMPARE(lighter->frames, 10);
    QCOMPARE(lighter->contextLength, 10);
    QVERIFY(lighter->contextOverlap < lighter->contextLength);
    QVERIFY(validate(*lighter).isEmpty());

    request.frames = 9; // halving would go below 8: clamped
    const auto clamped = lighterRequest(request);
    QVERIFY(clamped);
    QCOMPARE(clamped->frames, limits::AnimateDiffMinFrames);
    QCOMPARE(clamped->contextLength, limits::AnimateDiffMinFrames);
}

void TestLighter::animateDiffAtMinimumFramesShrinksSize()
{
    GenerationRequest request = defaultRequest(Kind::AnimateDiff);
    request.frames = 8;
    request.width = 512;
    request.height = 512;
    QString description;
    const auto lighter = lighterRequest(request, &description);
    QVERIFY(lighter);
    QCOMPARE(lighter->frames, 8);
    QCOMPARE(lighter->width, 384);
    QCOMPARE(lighter->height, 384);
    QCOMPARE(description, u"384×384 instead of 512×512");

    // Next step: 288 (3/4 of 384), then the 256 floor.
    const auto second = lighterRequest(*lighter);
    QVERIFY(second);
    QCOMPARE(second->width, 288);
    const auto third = lighterRequest(*second);
    QVERIFY(third);
    QCOMPARE(third->width, 256);
    QCOMPARE(third->height, 256);
    QVERIFY(!lighterRequest(*third));
}

void TestLighter::animateDiffAtFloorHasNothingLighter()
{
    GenerationRequest request = defaultRequest(Kind::AnimateDiff);
    request.frames = 8;
    request.width = 256;
    request.height = 256;
    QString description = u"untouched"_s;
    QVERIFY(!lighterRequest(request, &description));
    QCOMPARE(description, u"untouched");
}

void TestLighter::svdShrinksSizeFirst()
{
    GenerationRequest request = defaultRequest(Kind::Svd);
    QCOMPARE(request.width, 1024);
    QCOMPARE(request.height, 576);
    const int frames = request.frames;
    QString description;
    const auto lighter = lighterRequest(request, &description);
    QVERIFY(lighter);
    QCOMPARE(lighter->width, 768);
    QCOMPARE(lighter->height, 432);
    QCOMPARE(lighter->frames, frames);
    QCOMPARE(description, u"768×432 instead of 1024×576");
    QCOMPARE(lighter->width % 8, 0);
    QCOMPARE(lighter->height % 8, 0);
}

void TestLighter::svdAtFloorHalvesFrames()
{
    GenerationRequest request = defaultRequest(Kind::Svd);
    request.width = 256;
    request.height = 256;
    request.frames = 25;
    QString description;
    const auto lighter = lighterRequest(request, &description);
    QVERIFY(lighter);
    QCOMPARE(lighter->frames, 12);
    QCOMPARE(lighter->width, 256);
    QCOMPARE(description, u"12 frames instead of 25");

    const auto again = lighterRequest(*lighter);
    QVERIFY(again);
    QCOMPARE(again->frames, 8); // 6 would be below the floor of 8
}

void TestLighter::svdAtFloorAndMinimumFramesHasNothingLighter()
{
    GenerationRequest request = defaultRequest(Kind::Svd);
    request.width = 256;
    request.height = 256;
    request.frames = 8;
    QVERIFY(!lighterRequest(request));
    request.frames = 4; // already below the floor: never raised
    QVERIFY(!lighterRequest(request));
}

void TestLighter::lighterRequestsStayValid_data()
{
    QTest::addColumn<GenerationRequest>("request");
    const GenerationRequest animate = validAnimateDiff();
    for (int frames : {128, 64, 33, 17, 16, 12, 8}) {
        GenerationRequest r = animate;
        r.frames = frames;
        r.contextLength = 16;
        r.contextOverlap = 4;
        QTest::addRow("animatediff-%d", frames) << r;
    }
    GenerationRequest wide = animate;
    wide.width = 1024;
    wide.height = 576;
    wide.frames = 8;
    QTest::addRow("animatediff-wide") << wide;
    GenerationRequest overlap = animate;
    overlap.frames = 24;
    overlap.contextLength = 24;
    overlap.contextOverlap = 20;
    QTest::addRow("animatediff-big-overlap") << overlap;

    QVERIFY(m_dir.isValid());
    const QString image = m_dir.filePath(u"start.png"_s);
    QImage picture(1024, 576, QImage::Format_RGB32);
    picture.fill(Qt::darkCyan);
    QVERIFY(picture.save(image));
    GenerationRequest svd = defaultRequest(Kind::Svd);
    svd.checkpoint = u"svd_xt.safetensors"_s;
    svd.referenceImage = image;
    QTest::addRow("svd-xt") << svd;
    svd.frames = 14;
    svd.width = 512;
    svd.height = 288;
    QTest::addRow("svd-small") << svd;
}

// Every step down a chain of lighter requests validates clean when the first one did, and the
// chain ends (each step computes less).
void TestLighter::lighterRequestsStayValid()
{
    QFETCH(GenerationRequest, request);
    QVERIFY2(validate(request).isEmpty(), qPrintable(formatProblems(validate(request))));
    int steps = 0;
    std::optional<GenerationRequest> current = request;
    while ((current = lighterRequest(*current))) {
        QVERIFY2(validate(*current).isEmpty(), qPrintable(formatProblems(validate(*current))));
        QVERIFY(current->contextLength <= current->frames);
        QVERIFY(current->width >= 256 && current->height >= 256);
        QVERIFY(++steps < 50);
    }
    QVERIFY(steps > 0);
}

void TestLighter::descriptionIsOptional()
{
    GenerationRequest request = defaultRequest(Kind::AnimateDiff);
    request.frames = 32;
    const auto lighter = lighterRequest(request, nullptr);
    QVERIFY(lighter);
    QCOMPARE(lighter->frames, 16);
}

QTEST_GUILESS_MAIN(TestLighter)
#include "tst_lighter.moc"
