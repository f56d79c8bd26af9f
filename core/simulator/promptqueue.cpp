#include "simulator/promptqueue.h"

#include <algorithm>

namespace comfyvideo::simulator {

QJsonArray QueueItem::toJson() const
{
    return {number, promptId, prompt, extraData, QJsonArray::fromStringList(outputs)};
}

void PromptQueue::put(QueueItem item)
{
    m_pending.append(std::move(item));
}

std::optional<QueueItem> PromptQueue::take()
{
    if (m_running || m_pending.isEmpty())
        return std::nullopt;
    const auto best = std::min_element(
            m_pending.begin(), m_pending.end(), [](const QueueItem &a, const QueueItem &b) {
                if (a.number != b.number)
                    return a.number < b.number;
                return a.promptId < b.promptId;
            });
    m_running = std::move(*best);
    m_pending.erase(best);
    return m_running;
}

bool PromptQueue::contains(const QString &promptId) const
{
    if (m_running && m_running->promptId == promptId)
        return true;
    return std::any_of(m_pending.begin(), m_pending.end(), [&](const QueueItem &i) {
        return i.promptId == promptId;
    });
}

int PromptQueue::remove(const QStringList &promptIds)
{
    return int(
            m_pending.removeIf([&](const QueueItem &i) { return promptIds.contains(i.promptId); }));
}

int PromptQueue::clearPending()
{
    const int n = int(m_pending.size());
    m_pending.clear();
    return n;
}

void PromptQueue::reset()
{
    m_pending.clear();
    m_running.reset();
}

QJsonObject PromptQueue::toJson() const
{
    QJsonArray running;
    if (m_running)
        running.append(m_running->toJson());
    QJsonArray pending;
    for (const QueueItem &i : m_pending)
        pending.append(i.toJson());
    return {{QStringLiteral("queue_running"), running}, {QStringLiteral("queue_pending"), pending}};
}

} // namespace comfyvideo::simulator
