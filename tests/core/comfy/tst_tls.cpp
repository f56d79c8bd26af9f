// TLS end to end against comfyui-sim --tls-cert/--tls-key: HTTPS and WSS on one port with a
// private CA given as ServerConfig::extraCaFile; without that CA, with another CA, with a
// certificate for another host name, and https to a plain server: TLS failures, classified
// network_error and not retried. The certificates are made at test time with the openssl CLI.
#include "fakes/testpki.h"
#include "robustnesstestutil.h"

#include "comfy/eventstream.h"
#include "media/videoprobe.h"

#include <QDir>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace comfyvideo;
using namespace comfyvideo::comfy;
using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using Kind = JobOutcome::Kind;

namespace {

ServerConfig tlsConfig(const QUrl &baseUrl, const QString &caFile)
{
    ServerConfig config;
    config.baseUrl = baseUrl;
    config.extraCaFile = caFile;
    config.requestTimeout = 10s;
    return config;
}

QUrl withHost(QUrl url, const QString &host)
{
    url.setHost(host);
    return url;
}

EventStream::Timing quickReconnects()
{
    EventStream::Timing timing;
    timing.initialBackoff = 20ms;
    timing.maxBackoff = 100ms;
    return timing;
}

} // namespace

class TestTls : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void simulatorServesOnlyTls();
    void wholeRunOverHttpsAndWss();
    void untrustedCertificateIsTlsFailure_data();
    void untrustedCertificateIsTlsFailure();
    void httpsToPlainServerIsTlsFailure();
    void cleanupTestCase();

private:
    // The TLS failure of one client: systemStats fails with a TLS error classified as
    // network_error (not retried, a tip about the certificate); the event stream never opens;
    // a tracked prompt fails fast with the same classification.
    void verifyTlsFailure(const ServerConfig &config);

    TestPki m_pki;
    std::unique_ptr<SimProcess> m_ipSim;  // certificate for IP:127.0.0.1
    std::unique_ptr<SimProcess> m_dnsSim; // certificate for DNS:localhost
    BuiltWorkflow m_workflow;             // built with a trusting client
};

void TestTls::initTestCase()
{
    QString error;
    QVERIFY2(m_pki.generate(&error), qPrintable(error));
    QVERIFY(QSslSocket::supportsSsl());
    m_ipSim = std::make_unique<SimProcess>(QStringList{u"--step-ms"_s, u"5"_s});
    m_ipSim->setTlsFiles(m_pki.path(u"ip.pem"_s), m_pki.path(u"ip.key"_s));
    QVERIFY2(m_ipSim->start(), qPrintable(m_ipSim->errorOutput()));
    m_dnsSim = std::make_unique<SimProcess>(QStringList{u"--step-ms"_s, u"5"_s});
    m_dnsSim->setTlsFiles(m_pki.path(u"dns.pem"_s), m_pki.path(u"dns.key"_s));
    QVERIFY2(m_dnsSim->start(), qPrintable(m_dnsSim->errorOutput()));
    ComfyClient trusting(tlsConfig(m_ipSim->baseUrl(), m_pki.caFile()), nullptr);
    m_workflow = buildFor(trusting, tinyAnimateDiff(3));
    QVERIFY(!m_workflow.prompt.isEmpty());
}

void TestTls::cleanupTestCase()
{
    m_ipSim.reset();
    m_dnsSim.reset();
}

void TestTls::simulatorServesOnlyTls()
{
    QCOMPARE(m_ipSim->baseUrl().scheme(), u"https"_s);
    QCOMPARE(m_ipSim->wsUrl(u"c"_s).scheme(), u"wss"_s);
    // Plain HTTP on the TLS port is not answered as HTTP: the connection is dropped at once
    // (no hang until a timeout).
    QNetworkAccessManager network;
    QUrl plain = m_ipSim->url(u"/system_stats"_s);
    plain.setScheme(u"http"_s);
    QNetworkRequest request(plain);
    request.setTransferTimeout(10000);
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
    QVERIFY(reply->error() != QNetworkReply::NoError);
    QVERIFY(reply->error() != QNetworkReply::OperationCanceledError); // not the timeout
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 0);
    // A bad simulator configuration is refused at start.
    SimProcess broken;
    broken.setTlsFiles(m_pki.path(u"ip.pem"_s), m_pki.path(u"missing.key"_s));
    QVERIFY(!broken.start());
    QVERIFY2(broken.errorOutput().contains(u"missing.key"_s), qPrintable(broken.errorOutput()));
    SimProcess half({u"--tls-cert"_s, m_pki.path(u"ip.pem"_s)});
    QVERIFY(!half.start());
    QVERIFY2(half.errorOutput().contains(u"--tls-key"_s), qPrintable(half.errorOutput()));
}

void TestTls::wholeRunOverHttpsAndWss()
{
    const ServerConfig config = tlsConfig(m_ipSim->baseUrl(), m_pki.caFile());
    QCOMPARE(config.webSocketUrl(u"x"_s).scheme(), u"wss"_s);
    ComfyClient client(config, nullptr);
    const auto stats = awaitResult<SystemStats>([&](auto done) { client.systemStats(done); });
    QVERIFY(stats && stats->has_value());
    QCOMPARE((*stats)->comfyuiVersion, u"0.3.64"_s);
    const auto catalog = awaitResult<NodeCatalog>([&](auto done) { client.objectInfo(done); });
    QVERIFY(catalog && catalog->has_value());
    QVERIFY((*catalog)->hasNode(u"ADE_UseEvolvedSampling"_s));
    QVERIFY(waitConnected(client)); // over wss, verified with the extra CA
    QTRY_VERIFY_WITH_TIMEOUT(client.events()->isRouted(), 5000);

    QTemporaryDir out;
    JobTracker::Options options = fastTrackerOptions(out.path());
    options.localName = u"tls.mp4"_s;
    JobTracker tracker(&client, buildFor(client, tinyAnimateDiff()), options);
    TrackedRun run;
    runToEnd(tracker, run);
    QVERIFY(run.outcome);
    QCOMPARE(run.outcome->kind, Kind::Succeeded);
    // Sampler steps arrive only over the socket: the run was followed over wss.
    QVERIFY(std::ranges::any_of(run.progress, [](const Progress &p) {
        return p.phase == Progress::Phase::Sampling && p.steps == 4 && p.step > 0;
    }));
    QCOMPARE(client.events()->connectCount(), 1);
    QVERIFY(run.outcome->download); // and /view over https
    QCOMPARE(run.outcome->download->path, QDir(out.path()).filePath(u"tls.mp4"_s));
    const auto info = media::probeVideo(run.outcome->download->path);
    QVERIFY2(info, info ? "" : qPrintable(info.error()));
    QCOMPARE(info->frameCount, 8);
}

void TestTls::untrustedCertificateIsTlsFailure_data()
{
    QTest::addColumn<QString>("server"); // "ip" or "dns"
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("caFile"); // "ca", "other", "missing" or "" (none)
    QTest::newRow("no extra CA") << u"ip"_s << u"127.0.0.1"_s << QString();
    QTest::newRow("CA file missing") << u"ip"_s << u"127.0.0.1"_s << u"missing"_s;
    QTest::newRow("another CA") << u"ip"_s << u"127.0.0.1"_s << u"other"_s;
    QTest::newRow("IP certificate, name localhost") << u"ip"_s << u"localhost"_s << u"ca"_s;
    QTest::newRow("localhost certificate, IP 127.0.0.1") << u"dns"_s << u"127.0.0.1"_s << u"ca"_s;
}

void TestTls::untrustedCertificateIsTlsFailure()
{
    QFETCH(QString, server);
    QFETCH(QString, host);
    QFETCH(QString, caFile);
    const SimProcess &sim = server == u"ip" ? *m_ipSim : *m_dnsSim;
    QString ca;
    if (caFile == u"ca")
        ca = m_pki.caFile();
    else if (caFile == u"other")
        ca = m_pki.otherCaFile();
    else if (caFile == u"missing")
        ca = m_pki.path(u"no-such-ca.pem"_s);
    verifyTlsFailure(tlsConfig(withHost(sim.baseUrl(), host), ca));
    if (QTest::currentTestFailed())
        return;
    // The same server is fine for a client that trusts it under the right name.
    const QString goodHost = server == u"ip" ? u"127.0.0.1"_s : u"localhost"_s;
    ComfyClient good(tlsConfig(withHost(sim.baseUrl(), goodHost), m_pki.caFile()), nullptr);
    const auto stats = awaitResult<SystemStats>([&](auto done) { good.systemStats(done); });
    QVERIFY(stats && stats->has_value());
}

void TestTls::verifyTlsFailure(const ServerConfig &config)
{
    ComfyClient client(config, nullptr);
    const auto stats = awaitResult<SystemStats>([&](auto done) { client.systemStats(done); });
    QVERIFY(stats.has_value());
    QVERIFY(!stats->has_value());
    const Failure &failure = stats->error();
    QCOMPARE(failure.networkError, QNetworkReply::SslHandshakeFailedError);
    QCOMPARE(failure.httpStatus, 0);
    const errors::Error error = toError(failure);
    QCOMPARE(error.kind, errors::ErrorKind::NetworkError);
    QVERIFY(!error.retryable);
    QVERIFY(!error.actions.testFlag(errors::Action::Retry));
    QVERIFY2(error.userMessage.contains(u"TLS"_s), qPrintable(error.userMessage));
    QVERIFY2(error.tips.join(u' ').contains(u"certificate"_s), qPrintable(error.tips.join(u' ')));
    QVERIFY(!error.technicalDetail.isEmpty());

    // The event stream never opens, and keeps backing off (it never skips verification).
    client.events()->setTiming(quickReconnects());
    QSignalSpy failed(client.events(), &EventStream::connectionFailed);
    client.events()->open();
    QTRY_VERIFY_WITH_TIMEOUT(failed.size() >= 2, 10000);
    QCOMPARE(client.events()->connectCount(), 0);
    QVERIFY(!client.events()->isConnected());
    client.events()->close();

    // A tracked prompt: the submission fails the same way, at once.
    JobTracker tracker(&client, m_workflow, fastTrackerOptions());
    TrackedRun run;
    runToEnd(tracker, run, 15000);
    QVERIFY(run.outcome);
    QCOMPARE(run.outcome->kind, Kind::Failed);
    QCOMPARE(run.outcome->failure->networkError, QNetworkReply::SslHandshakeFailedError);
    QCOMPARE(errorOf(*run.outcome).kind, errors::ErrorKind::NetworkError);
    QVERIFY(!errorOf(*run.outcome).retryable);
}

void TestTls::httpsToPlainServerIsTlsFailure()
{
    SimProcess plain;
    QVERIFY2(plain.start(), qPrintable(plain.errorOutput()));
    QUrl url = plain.baseUrl();
    url.setScheme(u"https"_s);
    verifyTlsFailure(tlsConfig(url, m_pki.caFile()));
}

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
