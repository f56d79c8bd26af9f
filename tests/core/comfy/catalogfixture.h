#pragma once

// Catalog fixtures for the builder tests: the real /object_info capture, and edits to it.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace comfyvideo::tests {

inline QJsonObject readJsonObject(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    return QJsonDocument::fromJson(file.readAll()).object();
}

// tests/data/captures/object_info.json: a 2026 server with ADE (Gen2, legacy, Static and Looped
// context options) and VideoHelperSuite; checkpoints svd_xt and v1-5-pruned-emaonly.
inline QJsonObject captureObjectInfo()
{
    return readJsonObject(QStringLiteral(CV_CAPTURES_DIR "/object_info.json"));
}

// Replaces the option list of a required combo input, keeping its options object.
inline void
setCombo(QJsonObject &info, const QString &node, const QString &input, const QStringList &options)
{
    QJsonObject spec = info.value(node).toObject();
    QJsonObject inputs = spec.value(u"input").toObject();
    QJsonObject required = inputs.value(u"required").toObject();
    QJsonArray combo = required.value(input).toArray();
    combo.replace(0, QJsonArray::fromStringList(options));
    required.insert(input, combo);
    inputs.insert(u"required", required);
    spec.insert(u"input", inputs);
    info.insert(node, spec);
}

inline void setCheckpoints(QJsonObject &info, const QStringList &names)
{
    setCombo(info, QStringLiteral("CheckpointLoaderSimple"), QStringLiteral("ckpt_name"), names);
    setCombo(info, QStringLiteral("ImageOnlyCheckpointLoader"), QStringLiteral("ckpt_name"), names);
}

} // namespace comfyvideo::tests
