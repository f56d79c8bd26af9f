// comfyui-sim's HTTP routes against the reference: /view rules and ranges, uploads, history
// paging, queue shapes, object_info/models/features/system_stats, and the 2024 persona.
#include "fakes/simprocess.h"
#include "simtestkit.h"

#include <QtTest>

using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;

class TestSimulatorRoutes : public QObject
{
    Q_OBJECT

private:
    // A one-node-output prompt: EmptyLatentImage -> KSampler -> VAEDecode -> SaveAnimatedWEBP.
    static QJsonObject tinyPrompt(int seed)
    {
        const auto link = [](const char *node, int index) {
            return QJsonArray{QString::fromLatin1(node), index};
        };
        return QJsonObject{
                {u"1"_s,
                 QJsonObject{
                         {u"class_type"_s, u"CheckpointLoaderSimple"_s},
                         {u"inputs"_s,
                          QJsonObject{{u"ckpt_name"_s, u"v1-5-pruned-emaonly.safetensors"_s}}}}},
                {u"2"_s,
                 QJsonObject{{u"class_type"_s, u"CLIPTextEncode"_s},
                             {u"inputs"_s,
                              QJsonObject{{u"text"_s, u"fox"_s}, {u"clip"_s, link("1", 1)}}}}},
                {u"3"_s,
                 QJsonObject{
                         {u"class_type"_s, u"EmptyLatentImage"_s},
                         {u"inputs"_s,
                          QJsonObject{{u"width"_s, 16}, {u"height"_s, 16}, {u"batch_size"_s, 2}}}}},
                {u"4"_s,
                 QJsonObject{{u"class_type"_s, u"KSampler"_s},
                             {u"inputs"_s,
                              QJsonObject{{u"model"_s, link("1", 0)},
                                          {u"seed"_s, seed},
                                          {u"steps"_s, 1},
                                          {u"cfg"_s, 7.0},
                                          {u"sampler_name"_s, u"euler"_s},
                                          {u"scheduler"_s, u"normal"_s},
                                          {u"positive"_s, link("2", 0)},
                                          {u"negative"_s, link("2", 0)},
                                          {u"latent_image"_s, link("3", 0)},
                                          {u"denoise"_s, 1.0}}}}},
                {u"5"_s,
                 QJsonObject{
                         {u"class_type"_s, u"VAEDecode"_s},
                         {u"inputs"_s,
                          QJsonObject{{u"samples"_s, link("4", 0)}, {u"vae"_s, link("1", 2)}}}}},
                {u"6"_s,
                 QJsonObject{{u"class_type"_s, u"SaveAnimatedWEBP"_s},
                             {u"inputs"_s,
                              QJsonObject{{u"images"_s, link("5", 0)},
                                          {u"filename_prefix"_s, u"tiny"_s},
                                          {u"fps"_s, 6.0},
                                          {u"lossless"_s, false},
                                          {u"quality"_s, 80},
                                          {u"method"_s, u"default"_s}}}}}};
    }

    QString runTiny(QNetworkAccessManager &nam, const SimProcess &sim, int seed)
    {
        const HttpResult r
                = httpPostJson(nam, sim.url(u"/prompt"_s), {{u"prompt"_s, tinyPrompt(seed)}});
        const QString id = r.object().value(u"prompt_id").toString();
        const bool done = WsRecorder::waitUntil(
                [&] { return httpGet(nam, sim.url(u"/history/"_s + id)).object().contains(id); });
        return done ? id : QString();
    }

private slots:
    void viewRejectsTraversalAndServesRanges()
    {
        SimProcess sim({u"--step-ms"_s, u"0"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        const QString id = runTiny(nam, sim, 1);
        QVERIFY(!id.isEmpty());
        const QJsonObject image = httpGet(nam, sim.url(u"/history/"_s + id))
                                          .object()
                                          .value(id)
                                          .toObject()
                                          .value(u"outputs")
                                          .toObject()
                                          .value(u"6")
                                          .toObject()
                                          .value(u"images")
                                          .toArray()
                                          .at(0)
                                          .toObject();
        QCOMPARE(image.value(u"filename").toString(), u"tiny_00001_.webp"_s);
        const auto view = [&](const QString &query) {
            return httpGet(nam, sim.url(u"/view?"_s + query)).status;
        };
        QCOMPARE(view(u"filename=tiny_00001_.webp&type=output"_s), 200);
        QCOMPARE(view(u"filename=tiny_00001_.webp [output]"_s), 200);
        QCOMPARE(view(u"subfolder=x"_s), 404);
        QCOMPARE(view(u"filename=../secret.txt"_s), 400);
        QCOMPARE(view(u"filename=/etc/passwd"_s), 400);
        QCOMPARE(view(u"filename=a..b.png"_s), 400);
        QCOMPARE(view(u"filename=tiny_00001_.webp&type=bogus"_s), 400);
        QCOMPARE(view(u"filename=tiny_00001_.webp&subfolder=../.."_s), 403);
        QCOMPARE(view(u"filename=tiny_00001_.webp&subfolder=/etc"_s), 403);
        QCOMPARE(view(u"filename=missing.webp"_s), 404);
        QCOMPARE(view(u"filename=x/tiny_00001_.webp"_s), 200); // reduced to the basename
        const HttpResult whole = httpGet(nam, sim.url(u"/view?filename=tiny_00001_.webp"_s));
        QCOMPARE(whole.headers.value("content-type"), QByteArray("image/webp"));
        QCOMPARE(whole.headers.value("content-disposition"),
                 QByteArray("filename=\"tiny_00001_.webp\""));
        const HttpResult part
                = httpGet(nam, sim.url(u"/view?filename=tiny_00001_.webp"_s), "bytes=0-9");
        QCOMPARE(part.status, 206);
        QCOMPARE(part.body, whole.body.left(10));
    }

    void uploadNamesAndOverwrite()
    {
        SimProcess sim;
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        const QUrl url = sim.url(u"/upload/image"_s);
        const QByteArray png = readCapture(u"svd_input.png"_s);
        HttpResult r = uploadImage(nam, url, u"init.png"_s, png);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object(),
                 (QJsonObject{{u"name"_s, u"init.png"_s},
                              {u"subfolder"_s, u""_s},
                              {u"type"_s, u"input"_s}}));
        QCOMPARE(uploadImage(nam, url, u"init.png"_s, png).object().value(u"name").toString(),
                 u"init.png"_s); // identical bytes: not duplicated
        QCOMPARE(uploadImage(nam, url, u"init.png"_s, png + "x").object().value(u"name").toString(),
                 u"init (1).png"_s);
        QCOMPARE(
                uploadImage(nam, url, u"init.png"_s, png + "yy").object().value(u"name").toString(),
                u"init (2).png"_s);
        r = uploadImage(nam, url, u"init.png"_s, png + "z", {{"overwrite", "true"}});
        QCOMPARE(r.object().value(u"name").toString(), u"init.png"_s);
        QFile stored(sim.dataDir() + u"/input/init.png"_s);
        QVERIFY(stored.open(QIODevice::ReadOnly));
        QCOMPARE(stored.readAll(), png + "z");
        r = uploadImage(nam, url, u"init.png"_s, png, {{"subfolder", "sub"}, {"type", "temp"}});
        QCOMPARE(r.object(),
                 (QJsonObject{{u"name"_s, u"init.png"_s},
                              {u"subfolder"_s, u"sub"_s},
                              {u"type"_s, u"temp"_s}}));
        QCOMPARE(uploadImage(nam, url, u"init.png"_s, png, {{"subfolder", "../.."}}).status, 400);
        QCOMPARE(uploadImage(nam, url, QString(), {}, {{"type", "input"}}).status, 400);
        // LoadImage's combo lists the input folder.
        const QJsonObject load = httpGet(nam, sim.url(u"/object_info/LoadImage"_s)).object();
        const QJsonArray files = load.value(u"LoadImage")
                                         .toObject()
                                         .value(u"input")
                                         .toObject()
                                         .value(u"required")
                                         .toObject()
                                         .value(u"image")
                                         .toArray()
                                         .at(0)
                                         .toArray();
        QVERIFY(files.contains(u"init (1).png"_s));
    }

    void historyPagingAndQueueShapes()
    {
        SimProcess sim({u"--step-ms"_s, u"0"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        QStringList ids;
        for (int seed = 1; seed <= 3; ++seed)
            ids.append(runTiny(nam, sim, seed));
        QVERIFY(!ids.contains(QString()));
        const HttpResult recent = httpGet(nam, sim.url(u"/history?max_items=2"_s));
        QCOMPARE(recent.object().keys().size(), 2);
        QVERIFY(recent.object().contains(ids.at(1)) && recent.object().contains(ids.at(2)));
        QVERIFY(recent.body.indexOf(ids.at(1).toUtf8()) < recent.body.indexOf(ids.at(2).toUtf8()));
        QCOMPARE(httpGet(nam, sim.url(u"/history?max_items=1&offset=0"_s)).object().keys(),
                 QStringList{ids.at(0)});
        QCOMPARE(httpGet(nam, sim.url(u"/history"_s)).object().size(), 3);
        const QJsonArray prompt = httpGet(nam, sim.url(u"/history/"_s + ids.at(0)))
                                          .object()
                                          .value(ids.at(0))
                                          .toObject()
                                          .value(u"prompt")
                                          .toArray();
        QCOMPARE(prompt.size(), 5);
        QCOMPARE(prompt.at(4).toArray(), QJsonArray{u"6"_s});
        QCOMPARE(httpPostJson(nam, sim.url(u"/history"_s), {{u"delete"_s, QJsonArray{ids.at(0)}}})
                         .status,
                 200);
        QCOMPARE(httpGet(nam, sim.url(u"/history/"_s + ids.at(0))).body, QByteArray("{}"));
        QCOMPARE(httpPostJson(nam, sim.url(u"/history"_s), {{u"clear"_s, true}}).status, 200);
        QCOMPARE(httpGet(nam, sim.url(u"/history"_s)).body, QByteArray("{}"));
        QCOMPARE(httpGet(nam, sim.url(u"/queue"_s)).object(),
                 QJsonDocument::fromJson(readCapture(u"queue_idle.json"_s)).object());
        QCOMPARE(httpGet(nam, sim.url(u"/prompt"_s)).object(),
                 QJsonDocument::fromJson(readCapture(u"prompt_get.json"_s)).object());
        QCOMPARE(httpPost(nam, sim.url(u"/queue"_s), "{not json").status, 500);
        QCOMPARE(httpPost(nam, sim.url(u"/prompt"_s), "{}")
                         .object()
                         .value(u"error")
                         .toObject()
                         .value(u"type")
                         .toString(),
                 u"no_prompt"_s);
    }

    void infoRoutes()
    {
        SimProcess sim({u"--vram-gb"_s,
                        u"8"_s,
                        u"--model"_s,
                        u"checkpoints/a.safetensors"_s,
                        u"--model"_s,
                        u"animatediff_models/m.ckpt"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        const QJsonObject stats = httpGet(nam, sim.url(u"/system_stats"_s)).object();
        const QJsonObject want
                = QJsonDocument::fromJson(readCapture(u"system_stats.json"_s)).object();
        QCOMPARE(stats.value(u"system").toObject().keys(), want.value(u"system").toObject().keys());
        const QJsonObject device = stats.value(u"devices").toArray().at(0).toObject();
        QCOMPARE(device.keys(), want.value(u"devices").toArray().at(0).toObject().keys());
        QCOMPARE(device.value(u"vram_total").toDouble(), 8.0 * 1024 * 1024 * 1024);
        QCOMPARE(httpGet(nam, sim.url(u"/features"_s)).object(),
                 QJsonDocument::fromJson(readCapture(u"features.json"_s)).object());
        QCOMPARE(httpGet(nam, sim.url(u"/models/checkpoints"_s)).array(),
                 QJsonArray{u"a.safetensors"_s});
        QCOMPARE(httpGet(nam, sim.url(u"/api/models/animatediff_models"_s)).array(),
                 QJsonArray{u"m.ckpt"_s});
        QCOMPARE(httpGet(nam, sim.url(u"/models/unet"_s)).status, 404);
        QCOMPARE(httpGet(nam, sim.url(u"/models"_s)).array(),
                 QJsonDocument::fromJson(readCapture(u"models.json"_s)).array());
        const QJsonObject info = httpGet(nam, sim.url(u"/object_info"_s)).object();
        for (const char *node : {"KSampler",
                                 "VHS_VideoCombine",
                                 "ADE_UseEvolvedSampling",
                                 "SVD_img2vid_Conditioning",
                                 "SaveAnimatedWEBP",
                                 "ADE_StandardUniformContextOptions"})
            QVERIFY2(info.contains(QString::fromLatin1(node)), node);
        QCOMPARE(info.value(u"CheckpointLoaderSimple")
                         .toObject()
                         .value(u"input")
                         .toObject()
                         .value(u"required")
                         .toObject()
                         .value(u"ckpt_name")
                         .toArray()
                         .at(0),
                 QJsonArray{u"a.safetensors"_s});
        QCOMPARE(httpGet(nam, sim.url(u"/object_info/NoSuchNode"_s)).body, QByteArray("{}"));
        QCOMPARE(httpGet(nam, sim.url(u"/embeddings"_s)).array(), QJsonArray{});
        QCOMPARE(httpPostJson(nam, sim.url(u"/free"_s), {{u"free_memory"_s, true}}).status, 200);

        SimProcess bare({u"--without"_s, u"ade"_s, u"--without"_s, u"vhs"_s});
        QVERIFY(bare.start());
        QCOMPARE(httpGet(nam, bare.url(u"/object_info/VHS_VideoCombine"_s)).body, QByteArray("{}"));
        QCOMPARE(httpGet(nam, bare.url(u"/object_info/ADE_UseEvolvedSampling"_s)).body,
                 QByteArray("{}"));
        const QJsonArray folders = httpGet(nam, bare.url(u"/models"_s)).array();
        QVERIFY(!folders.contains(u"animatediff_models"_s));
        QVERIFY(!folders.contains(u"VHS_video_formats"_s));
    }

    void legacyPersona()
    {
        SimProcess sim({u"--persona"_s, u"2024"_s, u"--step-ms"_s, u"0"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        QCOMPARE(httpGet(nam, sim.url(u"/features"_s)).status, 404);
        QCOMPARE(httpGet(nam, sim.url(u"/models"_s)).status, 404);
        const QJsonObject vhs = httpGet(nam, sim.url(u"/object_info/VHS_VideoCombine"_s))
                                        .object()
                                        .value(u"VHS_VideoCombine")
                                        .toObject();
        QVERIFY(!vhs.contains(u"input_order"_s));
        const QJsonArray formats = vhs.value(u"input")
                                           .toObject()
                                           .value(u"required")
                                           .toObject()
                                           .value(u"format")
                                           .toArray()
                                           .at(0)
                                           .toArray();
        QVERIFY(formats.at(0).isString());
        QVERIFY(std::any_of(
                formats.begin(), formats.end(), [](const QJsonValue &v) { return v.isArray(); }));
        QCOMPARE(httpGet(nam, sim.url(u"/system_stats"_s))
                         .object()
                         .value(u"system")
                         .toObject()
                         .keys(),
                 (QStringList{u"embedded_python"_s, u"os"_s, u"python_version"_s}));
        const HttpResult noPrompt = httpPost(nam, sim.url(u"/prompt"_s), "{}");
        QCOMPARE(noPrompt.object().value(u"error").toString(), u"no prompt"_s);

        WsRecorder ws;
        const QString client = newId();
        QVERIFY(ws.open(sim.wsUrl(client)));
        ws.socket.sendTextMessage(
                uR"({"type": "feature_flags", "data": {"supports_preview_metadata": true}})"_s);
        const auto run = [&] {
            const int from = int(ws.messages.size());
            const QString id
                    = httpPostJson(nam,
                                   sim.url(u"/prompt"_s),
                                   {{u"prompt"_s, tinyPrompt(3)}, {u"client_id"_s, client}})
                              .object()
                              .value(u"prompt_id")
                              .toString();
            return ws.waitForEnd(id) ? from : -1;
        };
        const int first = run();
        QVERIFY(first >= 0);
        for (const WsMessage &m : std::as_const(ws.messages)) {
            QVERIFY(m.type != u"progress_state" && m.type != u"execution_success"
                    && m.type != u"feature_flags");
            QVERIFY(!m.data.contains(u"timestamp"_s));
            QVERIFY(!m.data.contains(u"display_node"_s));
        }
        QCOMPARE(ws.count(u"executed"_s), 1);
        const int second = run(); // fully cached: no executed replay before 2024-08
        QVERIFY(second >= 0);
        QCOMPARE(ws.count(u"executed"_s), 1);
    }
};

QTEST_GUILESS_MAIN(TestSimulatorRoutes)
#include "tst_simulatorroutes.moc"
