#include "jobs/outputname.h"

#include <QTest>

using namespace comfyvideo;

class tst_OutputName : public QObject
{
    Q_OBJECT
private slots:
    void slug_data();
    void slug();
    void baseName();
};

void tst_OutputName::slug_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("slug");
    QTest::newRow("plain") << QStringLiteral("A cat, walking!") << QStringLiteral("a-cat-walking");
    QTest::newRow("accents") << QStringLiteral("Café crème") << QStringLiteral("cafe-creme");
    QTest::newRow("path tricks") << QStringLiteral("../../etc/passwd")
                                 << QStringLiteral("etc-passwd");
    QTest::newRow("only symbols") << QStringLiteral("日本 ★") << QString();
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("long, at a word")
            << QStringLiteral("a very long prompt about a lighthouse in a storm at night")
            << QStringLiteral("a-very-long-prompt-about-a-lighthouse-in");
    QTest::newRow("long, one word")
            << QString(60, QLatin1Char('x')) << QString(40, QLatin1Char('x'));
}

void tst_OutputName::slug()
{
    QFETCH(QString, text);
    QFETCH(QString, slug);
    const QString made = jobs::promptSlug(text);
    QCOMPARE(made, slug);
    QVERIFY(made.size() <= 40);
    for (QChar c : made)
        QVERIFY((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-');
}

void tst_OutputName::baseName()
{
    storage::JobRecord job;
    job.id = 42;
    job.request.kind = request::Kind::AnimateDiff;
    job.request.prompt = QStringLiteral("Cat on a boat");
    const QDateTime when(QDate(2026, 11, 24), QTime(9, 5, 7));
    QCOMPARE(jobs::outputBaseName(job, when),
             QStringLiteral("20261124-090507_animatediff_cat-on-a-boat_42"));
    job.request.kind = request::Kind::Svd;
    job.request.prompt.clear();
    job.request.referenceImage = QStringLiteral("/home/me/Pictures/My Dog.png");
    QCOMPARE(jobs::outputBaseName(job, when), QStringLiteral("20261124-090507_svd_my-dog_42"));
    job.request.referenceImage.clear();
    QCOMPARE(jobs::outputBaseName(job, when), QStringLiteral("20261124-090507_svd_video_42"));
}

QTEST_GUILESS_MAIN(tst_OutputName)
#include "tst_outputname.moc"
