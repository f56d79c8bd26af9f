#include "comfy/messageparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QtEndian>
#include <cmath>

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy::ws {

namespace {

constexpr double MaxNumber = 1e15; // beyond any step or frame count; keeps math finite

QString str(const QJsonObject &o, QLatin1StringView key)
{
    const QJsonValue v = o.value(key);
    return v.isString() ? v.toString() : QString();
}

double num(const QJsonObject &o, QLatin1StringView key)
{
    const double d = o.value(key).toDouble(0.0);
    if (!std::isfinite(d))
        return 0.0;
    return std::clamp(d, -MaxNumber, MaxNumber);
}

QStringList stringList(const QJsonValue &v)
{
    QStringList out;
    const QJsonArray array = v.toArray();
    for (const QJsonValue &item : array) {
        if (item.isString())
            out.append(item.toString());
    }
    return out;
}

Status parseStatus(const QJsonObject &data)
{
    Status s;
    s.sid = str(data, "sid"_L1);
    const QJsonValue remaining = data.value("status"_L1)
                                         .toObject()
                                         .value("exec_info"_L1)
                                         .toObject()
                                         .value("queue_remaining"_L1);
    if (remaining.isDouble()) {
        const double d = remaining.toDouble();
        if (std::isfinite(d) && d >= 0 && d < 1e9)
            s.queueRemaining = int(d);
    }
    return s;
}

Executing parseExecuting(const QJsonObject &data)
{
    Executing e;
    e.promptId = str(data, "prompt_id"_L1);
    const QJsonValue node = data.value("node"_L1);
    if (node.isString())
        e.node = node.toString();
    else if (node.isDouble()) // tolerate numeric ids
        e.node = QString::number(qint64(std::clamp(node.toDouble(), -MaxNumber, MaxNumber)));
    e.displayNode = str(data, "display_node"_L1);
    return e;
}

ProgressState parseProgressState(const QJsonObject &data)
{
    ProgressState ps;
    ps.promptId = str(data, "prompt_id"_L1);
    const QJsonObject nodes = data.value("nodes"_L1).toObject();
    for (auto it = nodes.begin(); it != nodes.end(); ++it) {
        const QJsonObject n = it.value().toObject();
        ps.nodes.append({it.key(), num(n, "value"_L1), num(n, "max"_L1), str(n, "state"_L1)});
    }
    return ps;
}

} // namespace

bool ExecutionError::blocked() const
{
    return data.value("exception_type"_L1).toString() == u"ExecutionBlocked";
}

QString promptIdOf(const Event &event)
{
    return std::visit(
            [](const auto &e) -> QString {
                if constexpr (requires { e.promptId; })
                    return e.promptId;
                else
                    return {};
            },
            event);
}

Event parseMessage(const QString &type, const QJsonObject &data)
{
    const QString pid = str(data, "prompt_id"_L1);
    if (type == u"status")
        return parseStatus(data);
    if (type == u"execution_start")
        return ExecutionStart{pid};
    if (type == u"execution_cached")
        return ExecutionCached{pid, stringList(data.value("nodes"_L1))};
    if (type == u"executing")
        return parseExecuting(data);
    if (type == u"progress")
        return Progress{pid, str(data, "node"_L1), num(data, "value"_L1), num(data, "max"_L1)};
    if (type == u"progress_state")
        return parseProgressState(data);
    if (type == u"executed")
        return Executed{pid,
                        str(data, "node"_L1),
                        str(data, "display_node"_L1),
                        data.value("output"_L1).toObject()};
    if (type == u"execution_success")
        return ExecutionSuccess{pid};
    if (type == u"execution_error")
        return ExecutionError{pid, str(data, "node_id"_L1), str(data, "node_type"_L1), data};
    if (type == u"execution_interrupted")
        return ExecutionInterrupted{pid, str(data, "node_id"_L1), str(data, "node_type"_L1), data};
    if (type == u"feature_flags")
        return FeatureFlags{data};
    return Unknown{type};
}

Event parseTextMessage(QByteArrayView utf8)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return Unknown{};
    const QJsonObject root = doc.object();
    const QJsonValue type = root.value("type"_L1);
    if (!type.isString())
        return Unknown{};
    return parseMessage(type.toString(), root.value("data"_L1).toObject());
}

namespace {

quint32 readU32(QByteArrayView bytes, qsizetype offset)
{
    return qFromBigEndian<quint32>(bytes.data() + offset); // unaligned-safe (memcpy)
}

BinaryEvent parsePreviewWithMetadata(QByteArrayView frame)
{
    if (frame.size() < 8)
        return UnknownBinary{4, u"truncated header"_s};
    const quint32 metaLen = readU32(frame, 4);
    if (quint64(metaLen) > quint64(frame.size() - 8))
        return UnknownBinary{4, u"metadata length beyond frame"_s};
    const QJsonObject meta
            = QJsonDocument::fromJson(frame.sliced(8, metaLen).toByteArray()).object();
    PreviewImage p;
    p.bytes = frame.sliced(8 + metaLen).toByteArray();
    p.mimeType = str(meta, "image_type"_L1);
    if (p.mimeType != u"image/png")
        p.mimeType = u"image/jpeg"_s;
    p.promptId = str(meta, "prompt_id"_L1);
    p.nodeId = str(meta, "node_id"_L1);
    return p;
}

} // namespace

BinaryEvent parseBinaryMessage(QByteArrayView frame)
{
    if (frame.size() < 4)
        return UnknownBinary{0, u"truncated header"_s};
    const quint32 type = readU32(frame, 0);
    switch (type) {
    case 1: {
        if (frame.size() < 8)
            return UnknownBinary{1, u"truncated header"_s};
        const quint32 format = readU32(frame, 4);
        if (format != 1 && format != 2)
            return UnknownBinary{1, u"unknown image format %1"_s.arg(format)};
        return PreviewImage{frame.sliced(8).toByteArray(),
                            format == 1 ? u"image/jpeg"_s : u"image/png"_s,
                            {},
                            {}};
    }
    case 3: {
        if (frame.size() < 8)
            return UnknownBinary{3, u"truncated header"_s};
        const quint32 idLen = readU32(frame, 4);
        if (quint64(idLen) > quint64(frame.size() - 8))
            return UnknownBinary{3, u"node id length beyond frame"_s};
        return NodeText{QString::fromUtf8(frame.sliced(8, idLen)),
                        QString::fromUtf8(frame.sliced(8 + idLen))};
    }
    case 4:
        return parsePreviewWithMetadata(frame);
    default:
        return UnknownBinary{type, u"unknown event type"_s};
    }
}

QByteArray featureFlagsMessage()
{
    return R"({"type": "feature_flags", "data": {"supports_preview_metadata": true}})"_ba;
}

} // namespace comfyvideo::comfy::ws
