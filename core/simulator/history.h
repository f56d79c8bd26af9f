#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QStringList>
#include <deque>
#include <optional>

namespace comfyvideo::simulator {

// ComfyUI's in-memory prompt history: insertion-ordered, at most `maxItems` entries (the
// oldest is dropped), lost on restart.
class History
{
public:
    explicit History(int maxItems = 10000);

    void add(const QString &promptId, const QJsonObject &entry);
    bool contains(const QString &promptId) const { return m_entries.contains(promptId); }
    QJsonObject entry(const QString &promptId) const { return m_entries.value(promptId); }
    void remove(const QString &promptId);
    void clear();
    int size() const { return int(m_order.size()); }

    // GET /history body with ComfyUI's max_items/offset rules, keys in insertion order (which
    // QJsonObject cannot keep, hence bytes).
    QByteArray toJson(std::optional<int> maxItems, int offset) const;
    // GET /history/{id} body: {id: entry} or {}.
    QByteArray toJson(const QString &promptId) const;

private:
    int m_maxItems;
    std::deque<QString> m_order;
    QHash<QString, QJsonObject> m_entries;
};

} // namespace comfyvideo::simulator
