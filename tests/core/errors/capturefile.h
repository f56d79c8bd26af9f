#pragma once

// Reads the real ComfyUI captures (tests/data/captures) for the core/errors tests.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace comfyvideo::errors::test {

inline QByteArray readCapture(const QString &name)
{
    QFile file(QStringLiteral(CV_CAPTURES_DIR) + QLatin1Char('/') + name);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

inline QJsonObject captureObject(const QString &name)
{
    return QJsonDocument::fromJson(readCapture(name)).object();
}

// The "data" of the first line of a .jsonl websocket capture whose "type" is `type`.
inline QJsonObject wsMessageData(const QString &name, const QString &type)
{
    const QList<QByteArray> lines = readCapture(name).split('\n');
    for (const QByteArray &line : lines) {
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        if (object.value(QStringLiteral("type")).toString() == type)
            return object.value(QStringLiteral("data")).toObject();
    }
    return {};
}

// The data of the status.messages entry named `event` in a /history capture.
inline QJsonObject historyMessageData(const QString &name, const QString &event)
{
    const QJsonObject history = captureObject(name);
    for (const QJsonValue &entry : history) {
        const QJsonArray messages = entry.toObject()
                                            .value(QStringLiteral("status"))
                                            .toObject()
                                            .value(QStringLiteral("messages"))
                                            .toArray();
        for (const QJsonValue &message : messages) {
            const QJsonArray pair = message.toArray();
            if (pair.at(0).toString() == event)
                return pair.at(1).toObject();
        }
    }
    return {};
}

} // namespace comfyvideo::errors::test
