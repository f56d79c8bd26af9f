#include "comfy/pyvalue.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>
#include <QVariant>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy::py {

namespace {

constexpr double TwoPow63 = 9223372036854775808.0;
constexpr double TwoPow64 = 18446744073709551616.0;

bool isJsonInteger(const QJsonValue &value)
{
    return value.isDouble() && value.toVariant().typeId() == QMetaType::LongLong;
}

// Exact decimal digits of an integral double (Python's int(float)).
QString integralDigits(double value)
{
    if (value == TwoPow64)
        return u"18446744073709551615"_s; // the uint64 max that Qt rounded up
    char buf[400];
    const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 0);
    return QString::fromLatin1(buf, res.ptr - buf);
}

Number intFromDouble(double truncated)
{
    if (std::fabs(truncated) < TwoPow63)
        return Number::fromInt(static_cast<qint64>(truncated));
    Number n;
    n.kind = Number::Kind::Int;
    n.value = truncated;
    n.fitsInt64 = false;
    n.bigDigits = integralDigits(truncated);
    return n;
}

long double exactValue(const Number &n)
{
    if (n.kind == Number::Kind::Float)
        return n.value;
    if (n.fitsInt64)
        return static_cast<long double>(n.small);
    const QByteArray digits = n.bigDigits.toLatin1();
    return std::strtold(digits.constData(), nullptr);
}

// Python's str.strip() without arguments (ASCII and Unicode whitespace).
QString pyStrip(const QString &s)
{
    return s.trimmed();
}

Number intFromDigits(const QString &text)
{
    const bool negative = text.startsWith(u'-');
    QString digits = text;
    if (digits.startsWith(u'-') || digits.startsWith(u'+'))
        digits.remove(0, 1);
    while (digits.size() > 1 && digits.startsWith(u'0'))
        digits.remove(0, 1);
    bool ok = false;
    const qint64 small = digits.toLongLong(&ok);
    if (ok)
        return Number::fromInt(negative ? -small : small);
    Number n;
    n.fitsInt64 = false;
    n.bigDigits = negative ? u"-"_s + digits : digits;
    n.value = static_cast<double>(exactValue(n));
    return n;
}

bool isPrintable(char32_t cp)
{
    if (cp == U' ')
        return true;
    switch (QChar::category(cp)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Other_PrivateUse:
    case QChar::Other_NotAssigned:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
    case QChar::Separator_Space:
        return false;
    default:
        return true;
    }
}

QString hexEscape(char32_t cp)
{
    if (cp < 0x100)
        return u"\\x"_s + QString::number(cp, 16).rightJustified(2, u'0');
    if (cp < 0x10000)
        return u"\\u"_s + QString::number(cp, 16).rightJustified(4, u'0');
    return u"\\U"_s + QString::number(cp, 16).rightJustified(8, u'0');
}

} // namespace

Number Number::fromInt(qint64 v)
{
    Number n;
    n.kind = Kind::Int;
    n.small = v;
    n.value = static_cast<double>(v);
    return n;
}

Number Number::fromFloat(double v)
{
    Number n;
    n.kind = Kind::Float;
    n.value = v;
    return n;
}

QString Number::text() const
{
    if (kind == Kind::Float)
        return floatRepr(value);
    return fitsInt64 ? QString::number(small) : bigDigits;
}

QJsonValue Number::toJson() const
{
    if (kind == Kind::Int && fitsInt64)
        return QJsonValue(small);
    return QJsonValue(value);
}

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return u"bool"_s;
    case QJsonValue::Double:
        return number(value)->kind == Number::Kind::Int ? u"int"_s : u"float"_s;
    case QJsonValue::String:
        return u"str"_s;
    case QJsonValue::Array:
        return u"list"_s;
    case QJsonValue::Object:
        return u"dict"_s;
    default:
        return u"NoneType"_s;
    }
}

std::optional<Number> number(const QJsonValue &value)
{
    if (value.isBool())
        return Number::fromInt(value.toBool() ? 1 : 0);
    if (!value.isDouble())
        return std::nullopt;
    if (isJsonInteger(value))
        return Number::fromInt(value.toInteger());
    const double d = value.toDouble();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) >= TwoPow63)
        return intFromDouble(d);
    return Number::fromFloat(d);
}

std::expected<Number, Exception> toInt(const QJsonValue &value)
{
    if (const auto n = number(value))
        return n->kind == Number::Kind::Int ? *n : intFromDouble(std::trunc(n->value));
    if (value.isString()) {
        static const QRegularExpression intRe(u"^[+-]?[0-9]+(_[0-9]+)*$"_s);
        QString text = pyStrip(value.toString());
        if (intRe.match(text).hasMatch())
            return intFromDigits(text.remove(u'_'));
        return std::unexpected(Exception{u"ValueError"_s,
                                         u"invalid literal for int() with base 10: "_s
                                                 + stringRepr(value.toString())});
    }
    return std::unexpected(
            Exception{u"TypeError"_s,
                      u"int() argument must be a string, a bytes-like object or a real number, "
                      u"not '%1'"_s.arg(typeName(value))});
}

std::expected<Number, Exception> toFloat(const QJsonValue &value)
{
    if (const auto n = number(value))
        return Number::fromFloat(static_cast<double>(exactValue(*n)));
    if (value.isString()) {
        static const QRegularExpression floatRe(
                u"^[+-]?(([0-9](_?[0-9])*)(\\.([0-9](_?[0-9])*)?)?|\\.[0-9](_?[0-9])*)"
                u"([eE][+-]?[0-9](_?[0-9])*)?$"_s);
        static const QRegularExpression specialRe(u"^[+-]?(inf|infinity|nan)$"_s,
                                                  QRegularExpression::CaseInsensitiveOption);
        QString text = pyStrip(value.toString());
        if (floatRe.match(text).hasMatch() || specialRe.match(text).hasMatch()) {
            text.remove(u'_');
            if (text.startsWith(u'+'))
                text.remove(0, 1);
            const std::string s = text.toStdString();
            double d = 0.0;
            const auto res = std::from_chars(s.data(), s.data() + s.size(), d);
            if (res.ec == std::errc() || res.ec == std::errc::result_out_of_range)
                return Number::fromFloat(res.ec == std::errc() ? d
                                                               : std::strtod(s.c_str(), nullptr));
        }
        return std::unexpected(
                Exception{u"ValueError"_s,
                          u"could not convert string to float: "_s + stringRepr(value.toString())});
    }
    return std::unexpected(
            Exception{u"TypeError"_s,
                      u"float() argument must be a string or a real number, not '%1'"_s.arg(
                              typeName(value))});
}

bool truthy(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool();
    case QJsonValue::Double:
        return value.toDouble() != 0.0;
    case QJsonValue::String:
        return !value.toString().isEmpty();
    case QJsonValue::Array:
        return !value.toArray().isEmpty();
    case QJsonValue::Object:
        return !value.toObject().isEmpty();
    default:
        return false;
    }
}

std::optional<int> compare(const Number &a, const Number &b)
{
    if (a.kind == Number::Kind::Int && b.kind == Number::Kind::Int && a.fitsInt64 && b.fitsInt64)
        return a.small < b.small ? -1 : (a.small > b.small ? 1 : 0);
    const long double x = exactValue(a);
    const long double y = exactValue(b);
    if (std::isnan(x) || std::isnan(y))
        return std::nullopt;
    return x < y ? -1 : (x > y ? 1 : 0);
}

bool equals(const QJsonValue &a, const QJsonValue &b)
{
    const auto na = number(a);
    const auto nb = number(b);
    if (na || nb)
        return na && nb && compare(*na, *nb) == 0;
    if (a.type() != b.type())
        return (a.isNull() || a.isUndefined()) && (b.isNull() || b.isUndefined());
    if (a.isArray()) {
        const QJsonArray x = a.toArray();
        const QJsonArray y = b.toArray();
        if (x.size() != y.size())
            return false;
        for (qsizetype i = 0; i < x.size(); ++i) {
            if (!equals(x.at(i), y.at(i)))
                return false;
        }
        return true;
    }
    if (a.isObject()) {
        const QJsonObject x = a.toObject();
        const QJsonObject y = b.toObject();
        if (x.keys() != y.keys())
            return false;
        for (auto it = x.begin(); it != x.end(); ++it) {
            if (!equals(it.value(), y.value(it.key())))
                return false;
        }
        return true;
    }
    return a == b;
}

QString floatRepr(double value)
{
    if (std::isnan(value))
        return u"nan"_s;
    if (std::isinf(value))
        return value > 0 ? u"inf"_s : u"-inf"_s;
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    const QString sci = QString::fromLatin1(buf, res.ptr - buf); // "-1.25e+02"
    const qsizetype ePos = sci.indexOf(u'e');
    QString mantissa = sci.left(ePos);
    const int exponent = sci.mid(ePos + 1).toInt();
    const bool negative = mantissa.startsWith(u'-');
    if (negative)
        mantissa.remove(0, 1);
    const QString digits = QString(mantissa).remove(u'.');
    QString out;
    if (exponent >= -4 && exponent < 16) {
        if (exponent >= 0) {
            const QString padded = digits.leftJustified(exponent + 1, u'0');
            const QString frac = padded.mid(exponent + 1);
            out = padded.left(exponent + 1) + u'.' + (frac.isEmpty() ? u"0"_s : frac);
        } else {
            out = u"0."_s + QString(-exponent - 1, u'0') + digits;
        }
    } else {
        out = digits.left(1);
        if (digits.size() > 1)
            out += u'.' + digits.mid(1);
        out += (exponent < 0 ? u"e-"_s : u"e+"_s)
               + QString::number(std::abs(exponent)).rightJustified(2, u'0');
    }
    return negative ? u'-' + out : out;
}

QString stringRepr(const QString &value)
{
    const QChar quote = value.contains(u'\'') && !value.contains(u'"') ? u'"' : u'\'';
    QString out(quote);
    for (const char32_t cp : value.toUcs4()) {
        if (cp == quote.unicode() || cp == U'\\')
            out += u'\\' + QString::fromUcs4(&cp, 1);
        else if (cp == U'\t')
            out += u"\\t"_s;
        else if (cp == U'\n')
            out += u"\\n"_s;
        else if (cp == U'\r')
            out += u"\\r"_s;
        else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && !isPrintable(cp)))
            out += hexEscape(cp);
        else
            out += QString::fromUcs4(&cp, 1);
    }
    return out + quote;
}

QString repr(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool() ? u"True"_s : u"False"_s;
    case QJsonValue::Double:
        return number(value)->text();
    case QJsonValue::String:
        return stringRepr(value.toString());
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue &v : value.toArray())
            parts << repr(v);
        return u'[' + parts.join(u", "_s) + u']';
    }
    case QJsonValue::Object: {
        const QJsonObject obj = value.toObject();
        QStringList parts;
        for (auto it = obj.begin(); it != obj.end(); ++it)
            parts << stringRepr(it.key()) + u": "_s + repr(it.value());
        return u'{' + parts.join(u", "_s) + u'}';
    }
    default:
        return u"None"_s;
    }
}

QString str(const QJsonValue &value)
{
    return value.isString() ? value.toString() : repr(value);
}

} // namespace comfyvideo::comfy::py
