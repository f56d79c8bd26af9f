#pragma once

// Shared helpers of the workflow validation tests (tst_workflowvalidator, tst_nodevalidator).

#include "comfy/workflowvalidator.h"

#include <QDebug>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QString>

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy::validatortest {

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    return file.readAll();
}

inline QString captures(const QString &name)
{
    return QStringLiteral(CV_CAPTURES_DIR "/") + name;
}

inline QString fixtures(const QString &name)
{
    return QStringLiteral(CV_TEST_DATA_DIR "/catalogs/") + name;
}

inline QJsonObject readObject(const QString &path)
{
    return QJsonDocument::fromJson(readFile(path)).object();
}

inline const NodeCatalog &captureCatalog()
{
    static const NodeCatalog catalog
            = *NodeCatalog::fromJson(readFile(captures(u"object_info.json"_s)));
    return catalog;
}

inline QJsonObject animateDiff()
{
    return readObject(fixtures(u"workflow_animatediff_16f.json"_s));
}

inline QJsonObject svd()
{
    return readObject(fixtures(u"workflow_svd_xt_25f.json"_s));
}

inline QJsonObject
withInput(QJsonObject prompt, const QString &id, const QString &name, const QJsonValue &value)
{
    QJsonObject node = prompt.value(id).toObject();
    QJsonObject inputs = node.value(u"inputs").toObject();
    if (value.isUndefined())
        inputs.remove(name);
    else
        inputs.insert(name, value);
    node.insert(u"inputs"_s, inputs);
    prompt.insert(id, node);
    return prompt;
}

inline QJsonArray link(const QString &id, int slot)
{
    return QJsonArray{id, slot};
}

inline QJsonValue json(const QByteArray &text)
{
    return QJsonDocument::fromJson("[" + text + "]").array().at(0);
}

// The single reason of the single failing node.
inline ValidationError onlyReason(const WorkflowValidation &v, const QString &nodeId)
{
    if (v.nodeErrors.size() != 1 || !v.nodeErrors.contains(nodeId)
        || v.nodeErrors.value(nodeId).errors.size() != 1) {
        qWarning().noquote() << QJsonDocument(v.toResponseBody()).toJson();
        return {};
    }
    return v.nodeErrors.value(nodeId).errors.first();
}

// A small catalog of made-up nodes for the type-matching rules.
inline NodeCatalog miniCatalog()
{
    return NodeCatalog::fromObject(json(R"({
        "MaskSource": {"input": {}, "output": ["MASK"], "output_node": false},
        "LatentSource": {"input": {}, "output": ["LATENT"], "output_node": false},
        "UnionSink": {"input": {"required": {"pixels": ["IMAGE,MASK"]}}, "output": [],
                      "output_node": true},
        "Picker": {"input": {}, "output": [["euler", "dpmpp_2m"], ["normal", "karras"]],
                   "output_node": false},
        "PickSink": {"input": {"required": {"sampler_name": [["euler", "dpmpp_2m"]]}},
                     "output": [], "output_node": true}
    })")
                                           .toObject());
}

} // namespace comfyvideo::comfy::validatortest
