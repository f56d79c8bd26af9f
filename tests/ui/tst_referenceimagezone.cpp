#include "params/referenceimagezone.h"
#include "params_images.h"

#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QImageReader>
#include <QImageWriter>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using comfyvideo::ui::ReferenceImageZone;
namespace testing = comfyvideo::ui::testing;

namespace {

struct DropResult
{
    bool enterAccepted = false;
    bool dropAccepted = false;
};

// A drag that enters the zone and drops there, as a window system would deliver it.
DropResult dragAndDrop(ReferenceImageZone *zone, const QList<QUrl> &urls)
{
    QMimeData mime;
    mime.setUrls(urls);
    const QPoint centre = zone->rect().center();
    QDragEnterEvent enter(centre, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(zone, &enter);
    QDropEvent drop(QPointF(centre), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(zone, &drop);
    return {enter.isAccepted(), drop.isAccepted()};
}

QString labelText(const ReferenceImageZone &zone, const char *name)
{
    const auto *label = zone.findChild<QLabel *>(QLatin1String(name));
    return label ? label->text() : QStringLiteral("<no label %1>").arg(QLatin1String(name));
}

} // namespace

class TestReferenceImageZone : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void acceptsADroppedPng();
    void refusesATextFileNamedPng();
    void refusesSeveralFiles();
    void refusesAFolder();
    void refusesAnAbsurdHeaderSize();
    void ignoresRemoteUrls();
    void cropsToTheTargetSize();
    void suggestsThePicturesShape();
    void offersNothingWhenTheAspectMatches();
    void readsPhotosUpright();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString path(const QString &name) const { return m_dir->filePath(name); }
};

void TestReferenceImageZone::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestReferenceImageZone::acceptsADroppedPng()
{
    const QString png = path(QStringLiteral("cat.png"));
    QVERIFY(testing::writePng(png, QSize(320, 240)));
    ReferenceImageZone zone;
    zone.show();
    QSignalSpy changed(&zone, &ReferenceImageZone::imageChanged);
    QSignalSpy thumbnail(&zone, &ReferenceImageZone::thumbnailReady);

    const DropResult result = dragAndDrop(&zone, {QUrl::fromLocalFile(png)});
    QVERIFY(result.enterAccepted);
    QVERIFY(result.dropAccepted);
    QCOMPARE(zone.imagePath(), png);
    QCOMPARE(zone.errorText(), QString());
    QCOMPARE(zone.imageSize(), QSize(320, 240));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().first().toString(), png);
    QVERIFY2(labelText(zone, "info").startsWith(QStringLiteral("320×240 · PNG · ")),
             qPrintable(labelText(zone, "info")));
    QVERIFY2(labelText(zone, "info").endsWith(QStringLiteral(" KB")),
             qPrintable(labelText(zone, "info")));

    QVERIFY(thumbnail.wait());
    const auto *label = zone.findChild<QLabel *>(QStringLiteral("thumbnail"));
    QVERIFY(label);
    const QPixmap shown = label->pixmap();
    QVERIFY(!shown.isNull());
    // Scaled while reading to fit the thumbnail box, with the picture's aspect.
    QVERIFY(shown.width() <= label->minimumWidth() * shown.devicePixelRatio());
    QVERIFY(shown.height() <= label->minimumHeight() * shown.devicePixelRatio());
    QVERIFY(std::abs(double(shown.width()) / shown.height() - 320.0 / 240.0) < 0.05);
}

void TestReferenceImageZone::refusesATextFileNamedPng()
{
    const QString good = path(QStringLiteral("good.png"));
    QVERIFY(testing::writePng(good, QSize(64, 64)));
    const QString fake = path(QStringLiteral("notes.png"));
    QFile file(fake);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("These are my notes, not a picture.\n");
    file.close();

    ReferenceImageZone zone;
    zone.setImagePath(good);
    QCOMPARE(zone.imagePath(), good);
    QSignalSpy changed(&zone, &ReferenceImageZone::imageChanged);

    const DropResult result = dragAndDrop(&zone, {QUrl::fromLocalFile(fake)});
    QVERIFY(result.enterAccepted); // one local file: the zone looks at it on drop
    QCOMPARE(zone.imagePath(), QString());
    QVERIFY2(zone.errorText().contains(QStringLiteral("notes.png")), qPrintable(zone.errorText()));
    QVERIFY(zone.errorText().contains(QStringLiteral("not a picture")));
    QCOMPARE(labelText(zone, "message"), zone.errorText());
    QCOMPARE(changed.count(), 1); // the earlier picture is no longer used
    QCOMPARE(changed.first().first().toString(), QString());
}

void TestReferenceImageZone::refusesSeveralFiles()
{
    const QString a = path(QStringLiteral("a.png"));
    const QString b = path(QStringLiteral("b.png"));
    QVERIFY(testing::writePng(a, QSize(64, 64)));
    QVERIFY(testing::writePng(b, QSize(64, 64)));
    ReferenceImageZone zone;
    QSignalSpy changed(&zone, &ReferenceImageZone::imageChanged);

    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(a), QUrl::fromLocalFile(b)});
    QVERIFY(!ReferenceImageZone::canAccept(&mime));
    const DropResult result = dragAndDrop(&zone, mime.urls());
    QVERIFY(!result.enterAccepted);
    QCOMPARE(zone.imagePath(), QString());
    QVERIFY2(zone.errorText().contains(QStringLiteral("one picture")),
             qPrintable(zone.errorText()));
    QCOMPARE(changed.count(), 0);
}

void TestReferenceImageZone::refusesAFolder()
{
    const QString folder = path(QStringLiteral("holiday"));
    QVERIFY(QDir().mkpath(folder));
    ReferenceImageZone zone;
    const DropResult result = dragAndDrop(&zone, {QUrl::fromLocalFile(folder)});
    QVERIFY(result.enterAccepted);
    QCOMPARE(zone.imagePath(), QString());
    QVERIFY2(zone.errorText().contains(QStringLiteral("folder")), qPrintable(zone.errorText()));
    QVERIFY(zone.errorText().contains(QStringLiteral("holiday")));
}

void TestReferenceImageZone::refusesAnAbsurdHeaderSize()
{
    const QString png = path(QStringLiteral("huge.png"));
    QVERIFY(testing::writePng(png, QSize(32, 32)));
    QVERIFY(testing::patchPngHeader(png, QSize(20000, 20000)));
    QCOMPARE(QImageReader(png).size(), QSize(20000, 20000)); // the header really claims it

    ReferenceImageZone zone;
    QSignalSpy thumbnail(&zone, &ReferenceImageZone::thumbnailReady);
    dragAndDrop(&zone, {QUrl::fromLocalFile(png)});
    QCOMPARE(zone.imagePath(), QString());
    QVERIFY2(zone.errorText().contains(QStringLiteral("20000×20000")),
             qPrintable(zone.errorText()));
    QVERIFY(zone.errorText().contains(QStringLiteral("huge.png")));
    QCOMPARE(thumbnail.count(), 0); // never decoded
}

void TestReferenceImageZone::ignoresRemoteUrls()
{
    QMimeData mime;
    mime.setUrls({QUrl(QStringLiteral("http://example.com/cat.png"))});
    QVERIFY(!ReferenceImageZone::canAccept(&mime));
    QMimeData text;
    text.setText(QStringLiteral("/tmp/cat.png"));
    QVERIFY(!ReferenceImageZone::canAccept(&text));

    ReferenceImageZone zone;
    QSignalSpy changed(&zone, &ReferenceImageZone::imageChanged);
    const DropResult result = dragAndDrop(&zone, mime.urls());
    QVERIFY(!result.enterAccepted);
    QVERIFY(!result.dropAccepted);
    QCOMPARE(zone.imagePath(), QString());
    QCOMPARE(changed.count(), 0);
}

void TestReferenceImageZone::cropsToTheTargetSize()
{
    const QString png = path(QStringLiteral("landscape.png"));
    QVERIFY(testing::writePng(png, QSize(400, 300)));
    const QString work = path(QStringLiteral("cache"));
    QVERIFY(QDir().mkpath(work));
    ReferenceImageZone zone;
    zone.setWorkDirectory(work);
    zone.setTargetSize(QSize(1024, 576));
    zone.setImagePath(png);
    zone.show();

    auto *notice = zone.findChild<QWidget *>(QStringLiteral("cropNotice"));
    auto *crop = zone.findChild<QPushButton *>(QStringLiteral("cropButton"));
    QVERIFY(notice && crop);
    QVERIFY(notice->isVisible());
    const QString noticeText = notice->findChild<QLabel *>()->text();
    QCOMPARE(noticeText,
             QStringLiteral("The picture is 400×300; SVD will centre-crop it to 1024×576."));
    QCOMPARE(crop->text(), QStringLiteral("Crop to 1024×576"));

    QSignalSpy changed(&zone, &ReferenceImageZone::imageChanged);
    QTest::mouseClick(crop, Qt::LeftButton);
    QVERIFY(changed.wait());
    const QString cropped = QDir(work).filePath(QStringLiteral("landscape-1024x576.png"));
    QCOMPARE(changed.first().first().toString(), cropped);
    QCOMPARE(zone.imagePath(), cropped);
    QCOMPARE(zone.imageSize(), QSize(1024, 576));
    QVERIFY(!notice->isVisible());

    // A centred crop: 400×225 from y = 37 of the gradient, so the top row is not the top row of
    // the picture (green 0) but about 37/300 of the way down.
    const QImage image(cropped);
    QCOMPARE(image.size(), QSize(1024, 576));
    const int topGreen = qGreen(image.pixel(512, 0));
    QVERIFY2(topGreen > 20 && topGreen < 45, qPrintable(QString::number(topGreen)));
    const int bottomGreen = qGreen(image.pixel(512, 575));
    QVERIFY2(bottomGreen > 210 && bottomGreen < 235, qPrintable(QString::number(bottomGreen)));
}

void TestReferenceImageZone::suggestsThePicturesShape()
{
    const QString png = path(QStringLiteral("four-three.png"));
    QVERIFY(testing::writePng(png, QSize(400, 300)));
    ReferenceImageZone zone;
    zone.setTargetSize(QSize(1024, 576));
    zone.setImagePath(png);
    auto *shape = zone.findChild<QPushButton *>(QStringLiteral("shapeButton"));
    QVERIFY(shape);
    QSignalSpy suggested(&zone, &ReferenceImageZone::sizeSuggested);
    QTest::mouseClick(shape, Qt::LeftButton);
    QCOMPARE(suggested.count(), 1);
    const QSize size = suggested.first().first().toSize();
    QCOMPARE(size.width() % 64, 0);
    QCOMPARE(size.height() % 64, 0);
    const double aspect = double(size.width()) / size.height();
    QVERIFY2(std::abs(aspect / (4.0 / 3.0) - 1.0) < 0.06,
             qPrintable(QStringLiteral("%1x%2").arg(size.width()).arg(size.height())));
    const double pixels = double(size.width()) * size.height();
    QVERIFY(std::abs(pixels / (1024.0 * 576.0) - 1.0) < 0.15);
}

void TestReferenceImageZone::offersNothingWhenTheAspectMatches()
{
    const QString png = path(QStringLiteral("wide.png"));
    QVERIFY(testing::writePng(png, QSize(512, 288)));
    ReferenceImageZone zone;
    zone.setTargetSize(QSize(1024, 576));
    zone.setImagePath(png);
    zone.show();
    auto *notice = zone.findChild<QWidget *>(QStringLiteral("cropNotice"));
    QVERIFY(notice);
    QVERIFY(!notice->isVisible());
    zone.setTargetSize(QSize(512, 512)); // the request's size changed: now it differs
    QVERIFY(notice->isVisible());
}

// A phone photo stored landscape with an EXIF "rotate 90°" is a portrait picture, as ComfyUI's
// LoadImage sees it: size, thumbnail and crop follow the orientation.
void TestReferenceImageZone::readsPhotosUpright()
{
    const QString jpeg = path(QStringLiteral("phone.jpg"));
    {
        QImage stored(400, 300, QImage::Format_RGB32);
        stored.fill(Qt::gray);
        QImageWriter writer(jpeg, "jpeg");
        if (!writer.supportsOption(QImageIOHandler::ImageTransformation))
            QSKIP("Qt's JPEG writer here cannot store an orientation");
        writer.setTransformation(QImageIOHandler::TransformationRotate90);
        QVERIFY2(writer.write(stored), qPrintable(writer.errorString()));
    }
    ReferenceImageZone zone;
    zone.setWorkDirectory(m_dir->path());
    zone.setTargetSize(QSize(576, 1024));
    QSignalSpy thumbnail(&zone, &ReferenceImageZone::thumbnailReady);
    zone.setImagePath(jpeg);
    QCOMPARE(zone.imageSize(), QSize(300, 400));
    QVERIFY(labelText(zone, "info").startsWith(QStringLiteral("300×400 · JPEG · ")));
    QVERIFY(thumbnail.wait());
    const QPixmap shown = zone.findChild<QLabel *>(QStringLiteral("thumbnail"))->pixmap();
    QVERIFY2(shown.height() > shown.width(),
             qPrintable(QStringLiteral("%1x%2").arg(shown.width()).arg(shown.height())));

    QSignalSpy changed(&zone, &ReferenceImageZone::imageChanged);
    QTest::mouseClick(zone.findChild<QPushButton *>(QStringLiteral("cropButton")), Qt::LeftButton);
    QVERIFY(changed.wait());
    QCOMPARE(QImage(changed.first().first().toString()).size(), QSize(576, 1024));
}

QTEST_MAIN(TestReferenceImageZone)
#include "tst_referenceimagezone.moc"
