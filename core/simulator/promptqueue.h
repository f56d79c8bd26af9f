#pragma once

#include "simulator/jsonkeyorder.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <optional>

namespace comfyvideo::simulator {

struct QueueItem
{
    double number = 0;
    QString promptId;
    QJsonObject prompt;    // after validation coercion
    QJsonObject extraData; // with client_id
    QStringList outputs;   // output node ids that passed validation
    PromptKeyOrder order;

    QString clientId() const { return extraData.value(QStringLiteral("client_id")).toString(); }
    // [number, prompt_id, prompt, extra_data, outputs_to_execute]
    QJsonArray toJson() const;
};

// One worker's queue: pending items taken in (number, prompt_id) order, one running item.
class PromptQueue
{
public:
    void put(QueueItem item);
    // Moves the best pending item to running; nothing when one is running or none is pending.
    std::optional<QueueItem> take();
    void finishRunning() { m_running.reset(); }

    const std::optional<QueueItem> &running() const { return m_running; }
    const QList<QueueItem> &pending() const { return m_pending; }
    int remaining() const { return int(m_pending.size()) + (m_running ? 1 : 0); }
    bool contains(const QString &promptId) const;

    int remove(const QStringList &promptIds); // pending only; returns how many were removed
    int clearPending();
    void reset(); // forget everything (restart)

    QJsonObject toJson() const; // GET /queue

private:
    QList<QueueItem> m_pending; // insertion order (ComfyUI shows its raw heap array)
    std::optional<QueueItem> m_running;
};

} // namespace comfyvideo::simulator
