#pragma once

// Internal: turns the per-node reasons of a POST /prompt 400 answer into sentences. Not part of
// the module's API.

#include "errors/errorkind.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace comfyvideo::errors::detail {

// One reason of one node ("value_not_in_list" on input "ckpt_name" of node "1").
struct NodeReason
{
    ErrorKind kind = ErrorKind::InvalidParams; // ModelNotFound or InvalidParams
    QString nodeId;
    QString nodeType;
    QString inputName;
    QString missingName;      // the model asked for, for ModelNotFound
    QStringList alternatives; // the installed models the server listed
    QString sentence;         // translated, one line
    QStringList tips;         // translated
};

// Every reason of a node_errors value (an object keyed by node id, or an array), in node order.
// At most `limit` reasons are read.
QList<NodeReason> readNodeReasons(const QJsonValue &nodeErrors, qsizetype limit = 50);

// Items of a Python list literal of strings: "['a.ckpt', \"b's.ckpt\"]" -> {a.ckpt, b's.ckpt}.
// Non-string items are skipped; std::nullopt when the text is not such a list.
std::optional<QStringList> parsePythonStringList(QStringView text);

} // namespace comfyvideo::errors::detail
