#include "comfy/comfytypes.h"

#include <QJsonArray>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy {

std::optional<SystemStats> SystemStats::fromJson(const QJsonObject &object)
{
    if (!object.value("devices"_L1).isArray())
        return std::nullopt;
    SystemStats stats;
    stats.raw = object;
    const QJsonObject system = object.value("system"_L1).toObject();
    stats.comfyuiVersion = system.value("comfyui_version"_L1).toString();
    stats.os = system.value("os"_L1).toString();
    const QJsonArray devices = object.value("devices"_L1).toArray();
    for (const QJsonValue &value : devices) {
        const QJsonObject d = value.toObject();
        stats.devices.append({d.value("name"_L1).toString(),
                              d.value("type"_L1).toString(),
                              qint64(d.value("vram_total"_L1).toDouble()),
                              qint64(d.value("vram_free"_L1).toDouble())});
    }
    return stats;
}

int QueueState::positionOf(const QString &promptId) const
{
    for (const Entry &e : running) {
        if (e.promptId == promptId)
            return 0;
    }
    for (qsizetype i = 0; i < pending.size(); ++i) {
        if (pending.at(i).promptId == promptId)
            return int(i + 1);
    }
    return -1;
}

namespace {

QList<QueueState::Entry> entries(const QJsonValue &value)
{
    QList<QueueState::Entry> out;
    const QJsonArray items = value.toArray();
    for (const QJsonValue &item : items) {
        const QJsonArray tuple = item.toArray();
        if (tuple.size() >= 2 && tuple.at(1).isString())
            out.append({tuple.at(0).toDouble(), tuple.at(1).toString()});
    }
    return out;
}

} // namespace

std::optional<QueueState> QueueState::fromJson(const QJsonObject &object)
{
    if (!object.value("queue_running"_L1).isArray() || !object.value("queue_pending"_L1).isArray())
        return std::nullopt;
    QueueState state;
    state.running = entries(object.value("queue_running"_L1));
    state.pending = entries(object.value("queue_pending"_L1));
    std::ranges::sort(state.pending, [](const Entry &a, const Entry &b) {
        return a.number != b.number ? a.number < b.number : a.promptId < b.promptId;
    });
    return state;
}

QList<OutputFileRef> outputFilesOf(const QString &nodeId, const QJsonObject &uiOutput)
{
    QList<OutputFileRef> out;
    for (const auto key : {"gifs"_L1, "images"_L1, "videos"_L1}) {
        const QJsonArray files = uiOutput.value(key).toArray();
        for (const QJsonValue &value : files) {
            const QJsonObject f = value.toObject();
            if (!f.value("filename"_L1).isString())
                continue;
            out.append({nodeId,
                        QString(key),
                        f.value("filename"_L1).toString(),
                        f.value("subfolder"_L1).toString(),
                        f.value("type"_L1).toString(u"output"_s),
                        f.value("format"_L1).toString()});
        }
    }
    return out;
}

} // namespace comfyvideo::comfy
