#include "params/paramsform.h"
#include "params/readinessline.h"
#include "params/referenceimagezone.h"
#include "params_formtesting.h"
#include "params_images.h"
#include "request/presets.h"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <limits>

using comfyvideo::backends::Assessment;
using comfyvideo::request::GenerationRequest;
using comfyvideo::request::Kind;
using comfyvideo::ui::CatalogChoices;
using comfyvideo::ui::ParamsForm;
using comfyvideo::ui::ServerChoice;
namespace request = comfyvideo::request;
using comfyvideo::ui::testing::assessment;
using comfyvideo::ui::testing::child;
using comfyvideo::ui::testing::readiness;
using comfyvideo::ui::testing::validAnimateDiff;

class TestParamsForm : public QObject
{
    Q_OBJECT

private slots:
    void roundTripsAnimateDiff();
    void roundTripsSvd();
    void showsFrameProblemsUnderTheField();
    void switchingKindKeepsThePrompt();
    void appliesAPreset();
    void fillsCombosFromTheCatalog();
    void randomizeChangesTheSeed();
    void drawsANewSeedAfterGenerateUnlessLocked();
    void refusesATypedSeedThatIsNotANumber();
    void ctrlReturnGenerates();
    void describesReadiness();
    void submitCanBeDisabled();
    void takesThePicturesShape();
    void explainsARefusedPictureOnce();
    void svdCheckpointMovesTheTrainedFrameCount();
    void everyControlIsNamedAndExplained();
};

void TestParamsForm::roundTripsAnimateDiff()
{
    GenerationRequest r = request::defaultRequest(Kind::AnimateDiff);
    r.prompt = QStringLiteral("a fox\nin deep snow");
    r.negativePrompt = QStringLiteral("blurry");
    r.checkpoint = QStringLiteral("dreamshaper_8.safetensors");
    r.motionModule = QStringLiteral("mm_sd_v15_v2.ckpt");
    r.frames = 48;
    r.fps = 12;
    r.steps = 25;
    r.cfg = 6.5;
    r.sampler = QStringLiteral("dpmpp_2m");
    r.scheduler = QStringLiteral("karras");
    r.seed = std::numeric_limits<quint64>::max();
    r.width = 640;
    r.height = 384;
    r.format = request::OutputFormat::Webm;
    r.crf = 23;
    r.betaSchedule = QStringLiteral("lcm");
    r.contextLength = 16;
    r.contextOverlap = 6;
    r.contextStride = 2;
    r.contextSchedule = request::ContextSchedule::LoopedUniform;
    r.closedLoop = true;
    r.motionBucketId = 200; // SVD fields are kept for a switch
    r.augmentationLevel = 0.05;
    r.minCfg = 1.5;
    r.conditioningFps = 8;

    ParamsForm form;
    QSignalSpy changed(&form, &ParamsForm::requestChanged);
    form.setRequest(r);
    QCOMPARE(form.request(), r);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(child<QSpinBox>(form, "frames")->value(), 48);
    QCOMPARE(child<QLineEdit>(form, "seedText")->text(), QStringLiteral("18446744073709551615"));
    QCOMPARE(child<QPlainTextEdit>(form, "prompt")->toPlainText(), r.prompt);
    QCOMPARE(child<QComboBox>(form, "sampler")->currentText(), QStringLiteral("dpmpp_2m"));
    QCOMPARE(child<QCheckBox>(form, "closedLoop")->isChecked(), true);
    QVERIFY(child<QPushButton>(form, "generate")->isEnabled());
}

void TestParamsForm::roundTripsSvd()
{
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("start.png"));
    QVERIFY(comfyvideo::ui::testing::writePng(png, QSize(1024, 576)));
    GenerationRequest r = request::defaultRequest(Kind::Svd);
    r.referenceImage = png;
    r.checkpoint = QStringLiteral("svd.safetensors");
    r.frames = 14;
    r.fps = 10;
    r.seed = (quint64(1) << 63) + 12345;
    r.motionBucketId = 90;
    r.augmentationLevel = 0.02;
    r.minCfg = 1.25;
    r.conditioningFps = 7;
    r.prompt = QStringLiteral("kept for text to video");

    ParamsForm form;
    form.setRequest(r);
    QCOMPARE(form.request(), r);
    QCOMPARE(form.referenceImageZone()->imagePath(), png);
    QCOMPARE(child<QToolButton>(form, "imageToVideo")->isChecked(), true);
    QCOMPARE(child<QComboBox>(form, "svdCheckpoint")->currentText(),
             QStringLiteral("svd.safetensors"));
    QVERIFY(child<QPushButton>(form, "generate")->isEnabled());
}

void TestParamsForm::showsFrameProblemsUnderTheField()
{
    ParamsForm form;
    form.setRequest(validAnimateDiff());
    form.show();
    auto *frames = child<QSpinBox>(form, "frames");
    auto *message = child<QLabel>(form, "frames-message");
    auto *generate = child<QPushButton>(form, "generate");
    auto *queue = child<QPushButton>(form, "queue");
    QVERIFY(frames && message && generate && queue);
    QVERIFY(generate->isEnabled());
    QVERIFY(!message->isVisible());

    frames->setValue(200);
    QCOMPARE(form.request().frames, 200);
    QVERIFY(message->isVisible());
    QVERIFY2(message->text().contains(QStringLiteral("between 8 and 128")),
             qPrintable(message->text()));
    QVERIFY(!generate->isEnabled());
    QVERIFY(!queue->isEnabled());

    frames->setValue(32);
    QVERIFY(!message->isVisible());
    QCOMPARE(message->text(), QString());
    QVERIFY(generate->isEnabled());
    QVERIFY(queue->isEnabled());
}

void TestParamsForm::switchingKindKeepsThePrompt()
{
    ParamsForm form;
    form.show();
    auto *prompt = child<QPlainTextEdit>(form, "prompt");
    prompt->setFocus();
    QTest::keyClicks(prompt, QStringLiteral("a red kite"));
    QCOMPARE(form.request().prompt, QStringLiteral("a red kite"));

    QTest::mouseClick(child<QToolButton>(form, "imageToVideo"), Qt::LeftButton);
    GenerationRequest svd = form.request();
    QCOMPARE(svd.kind, Kind::Svd);
    QCOMPARE(svd.prompt, QStringLiteral("a red kite"));
    QCOMPARE(svd.width, 1024); // SVD's own size and frames
    QCOMPARE(svd.frames, 25);
    QVERIFY(!prompt->isVisible());
    QVERIFY(form.referenceImageZone()->isVisible());
    // No picture yet: the message sits under the zone and Generate waits.
    QVERIFY(child<QLabel>(form, "referenceImage-message")->isVisible());
    QVERIFY(!child<QPushButton>(form, "generate")->isEnabled());

    QTest::mouseClick(child<QToolButton>(form, "textToVideo"), Qt::LeftButton);
    QCOMPARE(form.request().kind, Kind::AnimateDiff);
    QCOMPARE(form.request().prompt, QStringLiteral("a red kite"));
    QCOMPARE(form.request().width, 512);
    QCOMPARE(form.request().frames, 16);
    QVERIFY(prompt->isVisible());
}

void TestParamsForm::appliesAPreset()
{
    ParamsForm form;
    GenerationRequest before = validAnimateDiff();
    before.prompt = QStringLiteral("my own prompt");
    form.setRequest(before);
    auto *presets = child<QComboBox>(form, "preset");
    const int index = presets->findData(QStringLiteral("animatediff-48-loop"));
    QVERIFY(index > 0);
    request::Preset preset;
    QVERIFY(request::findPreset(QStringLiteral("animatediff-48-loop"), &preset));

    presets->setCurrentIndex(index);
    emit presets->activated(index); // what a pick from the popup does
    QCOMPARE(form.request(), request::applyPreset(preset, before));
    QCOMPARE(form.request().prompt, QStringLiteral("my own prompt"));
    QCOMPARE(form.request().frames, 48);
    QVERIFY(form.request().closedLoop);
    QCOMPARE(child<QSpinBox>(form, "frames")->value(), 48);
}

void TestParamsForm::fillsCombosFromTheCatalog()
{
    ParamsForm form;
    GenerationRequest r = validAnimateDiff();
    r.checkpoint = QStringLiteral("old_model.safetensors");
    form.setRequest(r);
    auto *samplers = child<QComboBox>(form, "sampler");
    QCOMPARE(samplers->count(), 1); // no catalog: the request's own value only
    QCOMPARE(samplers->currentText(), QStringLiteral("euler"));

    CatalogChoices catalog;
    catalog.animateDiffCheckpoints
            = {QStringLiteral("a.safetensors"), QStringLiteral("b.safetensors")};
    catalog.motionModules = {QStringLiteral("mm_sd_v15_v2.ckpt")};
    catalog.samplers = {QStringLiteral("euler"), QStringLiteral("dpmpp_2m")};
    catalog.schedulers = {QStringLiteral("normal"), QStringLiteral("karras")};
    form.setCatalog(catalog);

    auto *checkpoints = child<QComboBox>(form, "checkpoint");
    QCOMPARE(checkpoints->itemText(0), QStringLiteral("Automatic"));
    QCOMPARE(checkpoints->itemData(0).toString(), QString());
    QCOMPARE(checkpoints->itemText(1), QStringLiteral("a.safetensors"));
    QCOMPARE(checkpoints->itemText(2), QStringLiteral("b.safetensors"));
    QCOMPARE(checkpoints->count(), 4);
    QCOMPARE(checkpoints->currentText(),
             QStringLiteral("old_model.safetensors (not on this server)"));
    QCOMPARE(form.request().checkpoint, QStringLiteral("old_model.safetensors"));
    auto *modules = child<QComboBox>(form, "motionModule");
    QCOMPARE(modules->count(), 2);
    QCOMPARE(modules->currentText(), QStringLiteral("Automatic"));
    QCOMPARE(samplers->count(), 2);

    checkpoints->setCurrentIndex(1);
    emit checkpoints->activated(1);
    QCOMPARE(form.request().checkpoint, QStringLiteral("a.safetensors"));
    checkpoints->setCurrentIndex(0);
    emit checkpoints->activated(0);
    QCOMPARE(form.request().checkpoint, QString());
}

void TestParamsForm::randomizeChangesTheSeed()
{
    ParamsForm form;
    GenerationRequest r = validAnimateDiff();
    r.seed = 42;
    form.setRequest(r);
    QTest::mouseClick(child<QToolButton>(form, "randomizeSeed"), Qt::LeftButton);
    QVERIFY(form.request().seed != 42);
    QCOMPARE(child<QLineEdit>(form, "seedText")->text(), QString::number(form.request().seed));
}

void TestParamsForm::drawsANewSeedAfterGenerateUnlessLocked()
{
    ParamsForm form;
    form.setRequest(validAnimateDiff());
    QSignalSpy generated(&form, &ParamsForm::generateRequested);
    auto *generate = child<QPushButton>(form, "generate");
    QTest::mouseClick(generate, Qt::LeftButton);
    QTest::mouseClick(generate, Qt::LeftButton);
    QCOMPARE(generated.count(), 2);
    const auto seedOf = [&](int i) {
        return generated.at(i).first().value<GenerationRequest>().seed;
    };
    QCOMPARE(seedOf(0), quint64(7)); // the seed shown when the button was pressed
    QVERIFY(seedOf(1) != seedOf(0));
    QCOMPARE(form.request().seed == seedOf(1), false);

    auto *lock = child<QCheckBox>(form, "lockSeed");
    QVERIFY(lock);
    lock->setChecked(true);
    QVERIFY(form.seedLocked());
    QTest::mouseClick(generate, Qt::LeftButton);
    QTest::mouseClick(generate, Qt::LeftButton);
    QCOMPARE(generated.count(), 4);
    QCOMPARE(seedOf(2), seedOf(3));
    QCOMPARE(form.request().seed, seedOf(3));
}

void TestParamsForm::refusesATypedSeedThatIsNotANumber()
{
    ParamsForm form;
    form.setRequest(validAnimateDiff());
    form.show();
    auto *seed = child<QLineEdit>(form, "seedText");
    seed->selectAll();
    QTest::keyClicks(seed, QStringLiteral("12ab"));
    auto *message = child<QLabel>(form, "seed-message");
    QVERIFY(message->isVisible());
    QVERIFY(!message->text().isEmpty());
    QVERIFY(!child<QPushButton>(form, "generate")->isEnabled());
    QCOMPARE(form.request().seed, quint64(12)); // the last good value

    seed->selectAll();
    QTest::keyClicks(seed, QStringLiteral("18446744073709551615"));
    QVERIFY(!message->isVisible());
    QCOMPARE(form.request().seed, std::numeric_limits<quint64>::max());
    QVERIFY(child<QPushButton>(form, "generate")->isEnabled());
}

void TestParamsForm::ctrlReturnGenerates()
{
    ParamsForm form;
    form.setRequest(validAnimateDiff());
    form.show();
    form.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&form));
    QSignalSpy generated(&form, &ParamsForm::generateRequested);
    QSignalSpy queued(&form, &ParamsForm::queueRequested);
    QTest::keyClick(&form, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(generated.count(), 1);
    QCOMPARE(queued.count(), 0);
    QTest::keyClick(&form, Qt::Key_Return, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(queued.count(), 1);
    // Also from inside the prompt.
    auto *prompt = child<QPlainTextEdit>(form, "prompt");
    prompt->setFocus();
    QTest::keyClick(prompt, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(generated.count(), 2);
    QCOMPARE(form.request().prompt, validAnimateDiff().prompt);
}

void TestParamsForm::describesReadiness()
{
    ParamsForm form;
    QSignalSpy serverChanged(&form, &ParamsForm::serverChanged);
    form.setServers({ServerChoice{QStringLiteral("comfyui:http://10.0.0.5:8188"),
                                  QStringLiteral("Studio PC"),
                                  false},
                     ServerChoice{QStringLiteral("comfyui:http://127.0.0.1:1"),
                                  QStringLiteral("Demo server"),
                                  true}},
                    QStringLiteral("comfyui:http://10.0.0.5:8188"));
    QCOMPARE(form.currentServerId(), QStringLiteral("comfyui:http://10.0.0.5:8188"));
    QCOMPARE(serverChanged.count(), 0);

    form.setReadiness(std::nullopt);
    QCOMPARE(readiness(form), QStringLiteral("Checking Studio PC…"));
    form.setReadiness(assessment(Assessment::Level::Ready, {}));
    QCOMPARE(readiness(form), QStringLiteral("Ready on Studio PC"));
    form.setReadiness(assessment(Assessment::Level::Blocked,
                                 {QStringLiteral("The motion module mm_sd_v15_v2.ckpt is not "
                                                 "installed.")}));
    QCOMPARE(readiness(form),
             QStringLiteral("Missing on Studio PC: The motion module mm_sd_v15_v2.ckpt is not "
                            "installed."));
    form.setReadiness(assessment(Assessment::Level::ReadyWithWarnings,
                                 {QStringLiteral("The GPU has 4 GB of VRAM; 8 GB is advised.")}));
    QCOMPARE(readiness(form),
             QStringLiteral("Ready, with warnings: The GPU has 4 GB of VRAM; 8 GB is advised."));
    form.setReadiness(
            assessment(Assessment::Level::Unreachable, {QStringLiteral("Connection refused.")}));
    QCOMPARE(readiness(form), QStringLiteral("Cannot reach Studio PC: Connection refused."));

    auto *servers = child<QComboBox>(form, "server");
    servers->setCurrentIndex(1);
    emit servers->activated(1);
    QCOMPARE(serverChanged.count(), 1);
    QCOMPARE(serverChanged.first().first().toString(),
             QStringLiteral("comfyui:http://127.0.0.1:1"));
    QCOMPARE(readiness(form), QStringLiteral("Checking Demo server…"));
}

void TestParamsForm::submitCanBeDisabled()
{
    ParamsForm form;
    form.setRequest(validAnimateDiff());
    auto *generate = child<QPushButton>(form, "generate");
    auto *queue = child<QPushButton>(form, "queue");
    QVERIFY(generate->isEnabled());
    form.setSubmitEnabled(false);
    QVERIFY(!generate->isEnabled());
    QVERIFY(!queue->isEnabled());
    QSignalSpy generated(&form, &ParamsForm::generateRequested);
    QTest::mouseClick(generate, Qt::LeftButton);
    QCOMPARE(generated.count(), 0);
    form.setRequest(validAnimateDiff()); // editing does not re-enable them
    QVERIFY(!generate->isEnabled());
    form.setSubmitEnabled(true);
    QVERIFY(generate->isEnabled());
    QVERIFY(queue->isEnabled());
}

void TestParamsForm::takesThePicturesShape()
{
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("square.png"));
    QVERIFY(comfyvideo::ui::testing::writePng(png, QSize(300, 300)));
    GenerationRequest r = request::defaultRequest(Kind::Svd);
    r.referenceImage = png;
    ParamsForm form;
    form.setRequest(r);
    auto *shape
            = form.referenceImageZone()->findChild<QPushButton *>(QStringLiteral("shapeButton"));
    QVERIFY(shape);
    QTest::mouseClick(shape, Qt::LeftButton);
    QCOMPARE(form.request().width, form.request().height); // square like the picture
    QCOMPARE(form.request().width % 64, 0);
    QCOMPARE(child<QSpinBox>(form, "width")->value(), form.request().width);
}

void TestParamsForm::explainsARefusedPictureOnce()
{
    QTemporaryDir dir;
    const QString text = dir.filePath(QStringLiteral("notes.png"));
    QFile file(text);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a picture");
    file.close();
    ParamsForm form;
    form.setRequest(request::defaultRequest(Kind::Svd));
    form.show();
    auto *formMessage = child<QLabel>(form, "referenceImage-message");
    QVERIFY(formMessage->isVisible()); // "Choose a reference image"

    form.referenceImageZone()->setImagePath(text);
    QVERIFY(form.referenceImageZone()->errorText().contains(QStringLiteral("notes.png")));
    QVERIFY(!formMessage->isVisible()); // the zone says it, once
    QVERIFY(!child<QPushButton>(form, "generate")->isEnabled());

    const QString png = dir.filePath(QStringLiteral("start.png"));
    QVERIFY(comfyvideo::ui::testing::writePng(png, QSize(1024, 576)));
    QSignalSpy changed(&form, &ParamsForm::requestChanged);
    form.referenceImageZone()->setImagePath(png);
    QCOMPARE(form.request().referenceImage, png);
    QVERIFY(changed.count() >= 1);
    QVERIFY(!formMessage->isVisible());
    QVERIFY(child<QPushButton>(form, "generate")->isEnabled());
}

void TestParamsForm::svdCheckpointMovesTheTrainedFrameCount()
{
    ParamsForm form;
    form.setRequest(request::defaultRequest(Kind::Svd));
    CatalogChoices catalog;
    catalog.svdCheckpoints
            = {QStringLiteral("svd.safetensors"), QStringLiteral("svd_xt.safetensors")};
    form.setCatalog(catalog);
    QCOMPARE(form.request().frames, 25);
    auto *combo = child<QComboBox>(form, "svdCheckpoint");
    const int svd = combo->findData(QStringLiteral("svd.safetensors"));
    QVERIFY(svd > 0);
    combo->setCurrentIndex(svd);
    emit combo->activated(svd);
    QCOMPARE(form.request().checkpoint, QStringLiteral("svd.safetensors"));
    QCOMPARE(form.request().frames, 14);
    QCOMPARE(child<QSpinBox>(form, "frames")->value(), 14);
}

// Accessibility: every control a person can reach has a name; every button says what it does.
void TestParamsForm::everyControlIsNamedAndExplained()
{
    ParamsForm form;
    form.setServers({ServerChoice{QStringLiteral("s"), QStringLiteral("Studio PC"), false}},
                    QStringLiteral("s"));
    QStringList unnamed;
    QStringList unexplained;
    for (QWidget *widget : form.findChildren<QWidget *>()) {
        // Parts of spin boxes and combos (their editors, popups) are named through them.
        bool inner = false;
        for (QWidget *up = widget->parentWidget(); up && up != &form; up = up->parentWidget())
            inner = inner || qobject_cast<QAbstractSpinBox *>(up) || qobject_cast<QComboBox *>(up);
        if (inner || widget->focusPolicy() == Qt::NoFocus)
            continue;
        const QString name = QString::fromLatin1(widget->metaObject()->className()) + u' '
                             + widget->objectName();
        if (widget->accessibleName().isEmpty())
            unnamed.append(name);
        if (qobject_cast<QAbstractButton *>(widget) && widget->toolTip().isEmpty())
            unexplained.append(name);
    }
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
    QVERIFY2(unexplained.isEmpty(), qPrintable(unexplained.join(QStringLiteral(", "))));
}

QTEST_MAIN(TestParamsForm)
#include "tst_paramsform.moc"
