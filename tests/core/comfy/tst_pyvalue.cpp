// Python semantics used to reproduce ComfyUI's error texts byte for byte.
#include "comfy/pyvalue.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace comfyvideo::comfy;
using namespace Qt::StringLiterals;

namespace {

QJsonValue json(const QByteArray &text)
{
    return QJsonDocument::fromJson("[" + text + "]").array().at(0);
}

} // namespace

class TestPyValue : public QObject
{
    Q_OBJECT

private slots:
    void floatRepr_data();
    void floatRepr();
    void stringRepr_data();
    void stringRepr();
    void reprOfJson();
    void toInt_data();
    void toInt();
    void toFloat_data();
    void toFloat();
    void truthiness();
    void equality();
    void bigIntegers();
};

void TestPyValue::floatRepr_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("repr");
    QTest::addRow("one") << 1.0 << u"1.0"_s;
    QTest::addRow("tenth") << 0.1 << u"0.1"_s;
    QTest::addRow("negative") << -2.5 << u"-2.5"_s;
    QTest::addRow("zero") << 0.0 << u"0.0"_s;
    QTest::addRow("1e16") << 1e16 << u"1e+16"_s;
    QTest::addRow("below 1e16") << 1234567890123456.0 << u"1234567890123456.0"_s;
    QTest::addRow("1e-4") << 0.0001 << u"0.0001"_s;
    QTest::addRow("1e-5") << 0.00001 << u"1e-05"_s;
    QTest::addRow("big") << 1.5e300 << u"1.5e+300"_s;
    QTest::addRow("2^64") << 18446744073709551616.0 << u"1.8446744073709552e+19"_s;
    QTest::addRow("third") << 1.0 / 3.0 << u"0.3333333333333333"_s;
}

void TestPyValue::floatRepr()
{
    QFETCH(double, value);
    QFETCH(QString, repr);
    QCOMPARE(py::floatRepr(value), repr);
}

void TestPyValue::stringRepr_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("repr");
    QTest::addRow("plain") << u"euler"_s << u"'euler'"_s;
    QTest::addRow("single quote") << u"it's"_s << u"\"it's\""_s;
    QTest::addRow("both quotes") << u"a'b\"c"_s << u"'a\\'b\"c'"_s;
    QTest::addRow("escapes") << u"tab\there\n\\"_s << u"'tab\\there\\n\\\\'"_s;
    QTest::addRow("emoji kept") << u"🔬pyramid"_s << u"'🔬pyramid'"_s;
    QTest::addRow("control") << u"a\u0001"_s << u"'a\\x01'"_s;
    QTest::addRow("nbsp") << u"a\u00a0b"_s << u"'a\\xa0b'"_s;
}

void TestPyValue::stringRepr()
{
    QFETCH(QString, value);
    QFETCH(QString, repr);
    QCOMPARE(py::stringRepr(value), repr);
}

void TestPyValue::reprOfJson()
{
    QCOMPARE(py::repr(json(R"(["a", 1, 2.5, true, null, {"k": [1]}])")),
             u"['a', 1, 2.5, True, None, {'k': [1]}]"_s);
    QCOMPARE(py::repr(json(R"([])")), u"[]"_s);
    QCOMPARE(py::str(json(R"("plain")")), u"plain"_s);
    QCOMPARE(py::str(json(R"(false)")), u"False"_s);
    QCOMPARE(py::typeName(json(R"(null)")), u"NoneType"_s);
    QCOMPARE(py::typeName(json(R"(1.5)")), u"float"_s);
    QCOMPARE(py::typeName(json(R"(2)")), u"int"_s);
    QCOMPARE(py::typeName(json(R"({})")), u"dict"_s);
}

void TestPyValue::toInt_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("result"); // str() of the int, or "!" + the exception text
    QTest::addRow("int") << QJsonValue(16) << u"16"_s;
    QTest::addRow("float truncates") << QJsonValue(16.7) << u"16"_s;
    QTest::addRow("negative truncates") << QJsonValue(-16.7) << u"-16"_s;
    QTest::addRow("text") << QJsonValue(u"16"_s) << u"16"_s;
    QTest::addRow("signed text") << QJsonValue(u"  +7\n"_s) << u"7"_s;
    QTest::addRow("underscores") << QJsonValue(u"1_000"_s) << u"1000"_s;
    QTest::addRow("leading zeros") << QJsonValue(u"007"_s) << u"7"_s;
    QTest::addRow("bool") << QJsonValue(true) << u"1"_s;
    QTest::addRow("double underscore")
            << QJsonValue(u"1__0"_s) << u"!invalid literal for int() with base 10: '1__0'"_s;
    QTest::addRow("decimal text") << QJsonValue(u"1.5"_s)
                                  << u"!invalid literal for int() with base 10: '1.5'"_s;
    QTest::addRow("empty") << QJsonValue(u""_s) << u"!invalid literal for int() with base 10: ''"_s;
    QTest::addRow("list") << json("[1]")
                          << u"!int() argument must be a string, a bytes-like object or a real "
                             u"number, not 'list'"_s;
}

void TestPyValue::toInt()
{
    QFETCH(QJsonValue, value);
    QFETCH(QString, result);
    const auto n = py::toInt(value);
    QCOMPARE(n ? n->text() : u"!"_s + n.error().message, result);
    if (n)
        QCOMPARE(n->kind, py::Number::Kind::Int);
}

void TestPyValue::toFloat_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("result");
    QTest::addRow("int") << QJsonValue(8) << u"8.0"_s;
    QTest::addRow("text") << QJsonValue(u"7.5"_s) << u"7.5"_s;
    QTest::addRow("exponent") << QJsonValue(u"1e3"_s) << u"1000.0"_s;
    QTest::addRow("leading dot") << QJsonValue(u".5"_s) << u"0.5"_s;
    QTest::addRow("trailing dot") << QJsonValue(u"5."_s) << u"5.0"_s;
    QTest::addRow("inf") << QJsonValue(u" -inf "_s) << u"-inf"_s;
    QTest::addRow("nan") << QJsonValue(u"NaN"_s) << u"nan"_s;
    QTest::addRow("word") << QJsonValue(u"high"_s)
                          << u"!could not convert string to float: 'high'"_s;
    QTest::addRow("null") << QJsonValue(QJsonValue::Null)
                          << u"!float() argument must be a string or a real number, not "
                             u"'NoneType'"_s;
}

void TestPyValue::toFloat()
{
    QFETCH(QJsonValue, value);
    QFETCH(QString, result);
    const auto n = py::toFloat(value);
    QCOMPARE(n ? n->text() : u"!"_s + n.error().message, result);
}

void TestPyValue::truthiness()
{
    QVERIFY(py::truthy(QJsonValue(u"false"_s)));
    QVERIFY(!py::truthy(QJsonValue(u""_s)));
    QVERIFY(!py::truthy(QJsonValue(0)));
    QVERIFY(py::truthy(QJsonValue(0.5)));
    QVERIFY(!py::truthy(QJsonValue(QJsonValue::Null)));
    QVERIFY(!py::truthy(json("{}")));
    QVERIFY(py::truthy(json(R"({"a": 0})")));
}

void TestPyValue::equality()
{
    QVERIFY(py::equals(QJsonValue(1), QJsonValue(1.0)));
    QVERIFY(py::equals(QJsonValue(true), QJsonValue(1)));
    QVERIFY(!py::equals(QJsonValue(u"1"_s), QJsonValue(1)));
    QVERIFY(py::equals(json(R"(["a", [1]])"), json(R"(["a", [1.0]])")));
    QVERIFY(!py::equals(json(R"(["a"])"), json(R"(["a", "b"])")));
    QVERIFY(py::equals(json(R"({"x": 1})"), json(R"({"x": 1})")));
    QVERIFY(!py::equals(QJsonValue(u"Euler"_s), QJsonValue(u"euler"_s)));
}

void TestPyValue::bigIntegers()
{
    // The seed max 2^64-1 reaches Qt as the double 2^64; it stays an int in texts.
    const auto max = py::number(json("18446744073709551615"));
    QVERIFY(max);
    QCOMPARE(max->kind, py::Number::Kind::Int);
    QCOMPARE(max->text(), u"18446744073709551615"_s);
    const auto text = py::toInt(QJsonValue(u"18446744073709551616"_s));
    QCOMPARE(text->text(), u"18446744073709551616"_s);
    QCOMPARE(py::compare(*text, *max), 1);
    QCOMPARE(py::compare(*py::toInt(QJsonValue(u"18446744073709551615"_s)), *max), 0);
    QCOMPARE(py::compare(py::Number::fromInt(-3), py::Number::fromFloat(-2.5)), -1);
    QCOMPARE(py::compare(py::Number::fromFloat(std::nan("")), py::Number::fromInt(0)),
             std::nullopt);
    QCOMPARE(py::toInt(QJsonValue(1e20))->text(), u"100000000000000000000"_s);
}

QTEST_GUILESS_MAIN(TestPyValue)
#include "tst_pyvalue.moc"
