#include "request/requestjson.h"

#include <QCoreApplication>
#include <QJsonParseError>

#include <cmath>
#include <limits>

namespace comfyvideo::request {

namespace {

using namespace Qt::StringLiterals;

// 2^53: the largest whole number up to which every integer is exact in a JSON double.
constexpr double MaxExactDouble = 9007199254740992.0;

QJsonValue doubleToJson(double value)
{
    if (std::isnan(value))
        return u"NaN"_s;
    if (std::isinf(value))
        return value > 0 ? u"Infinity"_s : u"-Infinity"_s;
    return value;
}

// What a JSON value is, for "found ..." in messages.
QString describe(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QCoreApplication::translate("RequestJson", "null");
    case QJsonValue::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 17);
    case QJsonValue::String:
        return QCoreApplication::translate("RequestJson", "the text “%1”")
                .arg(value.toString().left(40));
    case QJsonValue::Array:
        return QCoreApplication::translate("RequestJson", "a list");
    case QJsonValue::Object:
        return QCoreApplication::translate("RequestJson", "an object");
    case QJsonValue::Undefined:
        break;
    }
    return QCoreApplication::translate("RequestJson", "nothing");
}

class Reader
{
public:
    explicit Reader(const QJsonObject &json)
        : m_json(json)
    {}

    const FieldProblems &problems() const { return m_problems; }

    void text(const QString &key, QString *out)
    {
        const QJsonValue v = m_json.value(key);
        if (v.isUndefined())
            return;
        if (v.isString())
            *out = v.toString();
        else
            add(key, QCoreApplication::translate("RequestJson", "%1 must be text; found %2."), v);
    }

    void boolean(const QString &key, bool *out)
    {
        const QJsonValue v = m_json.value(key);
        if (v.isUndefined())
            return;
        if (v.isBool())
            *out = v.toBool();
        else
            add(key,
                QCoreApplication::translate("RequestJson", "%1 must be true or false; found %2."),
                v);
    }

    void whole(const QString &key, int *out)
    {
        const QJsonValue v = m_json.value(key);
        if (v.isUndefined())
            return;
        const double d = v.toDouble();
        if (!v.isDouble() || d != std::floor(d)) {
            add(key,
                QCoreApplication::translate("RequestJson", "%1 must be a whole number; found %2."),
                v);
        } else if (d < double(std::numeric_limits<int>::min())
                   || d > double(std::numeric_limits<int>::max())) {
            add(key,
                QCoreApplication::translate("RequestJson",
                                            "%1 is out of range for a whole number: %2."),
                v);
        } else {
            *out = int(d);
        }
    }

    void real(const QString &key, double *out)
    {
        const QJsonValue v = m_json.value(key);
        if (v.isUndefined())
            return;
        const QString s = v.toString();
        if (v.isDouble())
            *out = v.toDouble();
        else if (v.isString() && s == u"NaN"_s)
            *out = std::numeric_limits<double>::quiet_NaN();
        else if (v.isString() && (s == u"Infinity"_s || s == u"-Infinity"_s))
            *out = s.startsWith(u'-') ? -std::numeric_limits<double>::infinity()
                                      : std::numeric_limits<double>::infinity();
        else
            add(key,
                QCoreApplication::translate("RequestJson", "%1 must be a number; found %2."),
                v);
    }

    void seed(const QString &key, quint64 *out)
    {
        const QJsonValue v = m_json.value(key);
        if (v.isUndefined())
            return;
        QString error;
        if (v.isString()) {
            if (!parseSeed(v.toString(), out, &error))
                m_problems.append({key, error});
            return;
        }
        const double d = v.toDouble();
        if (v.isDouble() && d >= 0 && d <= MaxExactDouble && d == std::floor(d))
            *out = quint64(d);
        else if (v.isDouble() && d < 0)
            m_problems.append({key,
                               QCoreApplication::translate("RequestJson",
                                                           "The seed cannot be negative; found %1.")
                                       .arg(describe(v))});
        else
            add(key,
                QCoreApplication::translate("RequestJson",
                                            "%1 must be a whole number written as a string "
                                            "of digits, e.g. \"12345\"; found %2."),
                v);
    }

    template<typename Enum>
    void enumeration(const QString &key,
                     Enum *out,
                     bool (*parse)(const QString &, Enum *),
                     const QStringList &names)
    {
        const QJsonValue v = m_json.value(key);
        if (v.isUndefined())
            return;
        if (!v.isString() || !parse(v.toString(), out))
            m_problems.append(
                    {key,
                     QCoreApplication::translate("RequestJson", "%1 must be one of %2; found %3.")
                             .arg(key, names.join(u", "_s), describe(v))});
    }

    void version()
    {
        const QJsonValue v = m_json.value(u"version"_s);
        if (v.isUndefined())
            return;
        const double d = v.toDouble();
        if (!v.isDouble() || d != std::floor(d) || d < 1)
            add(u"version"_s,
                QCoreApplication::translate("RequestJson",
                                            "%1 must be a whole number from 1; found %2."),
                v);
        else if (d > RequestJsonVersion)
            m_problems.append({u"version"_s,
                               QCoreApplication::translate("RequestJson",
                                                           "This request was saved by a newer "
                                                           "ComfyVideo (version %1); this one "
                                                           "reads version %2. Update ComfyVideo.")
                                       .arg(describe(v))
                                       .arg(RequestJsonVersion)});
    }

    void unknownKeys()
    {
        const QJsonObject known = toJson(GenerationRequest{}); // every key there is
        for (auto it = m_json.begin(); it != m_json.end(); ++it) {
            if (!known.contains(it.key()))
                m_problems.append({it.key(),
                                   QCoreApplication::translate("RequestJson",
                                                               "Unknown setting “%1”; check its "
                                                               "spelling or remove it.")
                                           .arg(it.key())});
        }
    }

private:
    // `message` holds %1 (the key) and %2 (what was found).
    void add(const QString &key, const QString &message, const QJsonValue &found)
    {
        m_problems.append({key, message.arg(key, describe(found))});
    }

    const QJsonObject &m_json;
    FieldProblems m_problems;
};

void readFields(Reader &in, GenerationRequest &r)
{
    in.text(u"prompt"_s, &r.prompt);
    in.text(u"negativePrompt"_s, &r.negativePrompt);
    in.text(u"checkpoint"_s, &r.checkpoint);
    in.whole(u"frames"_s, &r.frames);
    in.whole(u"fps"_s, &r.fps);
    in.whole(u"steps"_s, &r.steps);
    in.real(u"cfg"_s, &r.cfg);
    in.text(u"sampler"_s, &r.sampler);
    in.text(u"scheduler"_s, &r.scheduler);
    in.seed(u"seed"_s, &r.seed);
    in.whole(u"width"_s, &r.width);
    in.whole(u"height"_s, &r.height);
    in.enumeration(u"format"_s, &r.format, &parseFormat, formatNames());
    in.whole(u"crf"_s, &r.crf);
    in.text(u"motionModule"_s, &r.motionModule);
    in.text(u"betaSchedule"_s, &r.betaSchedule);
    in.whole(u"contextLength"_s, &r.contextLength);
    in.whole(u"contextOverlap"_s, &r.contextOverlap);
    in.whole(u"contextStride"_s, &r.contextStride);
    in.enumeration(u"contextSchedule"_s, &r.contextSchedule, &parseSchedule, scheduleNames());
    in.boolean(u"closedLoop"_s, &r.closedLoop);
    in.text(u"referenceImage"_s, &r.referenceImage);
    in.whole(u"motionBucketId"_s, &r.motionBucketId);
    in.real(u"augmentationLevel"_s, &r.augmentationLevel);
    in.real(u"minCfg"_s, &r.minCfg);
    in.whole(u"conditioningFps"_s, &r.conditioningFps);
}

} // namespace

QJsonObject toJson(const GenerationRequest &r)
{
    return QJsonObject{
            {u"version"_s, RequestJsonVersion},
            {u"kind"_s, kindName(r.kind)},
            {u"prompt"_s, r.prompt},
            {u"negativePrompt"_s, r.negativePrompt},
            {u"checkpoint"_s, r.checkpoint},
            {u"frames"_s, r.frames},
            {u"fps"_s, r.fps},
            {u"steps"_s, r.steps},
            {u"cfg"_s, doubleToJson(r.cfg)},
            {u"sampler"_s, r.sampler},
            {u"scheduler"_s, r.scheduler},
            {u"seed"_s, QString::number(r.seed)},
            {u"width"_s, r.width},
            {u"height"_s, r.height},
            {u"format"_s, formatName(r.format)},
            {u"crf"_s, r.crf},
            {u"motionModule"_s, r.motionModule},
            {u"betaSchedule"_s, r.betaSchedule},
            {u"contextLength"_s, r.contextLength},
            {u"contextOverlap"_s, r.contextOverlap},
            {u"contextStride"_s, r.contextStride},
            {u"contextSchedule"_s, scheduleName(r.contextSchedule)},
            {u"closedLoop"_s, r.closedLoop},
            {u"referenceImage"_s, r.referenceImage},
            {u"motionBucketId"_s, r.motionBucketId},
            {u"augmentationLevel"_s, doubleToJson(r.augmentationLevel)},
            {u"minCfg"_s, doubleToJson(r.minCfg)},
            {u"conditioningFps"_s, r.conditioningFps},
    };
}

std::expected<GenerationRequest, FieldProblems> fromJson(const QJsonObject &json)
{
    Reader in(json);
    in.version();
    Kind kind = Kind::AnimateDiff;
    in.enumeration(u"kind"_s, &kind, &parseKind, kindNames());
    GenerationRequest r = defaultRequest(kind);
    readFields(in, r);
    in.unknownKeys();
    if (!in.problems().isEmpty())
        return std::unexpected(in.problems());
    return r;
}

QByteArray toJsonText(const GenerationRequest &request, QJsonDocument::JsonFormat format)
{
    return QJsonDocument(toJson(request)).toJson(format);
}

std::expected<GenerationRequest, FieldProblems> fromJsonText(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        return std::unexpected(
                FieldProblems{{QString(),
                               QCoreApplication::translate("RequestJson",
                                                           "The request is not valid JSON: %1 at "
                                                           "character %2.")
                                       .arg(error.errorString())
                                       .arg(error.offset)}});
    if (!doc.isObject())
        return std::unexpected(FieldProblems{
                {QString(),
                 QCoreApplication::translate("RequestJson",
                                             "The request must be a JSON object ({...}).")}});
    return fromJson(doc.object());
}

} // namespace comfyvideo::request
