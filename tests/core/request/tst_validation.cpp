#include "markingtranslator.h"
#include "request/validation.h"
#include "testimages.h"
#include "validationrules.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

#include <limits>

using namespace comfyvideo::request;
using namespace validationrules;
using namespace Qt::StringLiterals;

namespace {

QStringList fieldsOf(const FieldProblems &problems)
{
    QStringList fields;
    for (const FieldProblem &p : problems)
        fields.append(p.field);
    return fields;
}

} // namespace

class TestValidation : public QObject
{
    Q_OBJECT

private:
    GenerationRequest validRequest(Kind kind) const
    {
        GenerationRequest r = defaultRequest(kind);
        r.prompt = u"a red fox running through snow"_s;
        r.referenceImage = m_goodImage;
        return r;
    }

    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    QString m_goodImage;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_goodImage = path(u"start frame.png"_s);
        QVERIFY(testimages::writeImage(m_goodImage, 1024, 576, "PNG"));
    }

    void validRequestsHaveNoProblems()
    {
        QCOMPARE(validate(validRequest(Kind::AnimateDiff)), FieldProblems{});
        QCOMPARE(validate(validRequest(Kind::Svd)), FieldProblems{});
    }

    void everyRuleNamesItsField_data()
    {
        QTest::addColumn<int>("index");
        const QList<Rule> all = rules();
        for (int i = 0; i < all.size(); ++i)
            QTest::newRow(all[i].name) << i;
    }

    void everyRuleNamesItsField()
    {
        QFETCH(int, index);
        const Rule rule = rules().at(index);
        GenerationRequest r = validRequest(rule.kind);
        rule.change(r);
        const FieldProblems problems = validate(r);
        QCOMPARE(problems.size(), 1);
        QCOMPARE(problems.first().field, rule.field);
        QVERIFY2(problems.first().message.contains(rule.fragment),
                 qPrintable(problems.first().message));
    }

    void edgesAreAccepted_data()
    {
        QTest::addColumn<int>("index");
        const QList<Rule> all = validEdges();
        for (int i = 0; i < all.size(); ++i)
            QTest::newRow(all[i].name) << i;
    }

    void edgesAreAccepted()
    {
        QFETCH(int, index);
        const Rule rule = validEdges().at(index);
        GenerationRequest r = validRequest(rule.kind);
        rule.change(r);
        const FieldProblems problems = validate(r);
        QVERIFY2(problems.isEmpty(), qPrintable(formatProblems(problems)));
    }

    void reportsEveryProblemAtOnce()
    {
        GenerationRequest r = validRequest(Kind::AnimateDiff);
        r.prompt.clear();
        r.frames = 129;
        r.cfg = NaN;
        r.width = 513;
        r.height = 0;
        r.crf = 52;
        r.contextOverlap = 16;
        const FieldProblems problems = validate(r);
        QCOMPARE(fieldsOf(problems),
                 (QStringList{u"prompt"_s,
                              u"frames"_s,
                              u"cfg"_s,
                              u"width"_s,
                              u"height"_s,
                              u"crf"_s,
                              u"contextOverlap"_s}));
        for (const FieldProblem &p : problems)
            QVERIFY(!p.message.isEmpty());
    }

    void reportsEverySvdProblemAtOnce()
    {
        GenerationRequest r = validRequest(Kind::Svd);
        r.frames = 0;
        r.referenceImage = path(u"nowhere.png"_s);
        r.motionBucketId = 0;
        r.augmentationLevel = 11;
        r.conditioningFps = 0;
        QCOMPARE(fieldsOf(validate(r)),
                 (QStringList{u"frames"_s,
                              u"referenceImage"_s,
                              u"motionBucketId"_s,
                              u"augmentationLevel"_s,
                              u"conditioningFps"_s}));
    }

    void svdIgnoresAnimateDiffFields()
    {
        GenerationRequest r = validRequest(Kind::Svd);
        r.prompt.clear();
        r.betaSchedule.clear();
        r.contextLength = 0;
        r.contextOverlap = -3;
        r.contextStride = 99;
        r.closedLoop = true;
        QCOMPARE(validate(r), FieldProblems{});
    }

    void animateDiffIgnoresSvdFields()
    {
        GenerationRequest r = validRequest(Kind::AnimateDiff);
        r.referenceImage.clear();
        r.motionBucketId = 0;
        r.augmentationLevel = NaN;
        r.minCfg = -5;
        r.conditioningFps = 0;
        QCOMPARE(validate(r), FieldProblems{});
    }

    void svdValidationChecksTheImage()
    {
        GenerationRequest r = validRequest(Kind::Svd);
        r.referenceImage = path(u"svd-text.png"_s);
        QVERIFY(testimages::writeBytes(r.referenceImage, "not an image"));
        const FieldProblems problems = validate(r);
        QCOMPARE(problems, validateReferenceImage(r.referenceImage));
    }

    void seedsParse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<quint64>("seed");
        QTest::newRow("zero") << u"0"_s << quint64(0);
        QTest::newRow("ordinary") << u"123456789"_s << quint64(123456789);
        QTest::newRow("spaces") << u"  42 \n"_s << quint64(42);
        QTest::newRow("leading zeros") << u"007"_s << quint64(7);
        QTest::newRow("2^63") << u"9223372036854775808"_s << quint64(9223372036854775808ULL);
        QTest::newRow("largest") << u"18446744073709551615"_s
                                 << std::numeric_limits<quint64>::max();
    }

    void seedsParse()
    {
        QFETCH(QString, text);
        QFETCH(quint64, seed);
        quint64 out = 1;
        QString error = u"untouched"_s;
        QVERIFY(parseSeed(text, &out, &error));
        QCOMPARE(out, seed);
        QCOMPARE(error, u"untouched"_s);
    }

    void badSeedsAreRefused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("2^64") << u"18446744073709551616"_s << u"too large"_s;
        QTest::newRow("way too large") << u"99999999999999999999999"_s << u"too large"_s;
        QTest::newRow("-1") << u"-1"_s << u"cannot be negative"_s;
        QTest::newRow("abc") << u"abc"_s << u"not a whole number"_s;
        QTest::newRow("fraction") << u"1.5"_s << u"not a whole number"_s;
        QTest::newRow("plus sign") << u"+5"_s << u"not a whole number"_s;
        QTest::newRow("hex") << u"0x10"_s << u"not a whole number"_s;
        QTest::newRow("inner space") << u"12 34"_s << u"not a whole number"_s;
        QTest::newRow("empty") << QString() << u"Enter a seed"_s;
        QTest::newRow("blank") << u"   "_s << u"Enter a seed"_s;
    }

    void badSeedsAreRefused()
    {
        QFETCH(QString, text);
        QFETCH(QString, fragment);
        quint64 out = 77;
        QString error;
        QVERIFY(!parseSeed(text, &out, &error));
        QCOMPARE(out, quint64(77));
        QVERIFY2(error.contains(fragment), qPrintable(error));
        QVERIFY2(error.contains(u"18446744073709551615"_s), qPrintable(error));
        QVERIFY(!parseSeed(text, nullptr, nullptr)); // optional outputs
    }

    void problemsFormatAsLines()
    {
        const FieldProblems problems{{u"frames"_s, u"Too many."_s}, {QString(), u"Broken."_s}};
        QCOMPARE(formatProblems(problems), u"frames: Too many.\nBroken."_s);
        QCOMPARE(formatProblems({}), QString());
    }

    void messagesAreTranslatable()
    {
        MarkingTranslator translator("RequestValidation");
        QVERIFY(QCoreApplication::installTranslator(&translator));
        GenerationRequest r = validRequest(Kind::Svd);
        r.frames = 0;
        r.referenceImage.clear();
        const FieldProblems problems = validate(r);
        QString seedError;
        parseSeed(u"-1"_s, nullptr, &seedError);
        QCoreApplication::removeTranslator(&translator);
        QCOMPARE(problems.size(), 2);
        for (const FieldProblem &p : problems)
            QVERIFY2(p.message.startsWith(u"[xx] "_s), qPrintable(p.message));
        QVERIFY(seedError.startsWith(u"[xx] "_s));
    }
};

QTEST_GUILESS_MAIN(TestValidation)
#include "tst_validation.moc"
