// ComfyClient against comfyui-sim: system stats, cached catalog refreshed on reconnect, model
// lists, upload, submit ids on both personas, queue/history/free, failures as raw facts; and
// the auth headers requests carry.
#include "clienttestutil.h"
#include "common/inmemorysecretstore.h"

using namespace comfyvideo;
using namespace comfyvideo::comfy;
using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;

namespace {

template<typename T, typename Call>
std::optional<Result<T>> await(Call call)
{
    std::optional<Result<T>> result;
    call([&](Result<T> r) { result = std::move(r); });
    (void)QTest::qWaitFor([&] { return result.has_value(); }, 20000);
    return result;
}

} // namespace

class TestComfyClient : public QObject
{
    Q_OBJECT

private slots:
    void authHeaders();
    void systemStats();
    void catalogCachedAndRefreshedOnReconnect();
    void models();
    void uploadImage();
    void submitUsesClientPromptId_data();
    void submitUsesClientPromptId();
    void earlyEventsAreKept();
    void queueHistoryFree();
    void failuresAreRawFacts();
};

void TestComfyClient::authHeaders()
{
    common::InMemorySecretStore secrets;
    secrets.setSecret(u"tok"_s, u"s3cret"_s);
    ServerConfig config;
    config.baseUrl = QUrl(u"https://comfy.example:8443/base/"_s);
    config.auth = ServerConfig::AuthKind::Bearer;
    config.secretId = u"tok"_s;
    QNetworkRequest request(config.endpoint(u"/prompt"_s));
    QCOMPARE(request.url().toString(), u"https://comfy.example:8443/base/prompt"_s);
    prepareRequest(request, config, &secrets);
    QCOMPARE(request.rawHeader("Authorization"), "Bearer s3cret"_ba);
    config.auth = ServerConfig::AuthKind::Basic;
    config.userName = u"ann"_s;
    QNetworkRequest basic(config.endpoint(u"/queue"_s));
    prepareRequest(basic, config, &secrets);
    QCOMPARE(basic.rawHeader("Authorization"), "Basic " + "ann:s3cret"_ba.toBase64());
    config.auth = ServerConfig::AuthKind::None;
    QNetworkRequest none(config.endpoint(u"/queue"_s));
    prepareRequest(none, config, &secrets);
    QVERIFY(!none.hasRawHeader("Authorization"));
    QCOMPARE(config.webSocketUrl(u"c"_s).toString(),
             u"wss://comfy.example:8443/base/ws?clientId=c"_s);
}

void TestComfyClient::systemStats()
{
    SimProcess sim({u"--vram-gb"_s, u"8"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    const auto r = await<SystemStats>([&](auto cb) { client.systemStats(cb); });
    QVERIFY(r && r->has_value());
    const SystemStats &stats = **r;
    QCOMPARE(stats.comfyuiVersion, u"0.3.64"_s);
    QVERIFY(!stats.devices.isEmpty());
    QCOMPARE(stats.devices.first().vramTotal, 8LL * 1024 * 1024 * 1024);
    QVERIFY(stats.devices.first().vramFree > 0);
    QVERIFY(stats.devices.first().vramFree <= stats.devices.first().vramTotal);
}

void TestComfyClient::catalogCachedAndRefreshedOnReconnect()
{
    SimProcess sim({u"--fault"_s, u"ws-drop:after=1"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    std::optional<Result<NodeCatalog>> first;
    HttpRequest *request = client.objectInfo([&](Result<NodeCatalog> c) { first = c; });
    QVERIFY(request);
    QTRY_VERIFY_WITH_TIMEOUT(first.has_value(), 20000);
    QVERIFY(first->has_value());
    QVERIFY(client.cachedCatalog().has_value());
    std::optional<Result<NodeCatalog>> second;
    QCOMPARE(client.objectInfo([&](Result<NodeCatalog> c) { second = c; }), nullptr);
    QVERIFY(!second.has_value()); // never synchronously
    QTRY_VERIFY(second.has_value());
    QVERIFY(second->has_value());
    QSignalSpy changed(&client, &ComfyClient::catalogChanged);
    client.events()->open(); // the socket drops after each first message and reconnects
    QVERIFY(changed.wait(20000));
    QVERIFY(client.events()->connectCount() >= 2);
    QVERIFY(client.cachedCatalog().has_value());
}

void TestComfyClient::models()
{
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    const auto r = await<QStringList>([&](auto cb) { client.models(u"checkpoints"_s, cb); });
    QVERIFY(r && r->has_value());
    QVERIFY((*r)->contains(u"v1-5-pruned-emaonly.safetensors"_s));
    const auto missing = await<QStringList>([&](auto cb) { client.models(u"nope"_s, cb); });
    QVERIFY(missing && !missing->has_value());
    QCOMPARE(missing->error().httpStatus, 404);
}

void TestComfyClient::uploadImage()
{
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    const QString image = QStringLiteral(CV_CAPTURES_DIR "/svd_input.png");
    for (int i = 0; i < 2; ++i) { // overwrite=true: the same name both times
        const auto r = await<UploadedImage>([&](auto cb) { client.uploadImage(image, cb); });
        QVERIFY(r && r->has_value());
        QCOMPARE((*r)->name, u"svd_input.png"_s);
        QCOMPARE((*r)->type, u"input"_s);
        QCOMPARE((*r)->loadImageName(), u"svd_input.png"_s);
    }
    QFile stored(sim.dataDir() + u"/input/svd_input.png"_s);
    QFile original(image);
    QVERIFY(stored.open(QIODevice::ReadOnly) && original.open(QIODevice::ReadOnly));
    QCOMPARE(stored.readAll(), original.readAll());
    const auto missing = await<UploadedImage>(
            [&](auto cb) { client.uploadImage(u"/nonexistent/x.png"_s, cb); });
    QVERIFY(missing && !missing->has_value());
}

void TestComfyClient::submitUsesClientPromptId_data()
{
    QTest::addColumn<QString>("persona");
    QTest::addColumn<bool>("honoured");
    QTest::newRow("0.3.64") << u"0.3.64"_s << true;
    QTest::newRow("2024") << u"2024"_s << false;
}

void TestComfyClient::submitUsesClientPromptId()
{
    QFETCH(QString, persona);
    QFETCH(bool, honoured);
    SimProcess sim({u"--persona"_s, persona, u"--step-ms"_s, u"5"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    QVERIFY(waitConnected(client));
    const BuiltWorkflow workflow = buildFor(client, tinyAnimateDiff());
    const auto r = await<SubmitResult>([&](auto cb) { client.submit(workflow.prompt, cb); });
    QVERIFY(r && r->has_value());
    const SubmitResult &s = **r;
    static const QRegularExpression uuid(
            u"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"_s);
    QVERIFY(uuid.match(s.requestedPromptId).hasMatch());
    QCOMPARE(s.promptId == s.requestedPromptId, honoured);
    for (const ws::Event &e : s.earlyEvents)
        QCOMPARE(ws::promptIdOf(e), s.promptId);
    // The server knows the prompt under the returned id: queued, running or finished.
    const auto q = await<QueueState>([&](auto cb) { client.queue(cb); });
    const auto h
            = await<std::optional<QJsonObject>>([&](auto cb) { client.history(s.promptId, cb); });
    QVERIFY(q && q->has_value() && h && h->has_value());
    QVERIFY((*q)->positionOf(s.promptId) >= 0 || (*h)->has_value());
}

// Messages that arrive while POST /prompt is out are handed over with its answer, filtered by
// the id the server answers with.
void TestComfyClient::earlyEventsAreKept()
{
    SimProcess sim({u"--step-ms"_s, u"5"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    const BuiltWorkflow workflow = buildFor(client, tinyAnimateDiff());
    const QString id = ComfyClient::newPromptId();
    std::optional<Result<SubmitResult>> result;
    client.submit(workflow.prompt, id, [&](Result<SubmitResult> r) { result = r; });
    // Before the answer can arrive (no event loop has run yet):
    emit client.events()->eventReceived(ws::Status{1, {}});
    emit client.events()->eventReceived(ws::ExecutionStart{id});
    emit client.events()->eventReceived(ws::ExecutionStart{u"someone-else"_s});
    emit client.events()->eventReceived(ws::ExecutionCached{id, {u"1"_s}});
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000);
    QVERIFY(result->has_value());
    const SubmitResult &s = **result;
    QCOMPARE(s.promptId, id);
    QCOMPARE(s.earlyEvents.size(), 2);
    QCOMPARE(std::get<ws::ExecutionStart>(s.earlyEvents.at(0)).promptId, id);
    QCOMPARE(std::get<ws::ExecutionCached>(s.earlyEvents.at(1)).nodes, QStringList{u"1"_s});
}

void TestComfyClient::queueHistoryFree()
{
    SimProcess sim;
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    const auto q = await<QueueState>([&](auto cb) { client.queue(cb); });
    QVERIFY(q && q->has_value());
    QVERIFY((*q)->running.isEmpty() && (*q)->pending.isEmpty());
    const auto h = await<std::optional<QJsonObject>>(
            [&](auto cb) { client.history(ComfyClient::newPromptId(), cb); });
    QVERIFY(h && h->has_value());
    QVERIFY(!(*h)->has_value()); // {} for an unknown id
    const auto f = await<bool>([&](auto cb) { client.free(true, true, cb); });
    QVERIFY(f && f->has_value());
    const auto i = await<bool>([&](auto cb) { client.interrupt(ComfyClient::newPromptId(), cb); });
    QVERIFY(i && i->has_value());
    const auto d = await<bool>([&](auto cb) { client.deleteFromQueue({u"x"_s}, cb); });
    QVERIFY(d && d->has_value());
}

void TestComfyClient::failuresAreRawFacts()
{
    SimProcess sim({u"--fault"_s,
                    u"malformed-json:route=/queue"_s,
                    u"--fault"_s,
                    u"http-error:route=/system_stats,status=503,count=1"_s});
    QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
    ComfyClient client(configFor(sim), nullptr);
    const auto q = await<QueueState>([&](auto cb) { client.queue(cb); });
    QVERIFY(q && !q->has_value());
    QCOMPARE(q->error().stage, Failure::Stage::Malformed);
    QCOMPARE(q->error().httpStatus, 200);
    const auto s = await<SystemStats>([&](auto cb) { client.systemStats(cb); });
    QVERIFY(s && !s->has_value());
    QCOMPARE(s->error().stage, Failure::Stage::Network);
    QCOMPARE(s->error().httpStatus, 503);
    const QUrl base = sim.baseUrl();
    sim.kill();
    const auto down = await<SystemStats>([&](auto cb) { client.systemStats(cb); });
    QVERIFY(down && !down->has_value());
    QCOMPARE(down->error().networkError, QNetworkReply::ConnectionRefusedError);
    QCOMPARE(down->error().httpStatus, 0);
    QVERIFY(down->error().url.startsWith(base.toString()));
}

QTEST_GUILESS_MAIN(TestComfyClient)
#include "tst_comfyclient.moc"
