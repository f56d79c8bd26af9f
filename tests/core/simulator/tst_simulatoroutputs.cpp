// comfyui-sim writes the video format the workflow asks for: VHS_VideoCombine h264-mp4, webm
// and gif, at the requested frame count, size and rate, downloadable through /view.
#include "fakes/simprocess.h"
#include "media/videoprobe.h"
#include "simtestkit.h"

#include <QtTest>

using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;

class TestSimulatorOutputs : public QObject
{
    Q_OBJECT

private slots:
    void videoCombineFormats_data()
    {
        QTest::addColumn<QByteArray>("format");
        QTest::addColumn<QString>("codec");
        QTest::addColumn<QString>("suffix");
        QTest::newRow("h264-mp4") << QByteArray("video/h264-mp4") << u"h264"_s << u".mp4"_s;
        QTest::newRow("webm") << QByteArray("video/webm") << u"vp9"_s << u".webm"_s;
        QTest::newRow("gif") << QByteArray("image/gif") << u"gif"_s << u".gif"_s;
    }

    void videoCombineFormats()
    {
        QFETCH(QByteArray, format);
        QFETCH(QString, codec);
        QFETCH(QString, suffix);

        SimProcess sim({u"--step-ms"_s, u"1"_s});
        QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
        QNetworkAccessManager nam;

        QByteArray request = withClient(captureRequest(u"ws_animatediff_16f.jsonl"_s), newId());
        QVERIFY(request.contains("\"format\": \"video/h264-mp4\""));
        request.replace("\"format\": \"video/h264-mp4\"",
                        QByteArray("\"format\": \"" + format + '"'));
        request.replace("\"width\": 512, \"height\": 512, \"batch_size\": 16",
                        "\"width\": 96, \"height\": 64, \"batch_size\": 10");
        request.replace("\"frame_rate\": 8,", "\"frame_rate\": 10,");
        request.replace("\"steps\": 20,", "\"steps\": 2,");
        const HttpResult posted = httpPost(nam, sim.url(u"/prompt"_s), request);
        QCOMPARE(posted.status, 200);
        const QString id = posted.object().value(u"prompt_id").toString();

        QJsonObject entry;
        QVERIFY(WsRecorder::waitUntil([&] {
            entry = httpGet(nam, sim.url(u"/history/"_s + id)).object().value(id).toObject();
            return !entry.isEmpty();
        }));
        QCOMPARE(entry.value(u"status").toObject().value(u"status_str").toString(), u"success"_s);
        const QJsonArray gifs = entry.value(u"outputs")
                                        .toObject()
                                        .value(u"11")
                                        .toObject()
                                        .value(u"gifs")
                                        .toArray();
        QCOMPARE(gifs.size(), 1);
        const QJsonObject file = gifs.first().toObject();
        QCOMPARE(file.value(u"format").toString(), QString::fromLatin1(format));
        QVERIFY(file.value(u"filename").toString().endsWith(suffix));

        QUrlQuery query;
        query.addQueryItem(u"filename"_s, file.value(u"filename").toString());
        query.addQueryItem(u"subfolder"_s, file.value(u"subfolder").toString());
        query.addQueryItem(u"type"_s, file.value(u"type").toString());
        const HttpResult video = httpGet(nam, sim.url(u"/view?"_s + query.toString()));
        QCOMPARE(video.status, 200);

        QTemporaryDir dir;
        const QString path = dir.filePath(u"out"_s + suffix);
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(video.body);
        out.close();
        const auto info = comfyvideo::media::probeVideo(path);
        QVERIFY2(info.has_value(), qPrintable(info ? QString() : info.error()));
        QCOMPARE(info->codec, codec);
        QCOMPARE(info->width, 96);
        QCOMPARE(info->height, 64);
        QCOMPARE(info->frameCount, 10);
        QVERIFY2(qAbs(info->fps - 10.0) < 0.5, qPrintable(QString::number(info->fps)));
    }
};

QTEST_GUILESS_MAIN(TestSimulatorOutputs)
#include "tst_simulatoroutputs.moc"
