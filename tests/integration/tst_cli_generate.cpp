// `comfyvideo generate` end to end: the real executable against comfyui-sim processes.
#include "fakes/simprocess.h"
#include "fakes/testpki.h"
#include "media/videoprobe.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using comfyvideo::tests::SimProcess;
using namespace Qt::StringLiterals;

namespace {

struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    qint64 elapsedMs = 0;
};

CliRun runCli(const QStringList &arguments, int timeoutMs = 90000)
{
    QProcess process;
    process.setProgram(QStringLiteral(COMFYVIDEO_EXE));
    process.setArguments(arguments);
    QElapsedTimer clock;
    clock.start();
    process.start();
    CliRun run;
    if (!process.waitForFinished(timeoutMs) || process.exitStatus() != QProcess::NormalExit) {
        qWarning() << "comfyvideo did not finish normally" << arguments
                   << process.readAllStandardError();
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.elapsedMs = clock.elapsed();
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

// The request options every test uses: tiny and fast.
QStringList tiny(const QString &kind)
{
    QStringList args{u"generate"_s, kind, u"--width"_s, u"64"_s, u"--height"_s, u"64"_s};
    if (kind == u"animatediff")
        args << u"--prompt"_s << u"a red fox"_s << u"--frames"_s << u"8"_s;
    else
        args << u"--image"_s << QStringLiteral(CV_CAPTURES_DIR "/svd_input.png") << u"--frames"_s
             << u"14"_s;
    return args << u"--steps"_s << u"3"_s;
}

QStringList withServer(QStringList args, const QUrl &server, const QString &output)
{
    return args << u"--server"_s << server.toString() << u"--output"_s << output;
}

quint16 closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

QJsonObject getJson(const QUrl &url)
{
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(url));
    QSignalSpy spy(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !spy.wait(10000))
        qWarning() << "no answer from" << url;
    const QJsonObject object = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return object;
}

} // namespace

class TestCliGenerate : public QObject
{
    Q_OBJECT

private slots:
    void animateDiffSuccess();
    void svdSuccess();
    void outOfMemory();
    void missingModel();
    void missingCustomNode();
    void unreachableServer();
    void httpsWithPrivateCa();
    void overallTimeout();
    void invalidInput();
    void sigtermCancelsOnServer();
};

void TestCliGenerate::animateDiffSuccess()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s});
    QVERIFY(sim.start());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // A folder that does not exist yet: generate creates it.
    const QString output = dir.filePath(u"new/folder/fox.mp4"_s);
    const CliRun run = runCli(withServer(tiny(u"animatediff"_s), sim.baseUrl(), output));
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(QString::fromUtf8(run.out).trimmed(), QFileInfo(output).absoluteFilePath());
    QVERIFY(QDir::isAbsolutePath(QString::fromUtf8(run.out).trimmed()));
    const auto info = comfyvideo::media::probeVideo(output);
    QVERIFY2(info.has_value(), qPrintable(info ? QString() : info.error()));
    QCOMPARE(info->codec, u"h264"_s);
    QCOMPARE(info->frameCount, 8);
    QCOMPARE(info->width, 64);
    QCOMPARE(info->height, 64);
    // Progress on stderr (not a terminal here: plain lines).
    const QString err = QString::fromUtf8(run.err);
    QVERIFY2(err.contains(u"Sampling"_s), qPrintable(err));
    QVERIFY2(err.contains(u"step 3/3"_s), qPrintable(err));
    QVERIFY2(!err.contains(u'\r'), qPrintable(err));
    // No stray part file next to the output.
    QCOMPARE(QDir(QFileInfo(output).absolutePath()).entryList(QDir::Files | QDir::Hidden),
             QStringList{u"fox.mp4"_s});
}

void TestCliGenerate::svdSuccess()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s});
    QVERIFY(sim.start());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // The extension differs from the format: fine, with a note.
    const QString output = dir.filePath(u"clip.video"_s);
    const CliRun run = runCli(withServer(tiny(u"svd"_s), sim.baseUrl(), output));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(QString::fromUtf8(run.out).trimmed(), QFileInfo(output).absoluteFilePath());
    QVERIFY2(run.err.contains(".mp4"), run.err.constData());
    const auto info = comfyvideo::media::probeVideo(output);
    QVERIFY2(info.has_value(), qPrintable(info ? QString() : info.error()));
    QCOMPARE(info->codec, u"h264"_s);
    QCOMPARE(info->frameCount, 14);
    QCOMPARE(info->width, 64);
    QCOMPARE(info->height, 64);
    // The start image was uploaded to the server.
    QVERIFY(QFileInfo::exists(sim.dataDir() + u"/input/svd_input.png"_s));
}

void TestCliGenerate::outOfMemory()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s, u"--fault"_s, u"oom:limit=1"_s});
    QVERIFY(sim.start());
    QTemporaryDir dir;
    const QString output = dir.filePath(u"oom.mp4"_s);
    const CliRun run = runCli(withServer(tiny(u"animatediff"_s), sim.baseUrl(), output));
    QCOMPARE(run.exitCode, 11);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(run.err.contains("memory"), run.err.constData());
    QVERIFY2(run.err.contains("Tips:\n  - "), run.err.constData());
    QVERIFY(!run.err.contains("Details:")); // technical detail only with --verbose
    QVERIFY(!QFileInfo::exists(output));

    const CliRun verbose
            = runCli(withServer(tiny(u"animatediff"_s), sim.baseUrl(), output) << u"--verbose"_s);
    QCOMPARE(verbose.exitCode, 11);
    QVERIFY2(verbose.err.contains("insufficient_vram"), verbose.err.constData());
    QVERIFY2(verbose.err.contains("Details:"), verbose.err.constData());
}

void TestCliGenerate::missingModel()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s});
    QVERIFY(sim.start());
    QTemporaryDir dir;
    const CliRun run = runCli(
            withServer(tiny(u"animatediff"_s) << u"--checkpoint"_s << u"nope.safetensors"_s,
                       sim.baseUrl(),
                       dir.filePath(u"x.mp4"_s)));
    QCOMPARE(run.exitCode, 10);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(run.err.contains("nope.safetensors"), run.err.constData());
    QVERIFY2(run.err.contains("Tips:"), run.err.constData());
    // Nothing was submitted.
    QVERIFY(getJson(sim.url(u"/history"_s)).isEmpty());
}

void TestCliGenerate::missingCustomNode()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s, u"--without"_s, u"ade"_s});
    QVERIFY(sim.start());
    QTemporaryDir dir;
    const CliRun run
            = runCli(withServer(tiny(u"animatediff"_s), sim.baseUrl(), dir.filePath(u"x.mp4"_s)));
    QCOMPARE(run.exitCode, 16);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(run.err.contains("AnimateDiff-Evolved"), run.err.constData());
}

void TestCliGenerate::unreachableServer()
{
    const quint16 port = closedPort();
    QVERIFY(port != 0);
    QTemporaryDir dir;
    const CliRun run = runCli(withServer(tiny(u"animatediff"_s),
                                         QUrl(u"http://127.0.0.1:%1"_s.arg(port)),
                                         dir.filePath(u"x.mp4"_s)));
    QCOMPARE(run.exitCode, 14);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(run.err.contains("Tips:"), run.err.constData());
}

void TestCliGenerate::httpsWithPrivateCa()
{
    // A server with a certificate from a private CA: refused (verification stays on) until
    // --ca-file names that CA; a file that holds no certificate is a usage error.
    comfyvideo::tests::TestPki pki;
    QString error;
    QVERIFY2(pki.generate(&error), qPrintable(error));
    SimProcess sim;
    sim.setTlsFiles(pki.path(u"ip.pem"_s), pki.path(u"ip.key"_s));
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    QCOMPARE(sim.baseUrl().scheme(), u"https"_s);
    QTemporaryDir dir;
    const QString output = dir.filePath(u"tls.mp4"_s);

    const CliRun refused = runCli(withServer(tiny(u"animatediff"_s), sim.baseUrl(), output));
    QCOMPARE(refused.exitCode, 13); // network_error: the certificate is not trusted
    QVERIFY2(refused.err.contains("certificate"), refused.err.constData());
    QVERIFY(!QFileInfo::exists(output));

    const CliRun notPem = runCli(withServer(tiny(u"animatediff"_s), sim.baseUrl(), output)
                                 << u"--ca-file"_s << pki.path(u"ip.key"_s));
    QCOMPARE(notPem.exitCode, 2);
    QVERIFY2(notPem.err.contains("ca-file"), notPem.err.constData());

    const CliRun trusted = runCli(withServer(tiny(u"animatediff"_s), sim.baseUrl(), output)
                                  << u"--ca-file"_s << pki.caFile());
    QCOMPARE(trusted.exitCode, 0);
    QCOMPARE(QString::fromUtf8(trusted.out.trimmed()), QFileInfo(output).absoluteFilePath());
    const auto probe = comfyvideo::media::probeVideo(output);
    QVERIFY(probe.has_value());
    QCOMPARE(probe->frameCount, 8);
}

void TestCliGenerate::overallTimeout()
{
    SimProcess sim({u"--step-ms"_s,
                    u"5"_s,
                    u"--fault"_s,
                    u"hang:route=/history"_s,
                    u"--fault"_s,
                    u"ws-refuse"_s});
    QVERIFY(sim.start());
    QTemporaryDir dir;
    const CliRun run
            = runCli(withServer(tiny(u"animatediff"_s), sim.baseUrl(), dir.filePath(u"x.mp4"_s))
                     << u"--timeout"_s << u"2"_s);
    QCOMPARE(run.exitCode, 12);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(run.err.contains("2 seconds"), run.err.constData());
    QVERIFY(run.elapsedMs >= 2000);
    QVERIFY2(run.elapsedMs < 30000, QByteArray::number(run.elapsedMs).constData());
}

void TestCliGenerate::invalidInput()
{
    // An unreachable server: input problems are found before any connection (else 14).
    const quint16 port = closedPort();
    QTemporaryDir dir;
    const QString output = dir.filePath(u"sub/x.mp4"_s);
    const CliRun run = runCli(withServer({u"generate"_s,
                                          u"animatediff"_s,
                                          u"--prompt"_s,
                                          u"fox"_s,
                                          u"--frames"_s,
                                          u"3"_s,
                                          u"--width"_s,
                                          u"63"_s},
                                         QUrl(u"http://127.0.0.1:%1"_s.arg(port)),
                                         output));
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(run.err.contains("frames"), run.err.constData());
    QVERIFY2(run.err.contains("width"), run.err.constData());
    QVERIFY(!QFileInfo::exists(QFileInfo(output).absolutePath()));

    const CliRun noServer = runCli({u"generate"_s, u"animatediff"_s, u"--prompt"_s, u"fox"_s});
    QCOMPARE(noServer.exitCode, 2);
    QVERIFY(noServer.out.isEmpty());
    QVERIFY2(noServer.err.contains("--server"), noServer.err.constData());
    QVERIFY2(noServer.err.contains("--output"), noServer.err.constData());

    const CliRun badTimeout = runCli(
            withServer(tiny(u"animatediff"_s), QUrl(u"http://127.0.0.1:%1"_s.arg(port)), output)
            << u"--timeout"_s << u"soon"_s);
    QCOMPARE(badTimeout.exitCode, 2);
}

void TestCliGenerate::sigtermCancelsOnServer()
{
    // Slow enough to be mid-sampling when the signal comes: 40 steps of 100 ms.
    SimProcess sim({u"--step-ms"_s, u"100"_s});
    QVERIFY(sim.start());
    QTemporaryDir dir;
    QStringList args = withServer(tiny(u"animatediff"_s), sim.baseUrl(), dir.filePath(u"x.mp4"_s));
    args[args.indexOf(u"--steps"_s) + 1] = u"40"_s;
    QProcess process;
    process.setProgram(QStringLiteral(COMFYVIDEO_EXE));
    process.setArguments(args);
    process.setReadChannel(QProcess::StandardError);
    process.start();
    QByteArray err;
    while (!err.contains("step ") && process.waitForReadyRead(30000))
        err += process.readAllStandardError();
    QVERIFY2(err.contains("Sampling"), err.constData());
    process.terminate(); // SIGTERM
    QVERIFY(process.waitForFinished(30000));
    err += process.readAllStandardError();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 19);
    QVERIFY(process.readAllStandardOutput().isEmpty());
    QVERIFY2(err.contains("Canceling"), err.constData());

    // The server interrupted the prompt: its history entry says so, and nothing runs.
    const QJsonObject history = getJson(sim.url(u"/history"_s));
    QCOMPARE(history.size(), 1);
    const QJsonObject status = history.begin()->toObject().value(u"status").toObject();
    QCOMPARE(status.value(u"completed").toBool(true), false);
    bool interrupted = false;
    for (const QJsonValue &message : status.value(u"messages").toArray())
        interrupted = interrupted || message.toArray().at(0).toString() == u"execution_interrupted";
    QVERIFY2(interrupted, QJsonDocument(status).toJson().constData());
    const QJsonObject queue = getJson(sim.url(u"/queue"_s));
    QVERIFY(queue.value(u"queue_running").toArray().isEmpty());
    QVERIFY(queue.value(u"queue_pending").toArray().isEmpty());
}

QTEST_GUILESS_MAIN(TestCliGenerate)
#include "tst_cli_generate.moc"
