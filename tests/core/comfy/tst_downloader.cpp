// Downloader against comfyui-sim: whole files, Range resume after cut transfers, the size cap,
// temporary names, and server-reported names that must never become local paths.
#include "clienttestutil.h"
#include "comfy/downloader.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>

using namespace comfyvideo;
using namespace comfyvideo::comfy;
using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;

namespace {

QByteArray putOutput(const SimProcess &sim, const QString &name, qsizetype size)
{
    QByteArray data(size, '\0');
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char((i * 131 + i / 7) & 0xff);
    const QString dir = sim.dataDir() + u"/output"_s;
    QDir().mkpath(dir);
    QFile file(dir + u'/' + name);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != size)
        return {};
    return data;
}

Result<DownloadResult> download(const SimProcess &sim, DownloadRequest request)
{
    QNetworkAccessManager network;
    Downloader downloader(configFor(sim), nullptr, &network, std::move(request));
    std::optional<Result<DownloadResult>> result;
    QObject::connect(&downloader,
                     &Downloader::finished,
                     &downloader,
                     [&](const Result<DownloadResult> &r) { result = r; });
    downloader.start();
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 20000))
        return std::unexpected(Failure{Failure::Stage::Download, {}, 0, {}, {}, {}, u"timeout"_s});
    return *result;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

OutputFileRef ref(const QString &name)
{
    return {u"10"_s, u"gifs"_s, name, {}, u"output"_s, u"video/h264-mp4"_s};
}

QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
}

} // namespace

class TestDownloader : public QObject
{
    Q_OBJECT

private slots:
    void wholeFileUnderCallersName();
    void truncatedTransfersResumeWithRange();
    void sizeCapAbortsAndCleansUp();
    void missingFileFails();
    void unsafeLocalNames_data();
    void unsafeLocalNames();
    void hostileServerNames_data();
    void hostileServerNames();
};

void TestDownloader::wholeFileUnderCallersName()
{
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    const QByteArray data = putOutput(sim, u"AnimateDiff_00001.mp4"_s, 300000);
    QTemporaryDir out;
    const QString unicodeName = u"видео_🎬_日本.mp4"_s;
    const auto r = download(sim, {ref(u"AnimateDiff_00001.mp4"_s), out.path(), unicodeName});
    QVERIFY2(r, r ? "" : qPrintable(r.error().detail));
    QCOMPARE(r->path, QDir(out.path()).filePath(unicodeName));
    QCOMPARE(r->bytes, data.size());
    QCOMPARE(r->resumes, 0);
    QCOMPARE(r->contentType, u"video/mp4"_s);
    QCOMPARE(readAll(r->path), data);
    QCOMPARE(entries(out.path()), QStringList{unicodeName}); // no temporary left
}

void TestDownloader::truncatedTransfersResumeWithRange()
{
    SimProcess sim({u"--fault"_s, u"view-truncate:bytes=4000"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    const QByteArray data = putOutput(sim, u"clip.mp4"_s, 10000);
    QTemporaryDir out;
    const auto r = download(sim, {ref(u"clip.mp4"_s), out.path(), u"clip.mp4"_s});
    QVERIFY2(r, r ? "" : qPrintable(r.error().detail));
    QCOMPARE(r->resumes, 2); // 4000 + 4000 + 2000
    QCOMPARE(readAll(r->path), data);
    QCOMPARE(entries(out.path()), QStringList{u"clip.mp4"_s});
}

void TestDownloader::sizeCapAbortsAndCleansUp()
{
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    putOutput(sim, u"big.mp4"_s, 200000);
    QTemporaryDir out;
    DownloadRequest request{ref(u"big.mp4"_s), out.path(), u"big.mp4"_s};
    request.maxBytes = 50000;
    const auto r = download(sim, request);
    QVERIFY(!r);
    QCOMPARE(r.error().stage, Failure::Stage::Download);
    QVERIFY(r.error().detail.contains(u"cap"));
    QVERIFY(entries(out.path()).isEmpty());
}

void TestDownloader::missingFileFails()
{
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    QTemporaryDir out;
    const auto r = download(sim, {ref(u"nope.mp4"_s), out.path(), u"x.mp4"_s});
    QVERIFY(!r);
    QCOMPARE(r.error().httpStatus, 404);
    QVERIFY(entries(out.path()).isEmpty());
}

void TestDownloader::unsafeLocalNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("traversal") << u"../evil.mp4"_s;
    QTest::newRow("absolute") << u"/tmp/evil.mp4"_s;
    QTest::newRow("backslash") << u"..\\evil.mp4"_s;
    QTest::newRow("dotdot") << u".."_s;
    QTest::newRow("empty") << QString();
    QTest::newRow("300 chars") << QString(296, u'a') + u".mp4"_s;
    QTest::newRow("control") << u"a\nb.mp4"_s;
}

void TestDownloader::unsafeLocalNames()
{
    QFETCH(QString, name);
    QVERIFY(!Downloader::isSafeLocalName(name));
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    putOutput(sim, u"clip.mp4"_s, 1000);
    QTemporaryDir root;
    const QString out = root.path() + u"/out"_s;
    QVERIFY(QDir().mkpath(out));
    const auto r = download(sim, {ref(u"clip.mp4"_s), out, name});
    QVERIFY(!r);
    QCOMPARE(entries(root.path()), QStringList{u"out"_s});
    QVERIFY(entries(out).isEmpty());
}

// Names a hostile or buggy server reports are only query data: the server refuses them or
// serves its own file, and the local copy always has the caller's name.
void TestDownloader::hostileServerNames_data()
{
    QTest::addColumn<QString>("filename");
    QTest::addColumn<QString>("subfolder");
    QTest::newRow("traversal") << u"../../evil.mp4"_s << QString();
    QTest::newRow("absolute") << u"/etc/passwd.mp4"_s << QString();
    QTest::newRow("subfolder escape") << u"clip.mp4"_s << u"../../.."_s;
    QTest::newRow("long") << QString(296, u'a') + u".mp4"_s << QString();
    QTest::newRow("query chars") << u"clip.mp4&type=input#x"_s << QString();
}

void TestDownloader::hostileServerNames()
{
    QFETCH(QString, filename);
    QFETCH(QString, subfolder);
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    putOutput(sim, u"clip.mp4"_s, 1000);
    QTemporaryDir root;
    const QString out = root.path() + u"/out"_s;
    QVERIFY(QDir().mkpath(out));
    OutputFileRef file = ref(filename);
    file.subfolder = subfolder;
    const auto r = download(sim, {file, out, u"local.mp4"_s});
    QVERIFY(!r); // none of these names exists on the server
    QVERIFY(r.error().httpStatus >= 400);
    QCOMPARE(entries(root.path()), QStringList{u"out"_s});
    QVERIFY(entries(out).isEmpty());
}

QTEST_GUILESS_MAIN(TestDownloader)
#include "tst_downloader.moc"
