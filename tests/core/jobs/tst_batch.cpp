#include "jobs/batch.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <limits>

using namespace comfyvideo;
using jobs::BatchSpec;
using jobs::SeedRange;
using request::GenerationRequest;
using request::Kind;

namespace {

GenerationRequest animateDiff()
{
    GenerationRequest request = request::defaultRequest(Kind::AnimateDiff);
    request.prompt = QStringLiteral("a cat");
    return request;
}

QList<quint64> seedsOf(const jobs::Batch &batch)
{
    QList<quint64> seeds;
    for (const GenerationRequest &request : batch.requests)
        seeds << request.seed;
    return seeds;
}

// A deterministic "random" source: 1000, 1001, ...
jobs::SeedGenerator counter()
{
    return [next = quint64(1000)]() mutable {
        return next++;
    };
}

constexpr quint64 MaxSeed = std::numeric_limits<quint64>::max();

} // namespace

class TestBatch : public QObject
{
    Q_OBJECT

private slots:
    void countFromGivenSeedIsConsecutive()
    {
        BatchSpec spec;
        spec.seed = 41;
        spec.count = 3;
        const auto batch = jobs::expandBatch(animateDiff(), spec, counter());
        QVERIFY(batch);
        QCOMPARE(seedsOf(*batch), (QList<quint64>{41, 42, 43}));
        for (const GenerationRequest &request : batch->requests) {
            QCOMPARE(request.prompt, QStringLiteral("a cat"));
            QCOMPARE(request.frames, 16);
        }
        QCOMPARE(batch->label, QStringLiteral("seeds 41-43"));
    }

    void countWithoutSeedDrawsOneSeedPerJob()
    {
        BatchSpec spec;
        spec.count = 3;
        const auto batch = jobs::expandBatch(animateDiff(), spec, counter());
        QVERIFY(batch);
        QCOMPARE(seedsOf(*batch), (QList<quint64>{1000, 1001, 1002}));
        QCOMPARE(batch->label, QStringLiteral("3 random seeds"));
    }

    void systemRandomSeedsDiffer()
    {
        BatchSpec spec;
        spec.count = 4;
        const auto batch = jobs::expandBatch(animateDiff(), spec);
        QVERIFY(batch);
        const QList<quint64> seeds = seedsOf(*batch);
        QCOMPARE(QSet<quint64>(seeds.begin(), seeds.end()).size(), 4);
    }

    void singleJobWithoutSeedIsRandom()
    {
        const auto batch = jobs::expandBatch(animateDiff(), BatchSpec{}, counter());
        QVERIFY(batch);
        QCOMPARE(seedsOf(*batch), QList<quint64>{1000});
    }

    void singleJobKeepsGivenSeed()
    {
        BatchSpec spec;
        spec.seed = MaxSeed;
        const auto batch = jobs::expandBatch(animateDiff(), spec, counter());
        QVERIFY(batch);
        QCOMPARE(seedsOf(*batch), QList<quint64>{MaxSeed});
    }

    void countNeverWrapsPastTheLargestSeed()
    {
        BatchSpec spec;
        spec.seed = MaxSeed - 1;
        spec.count = 2;
        auto batch = jobs::expandBatch(animateDiff(), spec, counter());
        QVERIFY(batch);
        QCOMPARE(seedsOf(*batch), (QList<quint64>{MaxSeed - 1, MaxSeed}));
        spec.count = 3;
        batch = jobs::expandBatch(animateDiff(), spec, counter());
        QVERIFY(!batch);
        QVERIFY2(batch.error().join(u'\n').contains(QStringLiteral("largest seed")),
                 qPrintable(batch.error().join(u'\n')));
    }

    void countOutOfRange_data()
    {
        QTest::addColumn<int>("count");
        QTest::newRow("zero") << 0;
        QTest::newRow("negative") << -3;
        QTest::newRow("too many") << jobs::MaxBatchJobs + 1;
    }

    void countOutOfRange()
    {
        QFETCH(int, count);
        BatchSpec spec;
        spec.count = count;
        const auto batch = jobs::expandBatch(animateDiff(), spec, counter());
        QVERIFY(!batch);
        QVERIFY(batch.error().constFirst().startsWith(QStringLiteral("count:")));
    }

    void maximumCountIsAccepted()
    {
        BatchSpec spec;
        spec.count = jobs::MaxBatchJobs;
        const auto batch = jobs::expandBatch(animateDiff(), spec, counter());
        QVERIFY(batch);
        QCOMPARE(batch->requests.size(), jobs::MaxBatchJobs);
    }

    void seedRanges_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<quint64>("first");
        QTest::addColumn<quint64>("last");
        QTest::addColumn<QString>("error");
        QTest::newRow("plain") << "5-9" << true << quint64(5) << quint64(9) << "";
        QTest::newRow("spaces") << " 5 - 9 " << true << quint64(5) << quint64(9) << "";
        QTest::newRow("one seed") << "7-7" << true << quint64(7) << quint64(7) << "";
        QTest::newRow("top of range") << "18446744073709551610-18446744073709551615" << true
                                      << MaxSeed - 5 << MaxSeed << "";
        QTest::newRow("backwards") << "9-5" << false << quint64(0) << quint64(0) << "backwards";
        QTest::newRow("no dash") << "5" << false << quint64(0) << quint64(0) << "FIRST-LAST";
        QTest::newRow("negative") << "-1-5" << false << quint64(0) << quint64(0) << "negative";
        QTest::newRow("overflow") << "1-18446744073709551616" << false << quint64(0) << quint64(0)
                                  << "too large";
        QTest::newRow("letters") << "a-b" << false << quint64(0) << quint64(0) << "not a whole";
        QTest::newRow("empty end") << "5-" << false << quint64(0) << quint64(0) << "Enter a seed";
        QTest::newRow("too many") << "0-10000" << false << quint64(0) << quint64(0)
                                  << "more than 10000 jobs";
        QTest::newRow("just enough") << "1-10000" << true << quint64(1) << quint64(10000) << "";
        QTest::newRow("huge span") << "0-18446744073709551615" << false << quint64(0) << quint64(0)
                                   << "more than 10000 jobs";
    }

    void seedRanges()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        const auto range = jobs::parseSeedRange(text);
        QCOMPARE(bool(range), ok);
        if (ok) {
            QFETCH(quint64, first);
            QFETCH(quint64, last);
            QCOMPARE(*range, (SeedRange{first, last}));
        } else {
            QFETCH(QString, error);
            QVERIFY2(range.error().startsWith(QStringLiteral("seeds:")), qPrintable(range.error()));
            QVERIFY2(range.error().contains(error), qPrintable(range.error()));
        }
    }

    void seedRangeExpandsInclusive()
    {
        BatchSpec spec;
        spec.seeds = SeedRange{5, 9};
        const auto batch = jobs::expandBatch(animateDiff(), spec, counter());
        QVERIFY(batch);
        QCOMPARE(seedsOf(*batch), (QList<quint64>{5, 6, 7, 8, 9}));
        QCOMPARE(batch->label, QStringLiteral("seeds 5-9"));
    }

    void seedRangeAtTheTopDoesNotLoopForever()
    {
        BatchSpec spec;
        spec.seeds = SeedRange{MaxSeed - 1, MaxSeed};
        const auto batch = jobs::expandBatch(animateDiff(), spec, counter());
        QVERIFY(batch);
        QCOMPARE(seedsOf(*batch), (QList<quint64>{MaxSeed - 1, MaxSeed}));
    }

    void conflictingSpecsReportEveryProblem()
    {
        BatchSpec spec;
        spec.seed = 1;
        spec.count = 2;
        spec.seeds = SeedRange{3, 1};
        const auto batch = jobs::expandBatch(animateDiff(), spec, counter());
        QVERIFY(!batch);
        QCOMPARE(batch.error().size(), 3);
    }

    void promptsReplaceThePrompt()
    {
        BatchSpec spec;
        spec.prompts = QStringList{QStringLiteral("a dog"), QStringLiteral("a fox")};
        spec.promptsSource = QStringLiteral("ideas.txt");
        spec.seed = 7;
        const auto batch = jobs::expandBatch(animateDiff(), spec, counter());
        QVERIFY(batch);
        QCOMPARE(batch->requests.size(), 2);
        QCOMPARE(batch->requests[0].prompt, QStringLiteral("a dog"));
        QCOMPARE(batch->requests[1].prompt, QStringLiteral("a fox"));
        QCOMPARE(seedsOf(*batch), (QList<quint64>{7, 7}));
        QCOMPARE(batch->label, QStringLiteral("2 prompts from ideas.txt × seed 7"));
    }

    void promptsTimesSeeds()
    {
        BatchSpec spec;
        spec.prompts = QStringList{QStringLiteral("a dog"), QStringLiteral("a fox")};
        spec.seeds = SeedRange{1, 3};
        const auto batch = jobs::expandBatch(animateDiff(), spec, counter());
        QVERIFY(batch);
        QCOMPARE(seedsOf(*batch), (QList<quint64>{1, 2, 3, 1, 2, 3}));
        QCOMPARE(batch->requests[2].prompt, QStringLiteral("a dog"));
        QCOMPARE(batch->requests[3].prompt, QStringLiteral("a fox"));
    }

    void promptsTimesSeedsLimited()
    {
        BatchSpec spec;
        spec.prompts = QStringList(101, QStringLiteral("x"));
        spec.count = 100;
        const auto batch = jobs::expandBatch(animateDiff(), spec, counter());
        QVERIFY(!batch);
        QVERIFY(batch.error().constFirst().contains(QStringLiteral("10100 jobs")));
    }

    void promptsRefusedForSvd()
    {
        BatchSpec spec;
        spec.prompts = QStringList{QStringLiteral("a dog")};
        const auto batch = jobs::expandBatch(request::defaultRequest(Kind::Svd), spec, counter());
        QVERIFY(!batch);
        QVERIFY(batch.error().constFirst().startsWith(QStringLiteral("prompts:")));
    }

    void parsePromptsSkipsCommentsAndBlanks()
    {
        const QByteArray text = "\xEF\xBB\xBF# my ideas\r\n"
                                "a cat on a roof\r\n"
                                "\n"
                                "   \t \n"
                                "  # indented comment\n"
                                "  a dog in the rain  \n"
                                "\\#hashtag sunset\n"
                                "caf\xC3\xA9 at night"; // no final newline
        const auto prompts = jobs::parsePrompts(text, QStringLiteral("ideas.txt"));
        QVERIFY2(prompts, qPrintable(prompts ? QString() : prompts.error()));
        QCOMPARE(*prompts,
                 (QStringList{QStringLiteral("a cat on a roof"),
                              QStringLiteral("a dog in the rain"),
                              QStringLiteral("#hashtag sunset"),
                              QStringLiteral("café at night")}));
    }

    void parsePromptsNamesTheLongLine()
    {
        QByteArray text = "ok\n# comment\n";
        text += QByteArray(jobs::MaxPromptLength, 'a') + '\n'; // line 3: exactly the limit
        text += QByteArray(jobs::MaxPromptLength + 1, 'b') + '\n';
        const auto prompts = jobs::parsePrompts(text, QStringLiteral("p.txt"));
        QVERIFY(!prompts);
        QVERIFY2(prompts.error().startsWith(QStringLiteral("p.txt, line 4:")),
                 qPrintable(prompts.error()));
        QVERIFY(prompts.error().contains(QString::number(jobs::MaxPromptLength + 1)));
    }

    void parsePromptsRefusesInvalidUtf8()
    {
        const auto prompts = jobs::parsePrompts("fine\nbad \xFF\xFE here\n", QStringLiteral("p"));
        QVERIFY(!prompts);
        QVERIFY2(prompts.error().startsWith(QStringLiteral("p, line 2:")),
                 qPrintable(prompts.error()));
        QVERIFY(prompts.error().contains(QStringLiteral("UTF-8")));
    }

    void parsePromptsLimits()
    {
        QByteArray many;
        for (int i = 0; i <= jobs::MaxBatchJobs; ++i)
            many += "p" + QByteArray::number(i) + '\n';
        auto prompts = jobs::parsePrompts(many, QStringLiteral("many"));
        QVERIFY(!prompts);
        QVERIFY2(prompts.error().contains(QStringLiteral("line 10001")),
                 qPrintable(prompts.error()));

        prompts = jobs::parsePrompts("# only\n\n", QStringLiteral("empty.txt"));
        QVERIFY(!prompts);
        QVERIFY(prompts.error().contains(QStringLiteral("no prompt")));
    }

    void readPromptsFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("ideas.txt"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("one\ntwo\n");
        file.close();
        const auto prompts = jobs::readPromptsFile(path);
        QVERIFY(prompts);
        QCOMPARE(*prompts, (QStringList{QStringLiteral("one"), QStringLiteral("two")}));

        auto missing = jobs::readPromptsFile(dir.filePath(QStringLiteral("nope.txt")));
        QVERIFY(!missing);
        QVERIFY(missing.error().contains(QStringLiteral("nope.txt")));
        auto folder = jobs::readPromptsFile(dir.path());
        QVERIFY(!folder);
        QVERIFY(folder.error().contains(QStringLiteral("folder")));
    }
};

QTEST_GUILESS_MAIN(TestBatch)
#include "tst_batch.moc"
