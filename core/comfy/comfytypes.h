#pragma once

#include "comfy/failure.h"
#include "comfy/wsevents.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <expected>
#include <optional>

// Value types of ComfyClient answers.
namespace comfyvideo::comfy {

template<typename T>
using Result = std::expected<T, Failure>;

struct SystemStats
{
    struct Device
    {
        QString name;
        QString type;
        qint64 vramTotal = 0;
        qint64 vramFree = 0;
        bool operator==(const Device &) const = default;
    };
    QString comfyuiVersion; // empty before 2024-08-30
    QString os;
    QList<Device> devices; // devices[0] is the main one
    QJsonObject raw;

    static std::optional<SystemStats> fromJson(const QJsonObject &object);
    bool operator==(const SystemStats &) const = default;
};

struct UploadedImage
{
    QString name;
    QString subfolder;
    QString type;
    // What LoadImage's `image` input takes: "subfolder/name" or "name".
    QString loadImageName() const { return subfolder.isEmpty() ? name : subfolder + u'/' + name; }
    bool operator==(const UploadedImage &) const = default;
};

struct SubmitResult
{
    QString promptId;          // the id the server uses (the response's)
    QString requestedPromptId; // the id we generated; differs on servers that ignore it
    double number = 0;
    QJsonValue nodeErrors; // object (or array on old servers); may be non-empty on success
    // Messages for promptId that arrived before the POST answered, in order.
    QList<ws::Event> earlyEvents;
    bool operator==(const SubmitResult &) const = default;
};

struct QueueState
{
    struct Entry
    {
        double number = 0;
        QString promptId;
        bool operator==(const Entry &) const = default;
    };
    QList<Entry> running;
    QList<Entry> pending; // sorted by (number, prompt_id)

    // 0 when running, 1.. when pending (1 = next), -1 when absent.
    int positionOf(const QString &promptId) const;
    static std::optional<QueueState> fromJson(const QJsonObject &object);
    bool operator==(const QueueState &) const = default;
};

// One output file reference from an `executed` output or a history entry.
struct OutputFileRef
{
    QString nodeId;
    QString key; // "gifs" (VideoHelperSuite), "images" (core savers), "videos"
    QString filename;
    QString subfolder;
    QString type; // output, temp, input
    QString format;

    bool operator==(const OutputFileRef &) const = default;
};

// The file references of one node's UI output dict (gifs first, then images, videos).
QList<OutputFileRef> outputFilesOf(const QString &nodeId, const QJsonObject &uiOutput);

} // namespace comfyvideo::comfy
