#pragma once

#include <QJsonValue>
#include <QString>
#include <expected>
#include <optional>

// Python semantics on JSON values, as ComfyUI's validation applies them: int(), float(),
// bool(), str(), repr() and ==. Used to reproduce the server's error texts byte for byte.
namespace comfyvideo::comfy::py {

// A Python exception: type ("TypeError") and str(exception).
struct Exception
{
    QString type;
    QString message;
};

// A Python int or float. Ints beyond int64 keep their decimal digits for printing.
struct Number
{
    enum class Kind { Int, Float };

    Kind kind = Kind::Int;
    double value = 0.0;    // exact for |ints| < 2^53, approximate above
    qint64 small = 0;      // the int when fitsInt64
    bool fitsInt64 = true; // false for big ints (bigDigits then holds them)
    QString bigDigits;     // "-123..." for big ints

    static Number fromInt(qint64 v);
    static Number fromFloat(double v);
    QString text() const;      // Python str()
    QJsonValue toJson() const; // big ints become doubles (JSON in Qt cannot hold them)
};

// "str", "int", "float", "bool", "NoneType", "list", "dict".
QString typeName(const QJsonValue &value);

// A JSON number (or bool) as a Python number; std::nullopt for other values. Integral doubles of
// 2^63 and above are taken as ints: the server declares the seed max 2^64-1 as an int, which Qt
// reads as the double 2^64 (printed back as 18446744073709551615).
std::optional<Number> number(const QJsonValue &value);

std::expected<Number, Exception> toInt(const QJsonValue &value);
std::expected<Number, Exception> toFloat(const QJsonValue &value);
bool truthy(const QJsonValue &value);

// -1, 0, 1; std::nullopt when unordered (NaN).
std::optional<int> compare(const Number &a, const Number &b);

bool equals(const QJsonValue &a, const QJsonValue &b);

QString floatRepr(double value);
QString stringRepr(const QString &value);
QString repr(const QJsonValue &value);
QString str(const QJsonValue &value);

} // namespace comfyvideo::comfy::py
