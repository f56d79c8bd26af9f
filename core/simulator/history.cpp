#include "simulator/history.h"

#include <QJsonDocument>
#include <algorithm>

namespace comfyvideo::simulator {

namespace {

QByteArray keyValue(const QString &key, const QJsonObject &value)
{
    QJsonObject wrapper{{key, value}};
    QByteArray text = QJsonDocument(wrapper).toJson(QJsonDocument::Compact);
    return text.mid(1, text.size() - 2); // strip the braces: "key":{...}
}

} // namespace

History::History(int maxItems)
    : m_maxItems(std::max(1, maxItems))
{}

void History::add(const QString &promptId, const QJsonObject &entry)
{
    if (!m_entries.contains(promptId))
        m_order.push_back(promptId);
    m_entries.insert(promptId, entry);
    while (int(m_order.size()) > m_maxItems) {
        m_entries.remove(m_order.front());
        m_order.pop_front();
    }
}

void History::remove(const QString &promptId)
{
    if (!m_entries.remove(promptId))
        return;
    m_order.erase(std::find(m_order.begin(), m_order.end(), promptId));
}

void History::clear()
{
    m_order.clear();
    m_entries.clear();
    m_entries.squeeze();
}

QByteArray History::toJson(std::optional<int> maxItems, int offset) const
{
    if (offset < 0 && maxItems)
        offset = int(m_order.size()) - *maxItems;
    QByteArray out = "{";
    int i = 0;
    int count = 0;
    for (const QString &id : m_order) {
        if (maxItems && count >= *maxItems)
            break;
        if (i++ < offset)
            continue;
        if (count++ > 0)
            out += ", ";
        out += keyValue(id, m_entries.value(id));
    }
    out += '}';
    return out;
}

QByteArray History::toJson(const QString &promptId) const
{
    if (!m_entries.contains(promptId))
        return "{}";
    return '{' + keyValue(promptId, m_entries.value(promptId)) + '}';
}

} // namespace comfyvideo::simulator
