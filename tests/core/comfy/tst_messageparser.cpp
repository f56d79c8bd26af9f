// Pure parsing of /ws frames: every message of the real captures, and hostile input.
#include "comfy/comfytypes.h"
#include "comfy/messageparser.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QtEndian>

using namespace comfyvideo::comfy;
using namespace Qt::StringLiterals;

namespace {

QByteArray u32(quint32 v)
{
    QByteArray out(4, '\0');
    qToBigEndian(v, out.data());
    return out;
}

QByteArray frame(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class TestMessageParser : public QObject
{
    Q_OBJECT

private slots:
    void everyCapturedMessageParses();
    void animateDiffCaptureSequence();
    void executingNullAndReconnectForm();
    void executionErrorAndBlocked();
    void hostileText_data();
    void hostileText();
    void binaryPreviewLegacy();
    void binaryPreviewWithMetadata();
    void binaryText();
    void binaryHostile_data();
    void binaryHostile();
};

// Every received JSON line of every ws_*.jsonl capture parses into the event its type names.
void TestMessageParser::everyCapturedMessageParses()
{
    const QDir dir(QStringLiteral(CV_CAPTURES_DIR));
    const QStringList files = dir.entryList({u"ws_*.jsonl"_s}, QDir::Files);
    QVERIFY(files.size() >= 8);
    int parsed = 0;
    for (const QString &name : files) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        while (!file.atEnd()) {
            const QJsonObject line = QJsonDocument::fromJson(file.readLine()).object();
            if (line.value("dir"_L1).toString() != u"recv"
                || line.value("kind"_L1).toString() != u"json")
                continue;
            const QString type = line.value("type"_L1).toString();
            const QJsonObject message{{"type"_L1, type}, {"data"_L1, line.value("data"_L1)}};
            const ws::Event event = ws::parseTextMessage(frame(message));
            QVERIFY2(!std::holds_alternative<ws::Unknown>(event),
                     qPrintable(name + u": "_s + type));
            if (type == u"execution_start" || type == u"executed" || type == u"execution_success")
                QCOMPARE(ws::promptIdOf(event), line.value("data"_L1)["prompt_id"_L1].toString());
            ++parsed;
        }
    }
    QVERIFY(parsed > 300);
}

void TestMessageParser::animateDiffCaptureSequence()
{
    QFile file(QStringLiteral(CV_CAPTURES_DIR "/ws_animatediff_16f.jsonl"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    int progress = 0;
    QString sid;
    bool sawFinal = false;
    QStringList gifs;
    while (!file.atEnd()) {
        const QJsonObject line = QJsonDocument::fromJson(file.readLine()).object();
        if (line.value("kind"_L1).toString() != u"json")
            continue;
        const ws::Event e = ws::parseMessage(line.value("type"_L1).toString(),
                                             line.value("data"_L1).toObject());
        if (const auto *s = std::get_if<ws::Status>(&e); s && sid.isEmpty())
            sid = s->sid;
        if (const auto *p = std::get_if<ws::Progress>(&e)) {
            QVERIFY(p->max > 0);
            QVERIFY(p->value >= 1 && p->value <= p->max);
            ++progress;
        }
        if (const auto *x = std::get_if<ws::Executed>(&e)) {
            for (const OutputFileRef &f : outputFilesOf(x->node, x->output))
                gifs.append(f.filename);
        }
        if (const auto *x = std::get_if<ws::Executing>(&e); x && x->finished())
            sawFinal = true;
    }
    QCOMPARE(sid, u"8cef20af-b513-4483-a902-1b8bebc46b29"_s);
    QVERIFY(progress >= 16);
    QVERIFY(sawFinal);
    QCOMPARE(gifs.size(), 1);
    QVERIFY(gifs.first().endsWith(u".mp4"));
}

void TestMessageParser::executingNullAndReconnectForm()
{
    auto e = ws::parseTextMessage(R"({"type":"executing","data":{"node":null,"prompt_id":"p"}})");
    QVERIFY(std::get<ws::Executing>(e).finished());
    QCOMPARE(ws::promptIdOf(e), u"p"_s);
    e = ws::parseTextMessage(R"({"type":"executing","data":{"node":"8"}})");
    QCOMPARE(std::get<ws::Executing>(e).node.value(), u"8"_s);
    QVERIFY(ws::promptIdOf(e).isEmpty());
    // A missing node field reads as null (finished): the protocol's only "no node" form.
    e = ws::parseTextMessage(R"({"type":"executing","data":{"prompt_id":"p"}})");
    QVERIFY(std::get<ws::Executing>(e).finished());
}

void TestMessageParser::executionErrorAndBlocked()
{
    QFile file(QStringLiteral(CV_CAPTURES_DIR "/execution_error_oom.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject data = QJsonDocument::fromJson(file.readAll()).object();
    const QJsonObject inner = data.contains("data"_L1) ? data.value("data"_L1).toObject() : data;
    const auto e = std::get<ws::ExecutionError>(ws::parseMessage(u"execution_error"_s, inner));
    QVERIFY(!e.nodeType.isEmpty());
    QVERIFY(!e.blocked());
    QCOMPARE(e.data, inner);
    const auto b = std::get<ws::ExecutionError>(ws::parseTextMessage(
            R"({"type":"execution_error","data":{"prompt_id":"p","exception_type":"ExecutionBlocked","current_inputs":[]}})"));
    QVERIFY(b.blocked());
}

void TestMessageParser::hostileText_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("unknown");
    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("not json") << "{{{"_ba << true;
    QTest::newRow("array") << "[1,2]"_ba << true;
    QTest::newRow("type number") << R"({"type":5,"data":{}})"_ba << true;
    QTest::newRow("custom type") << R"({"type":"crystools.monitor","data":{"cpu":3}})"_ba << true;
    QTest::newRow("data string") << R"({"type":"progress","data":"x"})"_ba << false;
    QTest::newRow("huge numbers")
            << R"({"type":"progress","data":{"value":1e308,"max":-1e308,"prompt_id":7}})"_ba
            << false;
    QTest::newRow("queue huge")
            << R"({"type":"status","data":{"status":{"exec_info":{"queue_remaining":1e300}}}})"_ba
            << false;
    QTest::newRow("nodes wrong") << R"({"type":"execution_cached","data":{"nodes":{"a":1}}})"_ba
                                 << false;
    QTest::newRow("truncated") << R"({"type":"executed","data":{"node":"1","out)"_ba << true;
}

void TestMessageParser::hostileText()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, unknown);
    const ws::Event e = ws::parseTextMessage(text);
    QCOMPARE(std::holds_alternative<ws::Unknown>(e), unknown);
    if (const auto *p = std::get_if<ws::Progress>(&e)) {
        QVERIFY(std::isfinite(p->value) && std::abs(p->value) <= 1e15);
        QVERIFY(p->promptId.isEmpty());
    }
    if (const auto *s = std::get_if<ws::Status>(&e))
        QVERIFY(!s->queueRemaining.has_value());
}

void TestMessageParser::binaryPreviewLegacy()
{
    const QByteArray jpeg = "\xff\xd8\xff\xe0JFIFDATA"_ba;
    const auto e = ws::parseBinaryMessage(QByteArray(u32(1) + u32(1) + jpeg));
    const auto &p = std::get<ws::PreviewImage>(e);
    QCOMPARE(p.bytes, jpeg);
    QCOMPARE(p.mimeType, u"image/jpeg"_s);
    QCOMPARE(std::get<ws::PreviewImage>(
                     ws::parseBinaryMessage(QByteArray(u32(1) + u32(2) + "png"_ba)))
                     .mimeType,
             u"image/png"_s);
}

void TestMessageParser::binaryPreviewWithMetadata()
{
    const QByteArray meta = R"({"node_id":"5","prompt_id":"p1","image_type":"image/png"})"_ba;
    const auto e = ws::parseBinaryMessage(
            QByteArray(u32(4) + u32(quint32(meta.size())) + meta + "IMG"_ba));
    const auto &p = std::get<ws::PreviewImage>(e);
    QCOMPARE(p.bytes, "IMG"_ba);
    QCOMPARE(p.mimeType, u"image/png"_s);
    QCOMPARE(p.promptId, u"p1"_s);
    QCOMPARE(p.nodeId, u"5"_s);
}

void TestMessageParser::binaryText()
{
    const auto e = ws::parseBinaryMessage(QByteArray(u32(3) + u32(2) + "10"_ba + "frame 3/8"_ba));
    QCOMPARE(std::get<ws::NodeText>(e).nodeId, u"10"_s);
    QCOMPARE(std::get<ws::NodeText>(e).text, u"frame 3/8"_s);
}

void TestMessageParser::binaryHostile_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("3 bytes") << QByteArray(3, '\0');
    QTest::newRow("type 1 no format") << QByteArray(u32(1));
    QTest::newRow("type 1 format 9") << QByteArray(u32(1) + u32(9) + "x"_ba);
    QTest::newRow("type 4 no length") << QByteArray(u32(4) + "\0\0"_ba);
    QTest::newRow("type 4 length huge") << QByteArray(u32(4) + u32(0xffffffffu) + "{}"_ba);
    QTest::newRow("type 3 length beyond") << QByteArray(u32(3) + u32(100) + "ab"_ba);
    QTest::newRow("type 10 swarm") << QByteArray(u32(10) + u32(3) + "webp"_ba);
}

void TestMessageParser::binaryHostile()
{
    QFETCH(QByteArray, bytes);
    // Odd offsets too: the reader must not assume alignment.
    const QByteArray shifted = "x"_ba + bytes;
    QVERIFY(std::holds_alternative<ws::UnknownBinary>(ws::parseBinaryMessage(bytes)));
    QVERIFY(std::holds_alternative<ws::UnknownBinary>(
            ws::parseBinaryMessage(QByteArrayView(shifted).sliced(1))));
}

QTEST_GUILESS_MAIN(TestMessageParser)
#include "tst_messageparser.moc"
