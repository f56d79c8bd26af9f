#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>
#include <variant>

// Typed /ws messages (reference §3.2, §3.3). Missing or ill-typed fields read as empty/zero.
namespace comfyvideo::comfy::ws {

struct Status
{
    std::optional<int> queueRemaining;
    QString sid; // only in the on-connect status
    bool operator==(const Status &) const = default;
};
struct ExecutionStart
{
    QString promptId;
    bool operator==(const ExecutionStart &) const = default;
};
struct ExecutionCached
{
    QString promptId;
    QStringList nodes;
    bool operator==(const ExecutionCached &) const = default;
};
struct Executing
{
    QString promptId;            // empty in the on-reconnect form
    std::optional<QString> node; // nullopt: node null, the prompt is finished
    QString displayNode;
    bool finished() const { return !node.has_value(); }
    bool operator==(const Executing &) const = default;
};
struct Progress
{
    QString promptId;
    QString node;
    double value = 0;
    double max = 0;
    bool operator==(const Progress &) const = default;
};
struct ProgressState
{
    struct Node
    {
        QString id;
        double value = 0;
        double max = 0;
        QString state; // running, finished, error, pending
        bool operator==(const Node &) const = default;
    };
    QString promptId;
    QList<Node> nodes;
    bool operator==(const ProgressState &) const = default;
};
struct Executed
{
    QString promptId;
    QString node;
    QString displayNode;
    QJsonObject output; // the node's UI dict ({} for null)
    bool operator==(const Executed &) const = default;
};
struct ExecutionSuccess
{
    QString promptId;
    bool operator==(const ExecutionSuccess &) const = default;
};
struct ExecutionError
{
    QString promptId;
    QString nodeId;
    QString nodeType;
    QJsonObject data; // the whole payload, for errors::classifyExecutionError
    // ExecutionBlocked: a flow-control node stopped a branch; it does not end the prompt.
    bool blocked() const;
    bool operator==(const ExecutionError &) const = default;
};
struct ExecutionInterrupted
{
    QString promptId;
    QString nodeId;
    QString nodeType;
    QJsonObject data;
    bool operator==(const ExecutionInterrupted &) const = default;
};
struct FeatureFlags
{
    QJsonObject flags;
    bool operator==(const FeatureFlags &) const = default;
};
struct Unknown
{
    QString type; // empty when the frame was not a {"type", "data"} object
    bool operator==(const Unknown &) const = default;
};

using Event = std::variant<Status,
                           ExecutionStart,
                           ExecutionCached,
                           Executing,
                           Progress,
                           ProgressState,
                           Executed,
                           ExecutionSuccess,
                           ExecutionError,
                           ExecutionInterrupted,
                           FeatureFlags,
                           Unknown>;

// Binary frames.
struct PreviewImage
{
    QByteArray bytes;
    QString mimeType; // image/jpeg or image/png
    QString promptId; // type 4 only
    QString nodeId;   // type 4 only
    bool operator==(const PreviewImage &) const = default;
};
struct NodeText
{
    QString nodeId;
    QString text;
    bool operator==(const NodeText &) const = default;
};
struct UnknownBinary
{
    quint32 eventType = 0;
    QString reason; // why it was ignored (unknown type, truncated header, ...)
    bool operator==(const UnknownBinary &) const = default;
};

using BinaryEvent = std::variant<PreviewImage, NodeText, UnknownBinary>;

// The prompt id an event belongs to; empty for events without one.
QString promptIdOf(const Event &event);

} // namespace comfyvideo::comfy::ws
