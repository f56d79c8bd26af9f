#include "request/presets.h"
#include "request/requestjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <cmath>
#include <limits>

using namespace comfyvideo::request;
using namespace Qt::StringLiterals;

namespace {

// Every field away from its default, with the awkward values of the issue.
GenerationRequest everythingSet()
{
    GenerationRequest r;
    r.kind = Kind::Svd;
    r.prompt = u"城市の夜 🌃 — «ночь», \"quoted\" \\ back\nslash\ttab"_s;
    r.negativePrompt = QString(); // empty strings survive too
    r.checkpoint = u"video/svd_xt_1_1.safetensors"_s;
    r.frames = 77;
    r.fps = 23;
    r.steps = 9999;
    r.cfg = 7.25;
    r.sampler = u"dpmpp_2m_sde_gpu"_s;
    r.scheduler = u"karras"_s;
    r.seed = std::numeric_limits<quint64>::max();
    r.width = 1016;
    r.height = 2048;
    r.format = OutputFormat::Gif;
    r.crf = 0;
    r.motionModule = u"mm_sd_v15_v2.ckpt"_s;
    r.betaSchedule = u"sqrt_linear (AnimateDiff)"_s;
    r.contextLength = 24;
    r.contextOverlap = 6;
    r.contextStride = 3;
    r.contextSchedule = ContextSchedule::StandardStatic;
    r.closedLoop = true;
    r.referenceImage = u"/home/zoë/Pictures/start frame (1).png"_s;
    r.motionBucketId = 1023;
    r.augmentationLevel = 0.1 + 0.2; // 0.30000000000000004: every bit must survive
    r.minCfg = 1e-300;
    r.conditioningFps = 1024;
    return r;
}

GenerationRequest throughText(const GenerationRequest &r, QJsonDocument::JsonFormat format)
{
    const auto back = fromJsonText(toJsonText(r, format));
    if (!back) {
        qWarning().noquote() << formatProblems(back.error());
        return {};
    }
    return *back;
}

QStringList fieldsOf(const FieldProblems &problems)
{
    QStringList fields;
    for (const FieldProblem &p : problems)
        fields.append(p.field);
    return fields;
}

FieldProblems problemsOf(const QJsonObject &json)
{
    const auto result = fromJson(json);
    return result ? FieldProblems{} : result.error();
}

} // namespace

class TestRequestJson : public QObject
{
    Q_OBJECT

private slots:
    void roundTripsExactly_data()
    {
        QTest::addColumn<GenerationRequest>("request");
        QTest::newRow("animatediff defaults") << defaultRequest(Kind::AnimateDiff);
        QTest::newRow("svd defaults") << defaultRequest(Kind::Svd);
        QTest::newRow("every field set") << everythingSet();
        GenerationRequest zeroes = everythingSet();
        zeroes.kind = Kind::AnimateDiff;
        zeroes.seed = 0;
        zeroes.cfg = 0.0;
        zeroes.prompt.clear();
        zeroes.sampler.clear();
        zeroes.frames = -5; // invalid values are kept as they are: validation is separate
        zeroes.width = std::numeric_limits<int>::min();
        zeroes.height = std::numeric_limits<int>::max();
        QTest::newRow("zeroes and extremes") << zeroes;
        GenerationRequest seed = defaultRequest(Kind::AnimateDiff);
        seed.seed = 9007199254740993ULL; // 2^53 + 1: a double would lose it
        QTest::newRow("seed 2^53+1") << seed;
        for (const Preset &p : builtinPresets())
            QTest::newRow(qPrintable(p.id)) << p.request;
    }

    void roundTripsExactly()
    {
        QFETCH(GenerationRequest, request);
        const auto back = fromJson(toJson(request));
        QVERIFY2(back.has_value(), qPrintable(back ? QString() : formatProblems(back.error())));
        QCOMPARE(*back, request);
        QCOMPARE(throughText(request, QJsonDocument::Compact), request);
        QCOMPARE(throughText(request, QJsonDocument::Indented), request);
    }

    void writesEveryFieldAndTheVersion()
    {
        const QJsonObject json = toJson(everythingSet());
        QStringList keys = json.keys();
        keys.sort();
        QStringList expected{u"version"_s,
                             u"kind"_s,
                             u"prompt"_s,
                             u"negativePrompt"_s,
                             u"checkpoint"_s,
                             u"frames"_s,
                             u"fps"_s,
                             u"steps"_s,
                             u"cfg"_s,
                             u"sampler"_s,
                             u"scheduler"_s,
                             u"seed"_s,
                             u"width"_s,
                             u"height"_s,
                             u"format"_s,
                             u"crf"_s,
                             u"motionModule"_s,
                             u"betaSchedule"_s,
                             u"contextLength"_s,
                             u"contextOverlap"_s,
                             u"contextStride"_s,
                             u"contextSchedule"_s,
                             u"closedLoop"_s,
                             u"referenceImage"_s,
                             u"motionBucketId"_s,
                             u"augmentationLevel"_s,
                             u"minCfg"_s,
                             u"conditioningFps"_s};
        expected.sort();
        QCOMPARE(keys, expected);
        QCOMPARE(json.value(u"version"_s).toInt(), 1);
        QCOMPARE(json.value(u"kind"_s).toString(), u"svd"_s);
        QCOMPARE(json.value(u"format"_s).toString(), u"gif"_s);
        QCOMPARE(json.value(u"contextSchedule"_s).toString(), u"standard-static"_s);
        QCOMPARE(json.value(u"seed"_s), QJsonValue(u"18446744073709551615"_s));
        QCOMPARE(json.value(u"cfg"_s).toDouble(), 7.25);
        QVERIFY(toJsonText(everythingSet()).contains("\"seed\":\"18446744073709551615\""));
    }

    void nonFiniteDoublesSurvive()
    {
        GenerationRequest r = defaultRequest(Kind::Svd);
        r.cfg = std::numeric_limits<double>::quiet_NaN();
        r.augmentationLevel = std::numeric_limits<double>::infinity();
        r.minCfg = -std::numeric_limits<double>::infinity();
        const GenerationRequest back = throughText(r, QJsonDocument::Compact);
        QVERIFY(std::isnan(back.cfg));
        QCOMPARE(back.augmentationLevel, std::numeric_limits<double>::infinity());
        QCOMPARE(back.minCfg, -std::numeric_limits<double>::infinity());
        QCOMPARE(back.kind, Kind::Svd);
    }

    void missingKeysTakeTheKindsDefaults()
    {
        QCOMPARE(fromJson({}).value_or(everythingSet()), defaultRequest(Kind::AnimateDiff));
        const auto svd = fromJson({{u"kind"_s, u"svd"_s}});
        QVERIFY(svd.has_value());
        QCOMPARE(*svd, defaultRequest(Kind::Svd));
        const auto partial = fromJson({{u"kind"_s, u"svd"_s}, {u"frames"_s, 14}});
        QVERIFY(partial.has_value());
        QCOMPARE(partial->frames, 14);
        QCOMPARE(partial->scheduler, u"karras"_s);
    }

    void wrongTypesNameTheirField_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("prompt number") << u"prompt"_s << QJsonValue(5);
        QTest::newRow("prompt null") << u"prompt"_s << QJsonValue(QJsonValue::Null);
        QTest::newRow("checkpoint list") << u"checkpoint"_s << QJsonValue(QJsonArray{1});
        QTest::newRow("frames text") << u"frames"_s << QJsonValue(u"16"_s);
        QTest::newRow("frames fraction") << u"frames"_s << QJsonValue(16.5);
        QTest::newRow("frames beyond int") << u"frames"_s << QJsonValue(1e10);
        QTest::newRow("width bool") << u"width"_s << QJsonValue(true);
        QTest::newRow("cfg text") << u"cfg"_s << QJsonValue(u"7.5"_s);
        QTest::newRow("cfg object") << u"cfg"_s << QJsonValue(QJsonObject{});
        QTest::newRow("closedLoop number") << u"closedLoop"_s << QJsonValue(1);
        QTest::newRow("closedLoop text") << u"closedLoop"_s << QJsonValue(u"true"_s);
        QTest::newRow("format unknown") << u"format"_s << QJsonValue(u"mov"_s);
        QTest::newRow("format number") << u"format"_s << QJsonValue(0);
        QTest::newRow("kind unknown") << u"kind"_s << QJsonValue(u"txt2vid"_s);
        QTest::newRow("schedule unknown") << u"contextSchedule"_s << QJsonValue(u"loop"_s);
        QTest::newRow("seed 2^64") << u"seed"_s << QJsonValue(u"18446744073709551616"_s);
        QTest::newRow("seed -1 text") << u"seed"_s << QJsonValue(u"-1"_s);
        QTest::newRow("seed abc") << u"seed"_s << QJsonValue(u"abc"_s);
        QTest::newRow("seed -1 number") << u"seed"_s << QJsonValue(-1);
        QTest::newRow("seed huge number") << u"seed"_s << QJsonValue(1.8446744073709552e19);
        QTest::newRow("seed fraction") << u"seed"_s << QJsonValue(1.5);
        QTest::newRow("seed bool") << u"seed"_s << QJsonValue(false);
        QTest::newRow("version 2") << u"version"_s << QJsonValue(2);
        QTest::newRow("version 0") << u"version"_s << QJsonValue(0);
        QTest::newRow("version text") << u"version"_s << QJsonValue(u"1"_s);
        QTest::newRow("unknown key") << u"frame"_s << QJsonValue(48);
    }

    void wrongTypesNameTheirField()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QJsonObject json = toJson(defaultRequest(Kind::AnimateDiff));
        json.insert(key, value);
        const FieldProblems problems = problemsOf(json);
        QCOMPARE(fieldsOf(problems), QStringList{key});
        QVERIFY(!problems.first().message.isEmpty());
        QVERIFY2(!problems.first().message.contains(u'%'), qPrintable(problems.first().message));
    }

    void messagesSayWhatIsWrong()
    {
        auto messageFor = [](const QString &key, const QJsonValue &value) {
            const FieldProblems problems = problemsOf({{key, value}});
            return problems.isEmpty() ? QString() : problems.first().message;
        };
        QCOMPARE(messageFor(u"format"_s, u"mov"_s),
                 u"format must be one of h264-mp4, webm, gif; found the text “mov”."_s);
        QCOMPARE(messageFor(u"frames"_s, 16.5), u"frames must be a whole number; found 16.5."_s);
        QVERIFY(messageFor(u"seed"_s, u"18446744073709551616"_s).contains(u"too large"_s));
        QVERIFY(messageFor(u"version"_s, 2).contains(u"newer ComfyVideo"_s));
        QVERIFY(messageFor(u"frame"_s, 48).contains(u"“frame”"_s));
    }

    void everyProblemAtOnce()
    {
        const QJsonObject json{{u"kind"_s, u"svd"_s},
                               {u"frames"_s, u"many"_s},
                               {u"cfg"_s, true},
                               {u"format"_s, u"avi"_s},
                               {u"seed"_s, u"-3"_s},
                               {u"motionBucketId"_s, 1.5},
                               {u"colour"_s, u"red"_s},
                               {u"prompt"_s, 3}};
        QCOMPARE(fieldsOf(problemsOf(json)),
                 (QStringList{u"prompt"_s,
                              u"frames"_s,
                              u"cfg"_s,
                              u"seed"_s,
                              u"format"_s,
                              u"motionBucketId"_s,
                              u"colour"_s}));
    }

    void seedsAsNumbersAreAcceptedWhileExact()
    {
        const auto small = fromJson({{u"seed"_s, 42}});
        QVERIFY(small.has_value());
        QCOMPARE(small->seed, quint64(42));
        const auto limit = fromJson({{u"seed"_s, 9007199254740992.0}});
        QVERIFY(limit.has_value());
        QCOMPARE(limit->seed, quint64(9007199254740992ULL));
        QVERIFY(!fromJson({{u"seed"_s, 9007199254740994.0}}).has_value());
        const auto text = fromJsonText("{\"seed\": 123456789}");
        QVERIFY(text.has_value());
        QCOMPARE(text->seed, quint64(123456789));
    }

    void versionIsOptional()
    {
        QJsonObject json = toJson(everythingSet());
        json.remove(u"version"_s);
        QCOMPARE(fromJson(json).value_or(GenerationRequest{}), everythingSet());
    }

    void badTextIsOneProblem_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("truncated") << QByteArray("{\"kind\": \"svd\"");
        QTest::newRow("array") << QByteArray("[1, 2]");
        QTest::newRow("garbage") << QByteArray("kind=svd");
    }

    void badTextIsOneProblem()
    {
        QFETCH(QByteArray, text);
        const auto result = fromJsonText(text);
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().size(), 1);
        QVERIFY(result.error().first().field.isEmpty());
        QVERIFY(!result.error().first().message.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRequestJson)
#include "tst_requestjson.moc"
