#pragma once

#include "simulator/promptqueue.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QStringList>
#include <functional>
#include <optional>

namespace comfyvideo::simulator {

struct Link
{
    QString node;
    int index = 0;
};
// A JSON input value [node_id_string, output_index].
std::optional<Link> asLink(const QJsonValue &value);

// The graph of one queued prompt: key order, input signatures (ComfyUI's classic cache key),
// and the order nodes execute in.
class ExecutionPlan
{
public:
    using IsChanged = std::function<QByteArray(const QString &nodeId, const QJsonObject &node)>;
    using IsOutput = std::function<bool(const QString &classType)>;

    ExecutionPlan(const QueueItem &item, IsOutput isOutput, IsChanged isChanged = {});

    QStringList nodeIds() const { return m_nodeIds; } // in the client's order
    QJsonObject node(const QString &id) const { return m_prompt.value(id).toObject(); }
    QString classType(const QString &id) const;
    QJsonObject inputs(const QString &id) const;
    QStringList inputOrder(const QString &id) const; // the client's key order
    QByteArray signature(const QString &id) const;

    // ComfyUI 0.3.64's ExecutionList order (ux_friendly_pick_node): the output nodes and
    // every uncached node they need. Cached output nodes stay in the list (they replay).
    QStringList order(const QSet<QString> &cached) const;
    // Before 2024-08-15: depth-first per output, inputs in key order, cached nodes skipped.
    QStringList legacyOrder(const QSet<QString> &cached) const;

private:
    bool isOutputId(const QString &id) const { return m_isOutput(classType(id)); }

    QJsonObject m_prompt;
    QStringList m_nodeIds;
    QHash<QString, QStringList> m_inputOrder;
    QStringList m_outputs;
    IsOutput m_isOutput;
    IsChanged m_isChanged;
    mutable QHash<QString, QByteArray> m_signatures;
};

} // namespace comfyvideo::simulator
