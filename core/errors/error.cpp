#include "errors/error.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace comfyvideo::errors {

namespace {

using namespace Qt::StringLiterals;

QJsonArray toArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QStringList toStringList(const QJsonValue &value)
{
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array) {
        if (item.isString())
            list.append(item.toString());
    }
    return list;
}

QJsonArray actionsToArray(Actions actions)
{
    QJsonArray array;
    for (Action action : allActions()) {
        if (actions.testFlag(action))
            array.append(actionName(action));
    }
    return array;
}

Actions actionsFromArray(const QJsonValue &value)
{
    Actions actions;
    for (const QString &name : toStringList(value)) {
        if (const std::optional<Action> action = parseAction(name))
            actions |= *action;
    }
    return actions;
}

} // namespace

Error Error::make(ErrorKind kind, const QString &userMessage)
{
    Error error;
    error.kind = kind;
    error.retryable = isRetryable(kind);
    error.fallbackAllowed = allowsFallback(kind);
    error.userMessage = userMessage;
    error.actions = defaultActions(kind);
    return error;
}

QString Error::nodeLabel() const
{
    if (nodeType.isEmpty() && nodeId.isEmpty())
        return {};
    if (nodeId.isEmpty())
        return nodeType;
    if (nodeType.isEmpty())
        return QCoreApplication::translate("Errors", "node %1").arg(nodeId);
    return QCoreApplication::translate("Errors", "%1 (node %2)").arg(nodeType, nodeId);
}

QString Error::copyableDetails() const
{
    QStringList lines;
    lines << QCoreApplication::translate("Errors", "Error: %1 (%2)")
                     .arg(kindTitle(kind), kindName(kind));
    lines << QCoreApplication::translate("Errors", "Message: %1").arg(userMessage);
    if (!nodeLabel().isEmpty())
        lines << QCoreApplication::translate("Errors", "Node: %1").arg(nodeLabel());
    if (!inputName.isEmpty())
        lines << QCoreApplication::translate("Errors", "Input: %1").arg(inputName);
    if (!missingName.isEmpty())
        lines << QCoreApplication::translate("Errors", "Missing: %1").arg(missingName);
    if (httpStatus != 0)
        lines << QCoreApplication::translate("Errors", "HTTP status: %1").arg(httpStatus);
    lines << QCoreApplication::translate("Errors", "Retry allowed: %1, fallback allowed: %2")
                     .arg(retryable ? QCoreApplication::translate("Errors", "yes")
                                    : QCoreApplication::translate("Errors", "no"),
                          fallbackAllowed ? QCoreApplication::translate("Errors", "yes")
                                          : QCoreApplication::translate("Errors", "no"));
    if (!tips.isEmpty()) {
        lines << QCoreApplication::translate("Errors", "Tips:");
        for (const QString &tip : tips)
            lines << u"- "_s + tip;
    }
    if (!technicalDetail.isEmpty()) {
        lines << QCoreApplication::translate("Errors", "Technical details:");
        lines << technicalDetail;
    }
    return lines.join(u'\n');
}

QJsonObject Error::toJsonObject() const
{
    QJsonObject object;
    object.insert(u"kind"_s, kindName(kind));
    object.insert(u"retryable"_s, retryable);
    object.insert(u"fallbackAllowed"_s, fallbackAllowed);
    object.insert(u"httpStatus"_s, httpStatus);
    object.insert(u"nodeId"_s, nodeId);
    object.insert(u"nodeType"_s, nodeType);
    object.insert(u"inputName"_s, inputName);
    object.insert(u"missingName"_s, missingName);
    object.insert(u"alternatives"_s, toArray(alternatives));
    object.insert(u"technicalDetail"_s, technicalDetail);
    object.insert(u"userMessage"_s, userMessage);
    object.insert(u"tips"_s, toArray(tips));
    object.insert(u"actions"_s, actionsToArray(actions));
    return object;
}

QString Error::toJson() const
{
    return QString::fromUtf8(QJsonDocument(toJsonObject()).toJson(QJsonDocument::Compact));
}

std::optional<Error> Error::fromJsonObject(const QJsonObject &object)
{
    const QJsonValue kindValue = object.value(u"kind"_s);
    if (!kindValue.isString())
        return std::nullopt;
    Error error;
    error.kind = parseKind(kindValue.toString()).value_or(ErrorKind::Unknown);
    error.retryable = object.value(u"retryable"_s).toBool(isRetryable(error.kind));
    error.fallbackAllowed = object.value(u"fallbackAllowed"_s).toBool(allowsFallback(error.kind));
    error.httpStatus = object.value(u"httpStatus"_s).toInt(0);
    error.nodeId = object.value(u"nodeId"_s).toString();
    error.nodeType = object.value(u"nodeType"_s).toString();
    error.inputName = object.value(u"inputName"_s).toString();
    error.missingName = object.value(u"missingName"_s).toString();
    error.alternatives = toStringList(object.value(u"alternatives"_s));
    error.technicalDetail = object.value(u"technicalDetail"_s).toString();
    error.userMessage = object.value(u"userMessage"_s).toString();
    error.tips = toStringList(object.value(u"tips"_s));
    error.actions = object.contains(u"actions"_s) ? actionsFromArray(object.value(u"actions"_s))
                                                  : defaultActions(error.kind);
    return error;
}

std::optional<Error> Error::fromJson(const QString &json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return fromJsonObject(document.object());
}

} // namespace comfyvideo::errors
