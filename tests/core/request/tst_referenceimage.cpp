#include "request/validation.h"
#include "testimages.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QImageReader>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

using namespace comfyvideo::request;
using namespace Qt::StringLiterals;

// validateReferenceImage(): every verdict comes from the file system and the image header.
class TestReferenceImage : public QObject
{
    Q_OBJECT

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void goodImagesPass_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("fileName");
        QTest::newRow("png") << u"PNG"_s << u"a.png"_s;
        QTest::newRow("bmp") << u"BMP"_s << u"a.bmp"_s;
        QTest::newRow("jpeg without suffix") << u"JPEG"_s << u"camera-upload"_s;
        QTest::newRow("png named .jpg") << u"PNG"_s << u"mislabelled.jpg"_s;
        QTest::newRow("smallest") << u"PNG"_s << u"16.png"_s;
    }

    void goodImagesPass()
    {
        QFETCH(QString, format);
        QFETCH(QString, fileName);
        if (!QImageReader::supportedImageFormats().contains(format.toLower().toLatin1()))
            QSKIP("This Qt has no plugin for the format");
        const int side = fileName == u"16.png"_s ? 16 : 320;
        QVERIFY(testimages::writeImage(path(fileName), side, side, format.toLatin1().constData()));
        QCOMPARE(validateReferenceImage(path(fileName)), FieldProblems{});
    }

    void missingEmptyOrFolderIsRefused()
    {
        const FieldProblems none = validateReferenceImage(QString());
        QCOMPARE(none.size(), 1);
        QCOMPARE(none.first().field, u"referenceImage"_s);

        const QString missing = path(u"missing.png"_s);
        const FieldProblems absent = validateReferenceImage(missing);
        QCOMPARE(absent.size(), 1);
        QVERIFY(absent.first().message.contains(QDir::toNativeSeparators(missing)));
        QVERIFY(absent.first().message.contains(u"does not exist"_s));

        const FieldProblems folder = validateReferenceImage(m_dir.path());
        QCOMPARE(folder.size(), 1);
        QVERIFY(folder.first().message.contains(u"folder"_s));

        QVERIFY(testimages::writeBytes(path(u"empty.png"_s), {}));
        const FieldProblems empty = validateReferenceImage(path(u"empty.png"_s));
        QCOMPARE(empty.size(), 1);
        QVERIFY(empty.first().message.contains(u"empty"_s));
    }

    void textFileRenamedPngIsRefused()
    {
        const QString fake = path(u"holiday.png"_s);
        QVERIFY(testimages::writeBytes(fake, "These are my notes, not a picture.\n"));
        const FieldProblems problems = validateReferenceImage(fake);
        QCOMPARE(problems.size(), 1);
        QCOMPARE(problems.first().field, u"referenceImage"_s);
        QVERIFY(problems.first().message.contains(u"holiday.png is not a picture"_s));
        QVERIFY(problems.first().message.contains(u"PNG"_s));
    }

    void hugeHeaderIsRefusedFromTheHeader()
    {
        const QString huge = path(u"huge.png"_s);
        QVERIFY(testimages::writeBytes(huge, testimages::pngHeaderOnly(40000, 40000)));
        QVERIFY(QFileInfo(huge).size() < 100); // nothing beyond the header to decode
        QElapsedTimer timer;
        timer.start();
        const FieldProblems problems = validateReferenceImage(huge);
        const qint64 elapsedMs = timer.elapsed();
        QCOMPARE(problems.size(), 1);
        // The dimensions in the message can only come from the IHDR: the pixel data is missing.
        QVERIFY2(problems.first().message.contains(u"40000×40000"_s),
                 qPrintable(problems.first().message));
        QVERIFY2(problems.first().message.contains(u"8192"_s),
                 qPrintable(problems.first().message));
        QVERIFY2(elapsedMs < 5000, qPrintable(QString::number(elapsedMs)));
    }

    void dimensionLimits_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("8192 square") << 8192 << 8192 << true;
        QTest::newRow("8193 wide") << 8193 << 100 << false;
        QTest::newRow("8193 tall") << 100 << 8193 << false;
        QTest::newRow("16x16") << 16 << 16 << true;
        QTest::newRow("15 wide") << 15 << 600 << false;
    }

    void dimensionLimits()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(bool, accepted);
        const QString file = path(u"dims.png"_s);
        QVERIFY(testimages::writeBytes(file, testimages::pngHeaderOnly(width, height)));
        const FieldProblems problems = validateReferenceImage(file);
        QCOMPARE(problems.isEmpty(), accepted);
        if (!accepted)
            QVERIFY(problems.first().message.contains(u"%1×%2"_s.arg(width).arg(height)));
    }

    void tinyRealImageIsRefused()
    {
        QVERIFY(testimages::writeImage(path(u"icon.png"_s), 8, 8, "PNG"));
        const FieldProblems problems = validateReferenceImage(path(u"icon.png"_s));
        QCOMPARE(problems.size(), 1);
        QVERIFY(problems.first().message.contains(u"at least 16 pixels"_s));
    }

    void truncatedPngIsRefused()
    {
        QVERIFY(testimages::writeBytes(path(u"cut.png"_s), QByteArray("\x89PNG\r\n\x1a\n", 8)));
        const FieldProblems problems = validateReferenceImage(path(u"cut.png"_s));
        QCOMPARE(problems.size(), 1);
        QCOMPARE(problems.first().field, u"referenceImage"_s);
    }

    void oversizedFileIsRefusedBySize()
    {
        const QString big = path(u"big.png"_s);
        QVERIFY(testimages::writeBytes(big, testimages::pngHeaderOnly(640, 480)));
        QFile file(big);
        QVERIFY(file.resize(limits::MaxImageFileBytes + 1)); // sparse: no 100 MB written
        const FieldProblems problems = validateReferenceImage(big);
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.first().message.contains(u"is 100.1 MB; the limit is 100 MB"_s),
                 qPrintable(problems.first().message));
    }

    void formatComfyUiCannotLoadIsRefused()
    {
        QVERIFY(testimages::writeImage(path(u"frame.ppm"_s), 64, 64, "PPM"));
        const FieldProblems problems = validateReferenceImage(path(u"frame.ppm"_s));
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.first().message.contains(u"PPM"_s), qPrintable(problems.first().message));
        QVERIFY(!referenceImageFormats().contains(u"ppm"_s));
        QVERIFY(referenceImageFormats().contains(u"png"_s));
    }

    void specialFilesAreRefused()
    {
#ifdef Q_OS_UNIX
        const QString fifo = path(u"pipe.png"_s);
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const FieldProblems problems = validateReferenceImage(fifo); // must not block
        QCOMPARE(problems.size(), 1);
        QVERIFY(problems.first().message.contains(u"not a regular file"_s));
#else
        QSKIP("FIFOs are a Unix thing");
#endif
    }

    void unreadableFileIsRefused()
    {
        const QString locked = path(u"locked.png"_s);
        QVERIFY(testimages::writeImage(locked, 64, 64, "PNG"));
        QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions{}));
        if (QFileInfo(locked).isReadable())
            QSKIP("Running as a user who can read anything (root)");
        const FieldProblems problems = validateReferenceImage(locked);
        QCOMPARE(problems.size(), 1);
        QVERIFY(problems.first().message.contains(u"permissions"_s));
    }

    void imageMessagesAreDistinct()
    {
        QVERIFY(testimages::writeBytes(path(u"d-empty.png"_s), {}));
        QVERIFY(testimages::writeBytes(path(u"d-text.png"_s), "just text\n"));
        QVERIFY(testimages::writeBytes(path(u"d-huge.png"_s),
                                       testimages::pngHeaderOnly(9000, 9000)));
        QVERIFY(testimages::writeImage(path(u"d-tiny.png"_s), 4, 4, "PNG"));
        QVERIFY(testimages::writeImage(path(u"d-frame.ppm"_s), 64, 64, "PPM"));
        QVERIFY(testimages::writeBytes(path(u"d-big.png"_s), testimages::pngHeaderOnly(64, 64)));
        QFile big(path(u"d-big.png"_s));
        QVERIFY(big.resize(limits::MaxImageFileBytes + 4096));
        const QStringList inputs{QString(),
                                 path(u"d-missing.png"_s),
                                 m_dir.path(),
                                 path(u"d-empty.png"_s),
                                 path(u"d-text.png"_s),
                                 path(u"d-huge.png"_s),
                                 path(u"d-tiny.png"_s),
                                 path(u"d-frame.ppm"_s),
                                 path(u"d-big.png"_s)};
        QSet<QString> kinds;
        for (const QString &input : inputs) {
            const FieldProblems problems = validateReferenceImage(input);
            QCOMPARE(problems.size(), 1);
            // Strip the file name so only the wording is compared.
            QString wording = problems.first().message;
            wording.remove(QDir::toNativeSeparators(input)).remove(QFileInfo(input).fileName());
            kinds.insert(wording);
        }
        QCOMPARE(kinds.size(), inputs.size());
    }
};

QTEST_GUILESS_MAIN(TestReferenceImage)
#include "tst_referenceimage.moc"
