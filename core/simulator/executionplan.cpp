#include "simulator/executionplan.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace comfyvideo::simulator {

std::optional<Link> asLink(const QJsonValue &value)
{
    if (!value.isArray())
        return std::nullopt;
    const QJsonArray a = value.toArray();
    if (a.size() != 2 || !a.at(0).isString() || !a.at(1).isDouble())
        return std::nullopt;
    return Link{a.at(0).toString(), a.at(1).toInt()};
}

ExecutionPlan::ExecutionPlan(const QueueItem &item, IsOutput isOutput, IsChanged isChanged)
    : m_prompt(item.prompt)
    , m_outputs(item.outputs)
    , m_isOutput(std::move(isOutput))
    , m_isChanged(std::move(isChanged))
{
    for (const QString &id : item.order.nodeIds) {
        if (m_prompt.contains(id) && !m_nodeIds.contains(id))
            m_nodeIds.append(id);
    }
    for (const QString &id : m_prompt.keys()) {
        if (!m_nodeIds.contains(id))
            m_nodeIds.append(id);
    }
    for (const QString &id : std::as_const(m_nodeIds)) {
        const QJsonObject in = inputs(id);
        QStringList keys;
        for (const QString &k : item.order.inputOrder.value(id)) {
            if (in.contains(k) && !keys.contains(k))
                keys.append(k);
        }
        for (const QString &k : in.keys()) {
            if (!keys.contains(k))
                keys.append(k);
        }
        m_inputOrder.insert(id, keys);
    }
    // Outputs in the client's order.
    QStringList outputs;
    for (const QString &id : std::as_const(m_nodeIds)) {
        if (m_outputs.contains(id))
            outputs.append(id);
    }
    m_outputs = outputs;
}

QString ExecutionPlan::classType(const QString &id) const
{
    return node(id).value(QStringLiteral("class_type")).toString();
}

QJsonObject ExecutionPlan::inputs(const QString &id) const
{
    return node(id).value(QStringLiteral("inputs")).toObject();
}

QStringList ExecutionPlan::inputOrder(const QString &id) const
{
    return m_inputOrder.value(id);
}

QByteArray ExecutionPlan::signature(const QString &id) const
{
    if (const auto it = m_signatures.constFind(id); it != m_signatures.constEnd())
        return *it;
    m_signatures.insert(id, QByteArray("cycle")); // guards against cycles
    const QJsonObject in = inputs(id);
    QJsonArray parts{classType(id)};
    if (m_isChanged)
        parts.append(QString::fromLatin1(m_isChanged(id, node(id)).toHex()));
    // Nodes with a hidden UNIQUE_ID input (VHS) include their id, as ComfyUI does.
    if (classType(id).startsWith(QStringLiteral("VHS_")))
        parts.append(id);
    QStringList names = in.keys();
    names.sort();
    for (const QString &name : std::as_const(names)) {
        const QJsonValue v = in.value(name);
        if (const auto link = asLink(v); link && m_prompt.contains(link->node))
            parts.append(QJsonArray{
                    name, QString::fromLatin1(signature(link->node).toHex()), link->index});
        else
            parts.append(QJsonArray{name, v});
    }
    const QByteArray sig = QCryptographicHash::hash(
            QJsonDocument(parts).toJson(QJsonDocument::Compact), QCryptographicHash::Sha1);
    m_signatures.insert(id, sig);
    return sig;
}

QStringList ExecutionPlan::order(const QSet<QString> &cached) const
{
    QStringList pending; // insertion-ordered
    QHash<QString, int> blockCount;
    QHash<QString, QStringList> blocking;
    const auto addNode = [&](const QString &start) {
        QStringList stack{start};
        QList<QPair<QString, QString>> links;
        while (!stack.isEmpty()) {
            const QString id = stack.takeLast();
            if (pending.contains(id) || !m_prompt.contains(id))
                continue;
            pending.append(id);
            blockCount.insert(id, 0);
            blocking.insert(id, {});
            const QJsonObject in = inputs(id);
            for (const QString &name : inputOrder(id)) {
                const auto link = asLink(in.value(name));
                if (!link || !m_prompt.contains(link->node))
                    continue;
                if (!cached.contains(link->node))
                    stack.append(link->node);
                links.append({link->node, id});
            }
        }
        for (const auto &[from, to] : links) {
            if (cached.contains(from) || blocking[from].contains(to))
                continue;
            blocking[from].append(to);
            ++blockCount[to];
        }
    };
    for (const QString &output : m_outputs)
        addNode(output);

    QStringList order;
    while (!pending.isEmpty()) {
        QStringList ready;
        for (const QString &id : std::as_const(pending)) {
            if (blockCount.value(id) == 0)
                ready.append(id);
        }
        if (ready.isEmpty())
            break; // a cycle; validation normally refuses these
        QString pick;
        for (const QString &id : std::as_const(ready)) {
            if (isOutputId(id)) {
                pick = id;
                break;
            }
        }
        const auto anyOutput = [&](const QStringList &ids) {
            return std::any_of(
                    ids.begin(), ids.end(), [&](const QString &n) { return isOutputId(n); });
        };
        const auto reachesOutput = [&](const QString &id, int depth) {
            const QStringList blocked = blocking.value(id);
            if (depth == 1)
                return anyOutput(blocked);
            return std::any_of(blocked.begin(), blocked.end(), [&](const QString &b) {
                return anyOutput(blocking.value(b));
            });
        };
        for (int depth = 1; depth <= 2 && pick.isEmpty(); ++depth) {
            for (const QString &id : std::as_const(ready)) {
                if (reachesOutput(id, depth)) {
                    pick = id;
                    break;
                }
            }
        }
        if (pick.isEmpty())
            pick = ready.first();
        order.append(pick);
        pending.removeOne(pick);
        const QStringList unblocked = blocking.value(pick);
        for (const QString &b : unblocked)
            --blockCount[b];
        blocking.remove(pick);
    }
    return order;
}

QStringList ExecutionPlan::legacyOrder(const QSet<QString> &cached) const
{
    QStringList order;
    QSet<QString> visiting;
    std::function<void(const QString &)> visit = [&](const QString &id) {
        if (order.contains(id) || cached.contains(id) || visiting.contains(id)
            || !m_prompt.contains(id))
            return;
        visiting.insert(id);
        const QJsonObject in = inputs(id);
        for (const QString &name : inputOrder(id)) {
            if (const auto link = asLink(in.value(name)))
                visit(link->node);
        }
        order.append(id);
    };
    for (const QString &output : m_outputs)
        visit(output);
    return order;
}

} // namespace comfyvideo::simulator
