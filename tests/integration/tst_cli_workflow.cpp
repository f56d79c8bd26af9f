#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

CliRun runCli(const QStringList &arguments)
{
    QProcess process;
    process.setProgram(QStringLiteral(COMFYVIDEO_EXE));
    process.setArguments(arguments);
    process.start();
    CliRun run;
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit) {
        qWarning() << "comfyvideo did not finish normally" << arguments;
        return run;
    }
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

QString capture(const char *name)
{
    return QStringLiteral(CV_CAPTURES_DIR "/") + QLatin1String(name);
}

QJsonObject parseWorkflow(const CliRun &run)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(run.out, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qWarning() << "not a JSON object:" << error.errorString() << run.out.left(200);
    return doc.object();
}

QJsonObject node(const QJsonObject &workflow, const char *id)
{
    return workflow.value(QLatin1String(id)).toObject();
}

QJsonObject inputs(const QJsonObject &workflow, const char *id)
{
    return node(workflow, id).value(u"inputs").toObject();
}

QJsonObject withoutMeta(QJsonObject workflow)
{
    for (auto it = workflow.begin(); it != workflow.end(); ++it) {
        QJsonObject node = it->toObject();
        node.remove(u"_meta");
        *it = node;
    }
    return workflow;
}

QJsonObject reference(const char *name)
{
    QFile file(QStringLiteral(CV_TEST_DATA_DIR "/cli/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        qWarning() << "cannot open" << file.fileName();
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

class TestCliWorkflow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void animateDiffWithoutCatalog();
    void matchesReferenceWorkflows();
    void svdWithImage();
    void defaultsFromObjectInfo();
    void objectInfoProblems();
    void presetsAndLoop();
    void badInput_data();
    void badInput();
    void usageErrors_data();
    void usageErrors();
    void unreadableObjectInfo();
    void helpAndVersion();
    void noCommand();

private:
    QTemporaryDir m_dir;
    QString m_textFile;
};

void TestCliWorkflow::initTestCase()
{
    QVERIFY(QFile::exists(QStringLiteral(COMFYVIDEO_EXE)));
    QVERIFY(m_dir.isValid());
    m_textFile = m_dir.filePath(u"notes.png"_s); // a text file that claims to be a PNG
    QFile file(m_textFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("this is not an image\n");
}

void TestCliWorkflow::animateDiffWithoutCatalog()
{
    const CliRun run = runCli({u"workflow"_s,
                               u"animatediff"_s,
                               u"--prompt"_s,
                               u"a fox in snow"_s,
                               u"--frames"_s,
                               u"48"_s,
                               u"--seed"_s,
                               u"18446744073709551615"_s,
                               u"--cfg"_s,
                               u"6.5"_s,
                               u"--format"_s,
                               u"webm"_s});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject wf = parseWorkflow(run);
    QCOMPARE(inputs(wf, "1").value(u"ckpt_name").toString(), u"v1-5-pruned-emaonly.safetensors"_s);
    QCOMPARE(inputs(wf, "2").value(u"model_name").toString(), u"mm_sd_v15_v2.ckpt"_s);
    QCOMPARE(inputs(wf, "5").value(u"text").toString(), u"a fox in snow"_s);
    QCOMPARE(inputs(wf, "7").value(u"batch_size").toInt(), 48);
    QCOMPARE(inputs(wf, "8").value(u"seed"), QJsonValue(u"18446744073709551615"_s));
    QCOMPARE(inputs(wf, "8").value(u"cfg").toDouble(), 6.5);
    QCOMPARE(node(wf, "11").value(u"class_type").toString(),
             u"ADE_StandardUniformContextOptions"_s);
    QCOMPARE(inputs(wf, "10").value(u"format").toString(), u"video/webm"_s);
    // The common names are a guess, and the user is told so.
    QVERIFY(run.err.contains("v1-5-pruned-emaonly.safetensors"));
    QVERIFY(run.err.contains("mm_sd_v15_v2.ckpt"));
}

void TestCliWorkflow::matchesReferenceWorkflows()
{
    const QStringList fox{u"workflow"_s,
                          u"animatediff"_s,
                          u"--prompt"_s,
                          u"a red fox running through fresh snow, cinematic lighting"_s,
                          u"--negative"_s,
                          u"blurry, low quality, watermark, text"_s,
                          u"--seed"_s,
                          u"123456789"_s,
                          u"--filename-prefix"_s,
                          u"AnimateDiff"_s};
    CliRun run = runCli(fox);
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(withoutMeta(parseWorkflow(run)), reference("workflow_animatediff_16f.json"));
    run = runCli(fox + QStringList{u"--frames"_s, u"48"_s});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(withoutMeta(parseWorkflow(run)), reference("workflow_animatediff_48f.json"));

    // The LoadImage input is the picture's file name (it is uploaded under that name).
    const QString image = m_dir.filePath(u"init_frame.png"_s);
    QVERIFY(QFile::copy(capture("svd_input.png"), image));
    run = runCli({u"workflow"_s,
                  u"svd"_s,
                  u"--image"_s,
                  image,
                  u"--seed"_s,
                  u"42"_s,
                  u"--filename-prefix"_s,
                  u"svd"_s});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(withoutMeta(parseWorkflow(run)), reference("workflow_svd_xt_25f.json"));
}

void TestCliWorkflow::svdWithImage()
{
    CliRun run = runCli({u"workflow"_s, u"svd"_s, u"--image"_s, capture("svd_input.png")});
    QCOMPARE(run.exitCode, 0);
    QJsonObject wf = parseWorkflow(run);
    QCOMPARE(node(wf, "1").value(u"class_type").toString(), u"ImageOnlyCheckpointLoader"_s);
    QCOMPARE(inputs(wf, "1").value(u"ckpt_name").toString(), u"svd_xt.safetensors"_s);
    QCOMPARE(inputs(wf, "2").value(u"image").toString(), u"svd_input.png"_s);
    QCOMPARE(inputs(wf, "3").value(u"video_frames").toInt(), 25);
    QVERIFY(run.err.contains("svd_xt.safetensors"));

    // svd without --frames makes the 14 frames it was trained for.
    run = runCli({u"workflow"_s,
                  u"svd"_s,
                  u"--image"_s,
                  capture("svd_input.png"),
                  u"--checkpoint"_s,
                  u"svd.safetensors"_s,
                  u"--motion-bucket"_s,
                  u"90"_s});
    QCOMPARE(run.exitCode, 0);
    wf = parseWorkflow(run);
    QCOMPARE(inputs(wf, "1").value(u"ckpt_name").toString(), u"svd.safetensors"_s);
    QCOMPARE(inputs(wf, "3").value(u"video_frames").toInt(), 14);
    QCOMPARE(inputs(wf, "3").value(u"motion_bucket_id").toInt(), 90);
}

void TestCliWorkflow::defaultsFromObjectInfo()
{
    CliRun run = runCli({u"workflow"_s,
                         u"animatediff"_s,
                         u"--prompt"_s,
                         u"a fox"_s,
                         u"--frames"_s,
                         u"48"_s,
                         u"--object-info"_s,
                         capture("object_info.json")});
    QCOMPARE(run.exitCode, 0);
    QJsonObject wf = parseWorkflow(run);
    // The capture lists svd_xt first; AnimateDiff must get the SD1.5 checkpoint.
    QCOMPARE(inputs(wf, "1").value(u"ckpt_name").toString(), u"v1-5-pruned-emaonly.safetensors"_s);
    QCOMPARE(inputs(wf, "2").value(u"model_name").toString(), u"mm_sd_v15_v2.ckpt"_s);
    QCOMPARE(node(wf, "11").value(u"class_type").toString(), u"ADE_LoopedUniformContextOptions"_s);
    QCOMPARE(inputs(wf, "11").value(u"closed_loop"), QJsonValue(false));
    QVERIFY2(run.err.contains("Using checkpoint v1-5-pruned-emaonly.safetensors"), run.err);
    QVERIFY2(run.err.contains("Using motion module mm_sd_v15_v2.ckpt"), run.err);

    run = runCli({u"workflow"_s,
                  u"svd"_s,
                  u"--image"_s,
                  capture("svd_input.png"),
                  u"--object-info"_s,
                  capture("object_info.json")});
    QCOMPARE(run.exitCode, 0);
    wf = parseWorkflow(run);
    QCOMPARE(inputs(wf, "1").value(u"ckpt_name").toString(), u"svd_xt.safetensors"_s);
    QCOMPARE(inputs(wf, "3").value(u"video_frames").toInt(), 25);
    QVERIFY2(run.err.contains("svd_xt.safetensors"), run.err);
}

void TestCliWorkflow::objectInfoProblems()
{
    const CliRun run = runCli({u"workflow"_s,
                               u"animatediff"_s,
                               u"--prompt"_s,
                               u"a fox"_s,
                               u"--checkpoint"_s,
                               u"nope.safetensors"_s,
                               u"--sampler"_s,
                               u"warp_drive"_s,
                               u"--object-info"_s,
                               capture("object_info.json")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(run.err.contains("checkpoint: Checkpoint 'nope.safetensors' is not on this server. "
                              "Installed: svd_xt.safetensors, v1-5-pruned-emaonly.safetensors"),
             run.err);
    QVERIFY2(run.err.contains("sampler: Sampler 'warp_drive' is not offered"), run.err);
    // The workflow checked against the catalog reports the same inputs, by node.
    QVERIFY2(run.err.contains("ckpt_name"), run.err);
    QVERIFY2(run.err.contains("sampler_name"), run.err);
}

void TestCliWorkflow::presetsAndLoop()
{
    // A preset is the starting point; explicit options change it.
    CliRun run = runCli({u"workflow"_s,
                         u"animatediff"_s,
                         u"--preset"_s,
                         u"animatediff-128-long"_s,
                         u"--frames"_s,
                         u"64"_s});
    QCOMPARE(run.exitCode, 0);
    QJsonObject wf = parseWorkflow(run);
    QCOMPARE(inputs(wf, "7").value(u"batch_size").toInt(), 64);
    QVERIFY(!inputs(wf, "5").value(u"text").toString().isEmpty()); // the preset's prompt

    run = runCli({u"workflow"_s,
                  u"animatediff"_s,
                  u"--prompt"_s,
                  u"waves"_s,
                  u"--frames"_s,
                  u"48"_s,
                  u"--loop"_s});
    QCOMPARE(run.exitCode, 0);
    wf = parseWorkflow(run);
    QCOMPARE(node(wf, "11").value(u"class_type").toString(), u"ADE_LoopedUniformContextOptions"_s);
    QCOMPARE(inputs(wf, "11").value(u"closed_loop"), QJsonValue(true));
    QCOMPARE(inputs(wf, "10").value(u"pingpong"), QJsonValue(false));

    // The svd-14 preset gives 14 frames, so the common default is svd, not svd_xt.
    run = runCli({u"workflow"_s,
                  u"svd"_s,
                  u"--preset"_s,
                  u"svd-14"_s,
                  u"--image"_s,
                  capture("svd_input.png")});
    QCOMPARE(run.exitCode, 0);
    wf = parseWorkflow(run);
    QCOMPARE(inputs(wf, "1").value(u"ckpt_name").toString(), u"svd.safetensors"_s);
    QCOMPARE(inputs(wf, "3").value(u"video_frames").toInt(), 14);

    run = runCli({u"workflow"_s, u"animatediff"_s, u"--preset"_s, u"svd-14"_s});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(run.err.contains("preset: "), run.err);
    run = runCli({u"workflow"_s, u"animatediff"_s, u"--preset"_s, u"nope"_s});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("animatediff-16-quick"), run.err); // the known ids are listed
}

void TestCliWorkflow::badInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("expected");
    const QStringList ad{u"workflow"_s, u"animatediff"_s, u"--prompt"_s, u"a fox"_s};
    QTest::newRow("empty prompt") << QStringList{u"workflow"_s,
                                                 u"animatediff"_s,
                                                 u"--prompt"_s,
                                                 u""_s}
                                  << QStringList{u"prompt: "_s};
    QTest::newRow("no prompt") << QStringList{u"workflow"_s, u"animatediff"_s}
                               << QStringList{u"prompt: "_s};
    QTest::newRow("frames 0") << ad + QStringList{u"--frames"_s, u"0"_s}
                              << QStringList{u"frames: "_s};
    QTest::newRow("frames 129") << ad + QStringList{u"--frames"_s, u"129"_s}
                                << QStringList{u"frames: "_s};
    QTest::newRow("frames abc") << ad + QStringList{u"--frames"_s, u"abc"_s}
                                << QStringList{u"frames: 'abc'"_s};
    QTest::newRow("seed 2^64") << ad + QStringList{u"--seed"_s, u"18446744073709551616"_s}
                               << QStringList{u"seed: "_s};
    QTest::newRow("seed -1") << ad + QStringList{u"--seed"_s, u"-1"_s} << QStringList{u"seed: "_s};
    QTest::newRow("width 513") << ad + QStringList{u"--width"_s, u"513"_s}
                               << QStringList{u"width: "_s};
    QTest::newRow("cfg x") << ad + QStringList{u"--cfg"_s, u"lots"_s}
                           << QStringList{u"cfg: 'lots'"_s};
    QTest::newRow("format") << ad + QStringList{u"--format"_s, u"mov"_s}
                            << QStringList{u"format: "_s, u"h264-mp4"_s};
    QTest::newRow("text file as image")
            << QStringList{u"workflow"_s, u"svd"_s, u"--image"_s, u"@TEXTFILE@"_s}
            << QStringList{u"referenceImage: "_s};
    QTest::newRow("svd without image")
            << QStringList{u"workflow"_s, u"svd"_s} << QStringList{u"referenceImage: "_s};
    QTest::newRow("all at once") << QStringList{
            u"workflow"_s,
            u"animatediff"_s,
            u"--prompt"_s,
            u""_s,
            u"--frames"_s,
            u"0"_s,
            u"--width"_s,
            u"513"_s,
            u"--seed"_s,
            u"-1"_s} << QStringList{u"prompt: "_s, u"frames: "_s, u"width: "_s, u"seed: "_s};
}

void TestCliWorkflow::badInput()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, expected);
    arguments.replaceInStrings(u"@TEXTFILE@"_s, m_textFile);
    const CliRun run = runCli(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.out.isEmpty(), run.out.constData());
    const QString err = QString::fromUtf8(run.err);
    for (const QString &text : expected)
        QVERIFY2(err.contains(text), qPrintable(u"missing '"_s + text + u"' in: "_s + err));
}

void TestCliWorkflow::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no kind") << QStringList{u"workflow"_s};
    QTest::newRow("bad kind") << QStringList{u"workflow"_s, u"sdxl"_s};
    QTest::newRow("two kinds") << QStringList{u"workflow"_s, u"svd"_s, u"animatediff"_s};
    QTest::newRow("unknown option") << QStringList{u"workflow"_s, u"svd"_s, u"--bogus"_s};
    QTest::newRow("unknown command") << QStringList{u"frobnicate"_s};
    QTest::newRow("unknown top-level option") << QStringList{u"--bogus"_s};
}

void TestCliWorkflow::usageErrors()
{
    QFETCH(QStringList, arguments);
    const CliRun run = runCli(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.out.isEmpty());
    QVERIFY(!run.err.isEmpty());
}

void TestCliWorkflow::unreadableObjectInfo()
{
    const QString missing = m_dir.filePath(u"absent.json"_s);
    CliRun run = runCli({u"workflow"_s,
                         u"animatediff"_s,
                         u"--prompt"_s,
                         u"a fox"_s,
                         u"--object-info"_s,
                         missing});
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(QString::fromUtf8(run.err).contains(missing), run.err);

    run = runCli({u"workflow"_s,
                  u"animatediff"_s,
                  u"--prompt"_s,
                  u"a fox"_s,
                  u"--object-info"_s,
                  m_textFile});
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(QString::fromUtf8(run.err).contains(m_textFile), run.err);
}

void TestCliWorkflow::helpAndVersion()
{
    CliRun run = runCli({u"--help"_s});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.startsWith("Usage: comfyvideo [options] [command]"), run.out);
    QVERIFY(run.out.contains("workflow"));
    QCOMPARE(runCli({u"--help-all"_s}).out, run.out);

    run = runCli({u"--version"_s});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(COMFYVIDEO_VERSION), run.out);

    run = runCli({u"workflow"_s, u"--help"_s});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.startsWith("Usage: comfyvideo workflow"));
    for (const char *option :
         {"--prompt", "--frames", "--seed", "--object-info", "--format", "--preset", "--image"}) {
        QVERIFY2(run.out.contains(option), option);
    }
    QVERIFY(run.err.isEmpty());
}

void TestCliWorkflow::noCommand()
{
    // With the UI, no command opens the window (tst_gui_e2e): check its usage error instead.
    const CliRun run = COMFYVIDEO_HAS_UI ? runCli({u"--no-such-option"_s}) : runCli({});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.out.isEmpty());
    QVERIFY(run.err.contains("--help"));
}

QTEST_GUILESS_MAIN(TestCliWorkflow)
#include "tst_cli_workflow.moc"
