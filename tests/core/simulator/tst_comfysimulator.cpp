// Conformance of comfyui-sim's runs with the real ComfyUI 0.3.64 captures: message order of a
// normal, cached, partly cached, SVD, OOM and interrupted run; outputs; history entries.
#include "fakes/simprocess.h"
#include "media/videoprobe.h"
#include "simtestkit.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;

class TestComfySimulator : public QObject
{
    Q_OBJECT

private:
    // Shrinks a capture request so the run is quick (64x64, 4 frames, 3 steps).
    static QByteArray small(QByteArray request)
    {
        request.replace("\"width\": 512, \"height\": 512, \"batch_size\": 16",
                        "\"width\": 64, \"height\": 64, \"batch_size\": 4");
        request.replace("\"width\": 1024, \"height\": 576, \"video_frames\": 14",
                        "\"width\": 64, \"height\": 48, \"video_frames\": 5");
        request.replace("\"steps\": 20,", "\"steps\": 3,");
        return request;
    }

    HttpResult post(QNetworkAccessManager &nam, const SimProcess &sim, const QByteArray &body)
    {
        return httpPost(nam, sim.url(QStringLiteral("/prompt")), body);
    }

    QJsonObject historyEntry(QNetworkAccessManager &nam, const SimProcess &sim, const QString &id)
    {
        return httpGet(nam, sim.url(QStringLiteral("/history/") + id))
                .object()
                .value(id)
                .toObject();
    }

private slots:
    void normalRunMatchesCaptureAndWritesMp4()
    {
        SimProcess sim({QStringLiteral("--step-ms"), QStringLiteral("5")});
        QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
        QNetworkAccessManager nam;
        WsRecorder ws;
        const QString client = newId();
        QVERIFY(ws.open(sim.wsUrl(client)));
        const QByteArray request
                = withClient(small(captureRequest(u"ws_animatediff_16f.jsonl"_s)), client);
        const HttpResult r = post(nam, sim, request);
        QCOMPARE(r.status, 200);
        const QString id = r.object().value(u"prompt_id").toString();
        QCOMPARE(r.object().value(u"number").toInt(), 0);
        QVERIFY(r.object().value(u"node_errors").toObject().isEmpty());
        QVERIFY(ws.waitForEnd(id));
        QCOMPARE(normalized(ws.messages).join(u" "_s),
                 captureSequence(u"ws_animatediff_16f.jsonl"_s).join(u" "_s));

        const QJsonObject entry = historyEntry(nam, sim, id);
        QCOMPARE(entry.keys(), (QStringList{u"meta"_s, u"outputs"_s, u"prompt"_s, u"status"_s}));
        QCOMPARE(entry.value(u"status").toObject().value(u"status_str").toString(), u"success"_s);
        const QJsonObject gif = entry.value(u"outputs")
                                        .toObject()
                                        .value(u"11")
                                        .toObject()
                                        .value(u"gifs")
                                        .toArray()
                                        .at(0)
                                        .toObject();
        QCOMPARE(gif.value(u"filename").toString(), u"animatediff_00001.mp4"_s);
        QCOMPARE(gif.value(u"subfolder").toString(), u"realcomfy"_s);
        QCOMPARE(gif.keys(),
                 (QStringList{u"filename"_s,
                              u"format"_s,
                              u"frame_rate"_s,
                              u"fullpath"_s,
                              u"subfolder"_s,
                              u"type"_s,
                              u"workflow"_s}));
        const HttpResult video = httpGet(nam,
                                         sim.url(u"/view?filename=animatediff_00001.mp4"
                                                 "&subfolder=realcomfy&type=output"_s));
        QCOMPARE(video.status, 200);
        QCOMPARE(video.headers.value("content-type"), QByteArray("video/mp4"));
        QTemporaryDir dir;
        QFile file(dir.filePath(u"v.mp4"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(video.body);
        file.close();
        const auto info = comfyvideo::media::probeVideo(file.fileName());
        QVERIFY2(info.has_value(), info ? "" : qPrintable(info.error()));
        QCOMPARE(info->codec, u"h264"_s);
        QCOMPARE(info->frameCount, 4);
        QCOMPARE(info->width, 64);
        QCOMPARE(info->height, 64);
        QCOMPARE(qRound(info->fps), 8);
    }

    void cachedAndPartlyCachedRerunsMatchCaptures()
    {
        SimProcess sim({QStringLiteral("--step-ms"), QStringLiteral("5")});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        const QString client = newId();
        const QByteArray request
                = withClient(small(captureRequest(u"ws_animatediff_16f.jsonl"_s)), client);
        {
            WsRecorder ws;
            QVERIFY(ws.open(sim.wsUrl(client)));
            const QString first = post(nam, sim, request).object().value(u"prompt_id").toString();
            QVERIFY(ws.waitForEnd(first));
        }
        WsRecorder ws;
        QVERIFY(ws.open(sim.wsUrl(client)));
        const QString cached = post(nam, sim, request).object().value(u"prompt_id").toString();
        QVERIFY(ws.waitForEnd(cached));
        QCOMPARE(normalized(ws.messages).join(u" "_s),
                 captureSequence(u"ws_cached_rerun.jsonl"_s).join(u" "_s));
        const QJsonObject entry = historyEntry(nam, sim, cached);
        QCOMPARE(entry.value(u"outputs")
                         .toObject()
                         .value(u"11")
                         .toObject()
                         .value(u"gifs")
                         .toArray()
                         .at(0)
                         .toObject()
                         .value(u"filename")
                         .toString(),
                 u"animatediff_00001.mp4"_s); // the same file, none written
        QVERIFY(!QFileInfo::exists(sim.dataDir() + u"/output/realcomfy/animatediff_00002.mp4"_s));

        WsRecorder ws2;
        QVERIFY(ws2.open(sim.wsUrl(client)));
        QByteArray changed = request;
        changed.replace("\"seed\": 123456789", "\"seed\": 987654321");
        const QString partial = post(nam, sim, changed).object().value(u"prompt_id").toString();
        QVERIFY(ws2.waitForEnd(partial));
        QCOMPARE(normalized(ws2.messages).join(u" "_s),
                 captureSequence(u"ws_partial_cached_rerun.jsonl"_s).join(u" "_s));
        QVERIFY(QFileInfo::exists(sim.dataDir() + u"/output/realcomfy/animatediff_00002.mp4"_s));
    }

    void svdRunWithPreviewMetadataMatchesCapture()
    {
        SimProcess sim({QStringLiteral("--step-ms"), QStringLiteral("5")});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        const HttpResult up = uploadImage(nam,
                                          sim.url(u"/upload/image"_s),
                                          u"realcomfy_svd_input.png"_s,
                                          readCapture(u"svd_input.png"_s),
                                          {{"type", "input"}, {"overwrite", "true"}});
        QCOMPARE(up.status, 200);
        QCOMPARE(up.object(),
                 QJsonDocument::fromJson(readCapture(u"upload_image_response.json"_s))
                         .object()
                         .value(u"body")
                         .toObject());
        WsRecorder ws;
        const QString client = newId();
        QVERIFY(ws.open(sim.wsUrl(client), true));
        const QString id
                = post(nam,
                       sim,
                       withClient(small(captureRequest(u"ws_svd_img2vid.jsonl"_s)), client))
                          .object()
                          .value(u"prompt_id")
                          .toString();
        QVERIFY(!id.isEmpty());
        QVERIFY(ws.waitForEnd(id));
        QCOMPARE(normalized(ws.messages).join(u" "_s),
                 captureSequence(u"ws_svd_img2vid.jsonl"_s).join(u" "_s));
        // Type-4 previews carry the metadata JSON.
        const int bin = ws.find([](const WsMessage &m) { return m.type == u"binary"; });
        QVERIFY(bin > 0);
        const QByteArray frame = ws.messages.at(bin).binary;
        const quint32 len = qFromBigEndian<quint32>(frame.constData() + 4);
        const QJsonObject meta = QJsonDocument::fromJson(frame.mid(8, len)).object();
        QCOMPARE(meta.value(u"prompt_id").toString(), id);
        QCOMPARE(meta.value(u"image_type").toString(), u"image/jpeg"_s);
        QVERIFY(frame.mid(8 + len, 2) == QByteArray("\xff\xd8"));
        const QString path = sim.dataDir() + u"/output/realcomfy/svd_00001.mp4"_s;
        const auto info = comfyvideo::media::probeVideo(path);
        QVERIFY(info.has_value());
        QCOMPARE(info->frameCount, 5);
        QCOMPARE(info->width, 64);
        QCOMPARE(info->height, 48);
        QCOMPARE(qRound(info->fps), 6);
    }

    void validationFailureAnswers400WithoutMessages()
    {
        SimProcess sim({u"--model"_s,
                        u"checkpoints/svd_xt.safetensors"_s,
                        u"--model"_s,
                        u"checkpoints/v1-5-pruned-emaonly.safetensors"_s,
                        u"--model"_s,
                        u"animatediff_models/mm_sd_v15_v2.ckpt"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        WsRecorder ws;
        const QString client = newId();
        QVERIFY(ws.open(sim.wsUrl(client)));
        const char *expected[] = {"prompt_400_missing_model.json",
                                  "prompt_400_missing_input_and_range.json",
                                  "prompt_400_no_outputs.json"};
        for (int i = 0; i < 3; ++i) {
            const HttpResult r = post(nam, sim, captureRequest(u"ws_validation_error.jsonl"_s, i));
            QCOMPARE(r.status, 400);
            const QJsonObject want
                    = QJsonDocument::fromJson(readCapture(QString::fromLatin1(expected[i])))
                              .object()
                              .value(u"body")
                              .toObject();
            QCOMPARE(r.object().value(u"node_errors"), want.value(u"node_errors"));
            QCOMPARE(r.object().value(u"error").toObject().value(u"type"),
                     want.value(u"error").toObject().value(u"type"));
        }
        // Nothing was queued: the next message after the on-connect status is the status of
        // a valid prompt.
        const QString id
                = post(nam,
                       sim,
                       withClient(small(captureRequest(u"ws_animatediff_16f.jsonl"_s)), client))
                          .object()
                          .value(u"prompt_id")
                          .toString();
        QVERIFY(ws.waitForEnd(id));
        QCOMPARE(token(ws.messages.at(1).type, ws.messages.at(1).data, {}), u"status:1"_s);
        QCOMPARE(ws.messages.at(3).type, u"execution_start"_s);
    }

    void outOfMemoryMatchesCapture()
    {
        SimProcess sim({u"--step-ms"_s, u"5"_s, u"--fault"_s, u"oom:limit=1000000"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        WsRecorder ws;
        const QString client = newId();
        QVERIFY(ws.open(sim.wsUrl(client)));
        const QString id
                = post(nam, sim, withClient(captureRequest(u"ws_runtime_oom.jsonl"_s), client))
                          .object()
                          .value(u"prompt_id")
                          .toString();
        QVERIFY(ws.waitForEnd(id));
        QCOMPARE(normalized(ws.messages).join(u" "_s),
                 captureSequence(u"ws_runtime_oom.jsonl"_s).join(u" "_s));
        const int at = ws.find([](const WsMessage &m) { return m.type == u"execution_error"; });
        const QJsonObject error = ws.messages.at(at).data;
        const QJsonObject want
                = QJsonDocument::fromJson(readCapture(u"execution_error_oom.json"_s)).object();
        QCOMPARE(error.keys(), want.keys());
        QCOMPARE(error.value(u"node_id").toString(), u"9"_s);
        QCOMPARE(error.value(u"node_type").toString(), u"KSampler"_s);
        QCOMPARE(error.value(u"exception_type").toString(), u"torch.OutOfMemoryError"_s);
        const QString message = error.value(u"exception_message").toString();
        QVERIFY(message.startsWith(u"Allocation on device \n"_s));
        QVERIFY(message.endsWith(want.value(u"exception_message").toString().section(u'\n', 1)));
        QCOMPARE(error.value(u"executed").toArray().size(), 8);
        QCOMPARE(error.value(u"current_inputs").toObject().keys(),
                 want.value(u"current_inputs").toObject().keys());
        const QJsonObject entry = historyEntry(nam, sim, id);
        const QJsonObject wantEntry
                = QJsonDocument::fromJson(readCapture(u"history_runtime_oom.json"_s))
                          .object()
                          .begin()
                          ->toObject();
        QCOMPARE(entry.keys(), wantEntry.keys());
        QCOMPARE(entry.value(u"outputs"), wantEntry.value(u"outputs"));
        QCOMPARE(entry.value(u"meta"), wantEntry.value(u"meta"));
        const QJsonObject status = entry.value(u"status").toObject();
        QCOMPARE(status.value(u"status_str").toString(), u"error"_s);
        QCOMPARE(status.value(u"completed").toBool(), false);
        QCOMPARE(status.value(u"messages").toArray().last().toArray().at(1).toObject(), error);
    }

    void interruptRunningAndDeletePending()
    {
        SimProcess sim({u"--step-ms"_s, u"50"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        const QString client = newId();
        QByteArray request
                = withClient(small(captureRequest(u"ws_animatediff_16f.jsonl"_s)), client);
        {
            WsRecorder warm;
            QVERIFY(warm.open(sim.wsUrl(client)));
            request.replace("\"steps\": 3,", "\"steps\": 1,");
            const QString id = post(nam, sim, request).object().value(u"prompt_id").toString();
            QVERIFY(warm.waitForEnd(id));
        }
        WsRecorder ws;
        QVERIFY(ws.open(sim.wsUrl(client)));
        request.replace("\"batch_size\": 4", "\"batch_size\": 5");
        request.replace("\"steps\": 1,", "\"steps\": 40,");
        const QString running = post(nam, sim, request).object().value(u"prompt_id").toString();
        QByteArray other = request;
        other.replace("\"seed\": 123456789", "\"seed\": 5");
        const QString pending = post(nam, sim, other).object().value(u"prompt_id").toString();
        QVERIFY(WsRecorder::waitUntil([&] { return ws.count(u"progress"_s) >= 3; }));
        const QJsonObject queue = httpGet(nam, sim.url(u"/queue"_s)).object();
        QCOMPARE(queue.value(u"queue_running").toArray().at(0).toArray().size(), 5);
        QCOMPARE(queue.value(u"queue_running").toArray().at(0).toArray().at(1).toString(), running);
        QCOMPARE(queue.value(u"queue_pending").toArray().at(0).toArray().at(1).toString(), pending);
        QCOMPARE(httpPostJson(nam, sim.url(u"/queue"_s), {{u"delete"_s, QJsonArray{pending}}})
                         .status,
                 200);
        QCOMPARE(httpPostJson(nam, sim.url(u"/interrupt"_s), {{u"prompt_id"_s, running}}).status,
                 200);
        QVERIFY(ws.waitForEnd(running));
        // From execution_start on, without the queue updates of the second prompt.
        const auto tail = [](QStringList seq) {
            seq = seq.mid(seq.indexOf(u"execution_start"_s));
            seq.removeAll(u"status:1"_s);
            seq.removeAll(u"status:2"_s);
            return collapse(seq);
        };
        QCOMPARE(tail(normalized(ws.messages)).join(u" "_s),
                 tail(captureSequence(u"ws_interrupt.jsonl"_s)).join(u" "_s));
        const QJsonObject entry = historyEntry(nam, sim, running);
        QCOMPARE(entry.value(u"status")
                         .toObject()
                         .value(u"messages")
                         .toArray()
                         .last()
                         .toArray()
                         .at(0)
                         .toString(),
                 u"execution_interrupted"_s);
        QVERIFY(httpGet(nam, sim.url(u"/queue"_s))
                        .object()
                        .value(u"queue_pending")
                        .toArray()
                        .isEmpty());
        QCOMPARE(httpGet(nam, sim.url(u"/history/"_s + pending)).body, QByteArray("{}"));
    }

    void routingPerClientAndReconnect()
    {
        SimProcess sim({u"--step-ms"_s, u"40"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        const QString client = newId();
        WsRecorder other;
        QVERIFY(other.open(sim.wsUrl(newId())));
        auto first = std::make_unique<WsRecorder>();
        QVERIFY(first->open(sim.wsUrl(client)));
        QByteArray request
                = withClient(small(captureRequest(u"ws_animatediff_16f.jsonl"_s)), client);
        request.replace("\"steps\": 3,", "\"steps\": 30,");
        const QString id = post(nam, sim, request).object().value(u"prompt_id").toString();
        QVERIFY(WsRecorder::waitUntil([&] { return first->count(u"progress"_s) >= 2; }));
        first->socket.close();
        QVERIFY(WsRecorder::waitUntil([&] { return first->disconnected; }));
        WsRecorder again;
        QVERIFY(again.open(sim.wsUrl(client)));
        QVERIFY(WsRecorder::waitUntil([&] { return again.messages.size() >= 2; }));
        QCOMPARE(again.messages.at(0).data.value(u"sid").toString(), client);
        QCOMPARE(again.messages.at(1).type, u"executing"_s);
        QCOMPARE(again.messages.at(1).data, (QJsonObject{{u"node"_s, u"9"_s}}));
        QVERIFY(again.waitForEnd(id));
        QVERIFY(again.count(u"progress"_s) > 0);
        QVERIFY(WsRecorder::waitUntil([&] {
            return other.find(
                           [](const WsMessage &m) {
                               return token(m.type, m.data, {}) == u"status:0"_s;
                           },
                           1)
                   > 0;
        }));
        for (const WsMessage &m : std::as_const(other.messages))
            QCOMPARE(m.type, u"status"_s); // another client sees only broadcasts
    }

    void promptIdRules()
    {
        SimProcess sim({u"--step-ms"_s, u"1"_s});
        QVERIFY(sim.start());
        QNetworkAccessManager nam;
        const QString mine = newId();
        QJsonObject body
                = QJsonDocument::fromJson(small(captureRequest(u"ws_animatediff_16f.jsonl"_s)))
                          .object();
        body.insert(u"prompt_id"_s, mine);
        HttpResult r = httpPostJson(nam, sim.url(u"/prompt"_s), body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object().value(u"prompt_id").toString(), mine);
        QCOMPARE(httpPostJson(nam, sim.url(u"/prompt"_s), body).status, 409);
        body.insert(u"prompt_id"_s, u"NOT-A-UUID"_s);
        r = httpPostJson(nam, sim.url(u"/prompt"_s), body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.object().value(u"error").toObject().value(u"type").toString(),
                 u"invalid_prompt_id"_s);

        SimProcess old({u"--persona"_s, u"2024"_s, u"--step-ms"_s, u"1"_s});
        QVERIFY(old.start());
        body.insert(u"prompt_id"_s, mine);
        r = httpPostJson(nam, old.url(u"/prompt"_s), body);
        QCOMPARE(r.status, 200);
        QVERIFY(r.object().value(u"prompt_id").toString() != mine);
        QCOMPARE(httpPostJson(nam, old.url(u"/prompt"_s), body).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestComfySimulator)
#include "tst_comfysimulator.moc"
