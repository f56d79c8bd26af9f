#pragma once

#include <QByteArray>
#include <QHash>
#include <QStringList>

namespace comfyvideo::simulator {

// Key order of an API-format prompt as the client wrote it. QJsonObject sorts keys, but
// ComfyUI (Python dicts) keeps insertion order, and its execution order and the
// execution_cached list depend on it.
struct PromptKeyOrder
{
    QStringList nodeIds;                    // keys of "prompt", in body order
    QHash<QString, QStringList> inputOrder; // node id -> keys of its "inputs", in body order
};

// Reads the key order of body["prompt"] from a POST /prompt body. Returns an empty order when
// the body cannot be scanned (callers then fall back to sorted keys).
PromptKeyOrder promptKeyOrder(const QByteArray &body);

} // namespace comfyvideo::simulator
