#include "errors/classifyutil.h"

#include "errors/classification.h"
#include "errors/redaction.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace comfyvideo::errors::detail {

using namespace Qt::StringLiterals;

Error finish(Error error)
{
    error.technicalDetail = clipped(redactSecrets(error.technicalDetail), MaxTechnicalDetail);
    error.userMessage = redactSecrets(error.userMessage);
    for (QString &tip : error.tips)
        tip = redactSecrets(tip);
    error.missingName = redactSecrets(error.missingName);
    if (!error.fallbackAllowed)
        error.actions &= ~Actions(Action::UseFallback);
    if (error.fallbackAllowed)
        error.actions |= Action::UseFallback;
    return error;
}

QString clipped(const QString &text, qsizetype max)
{
    if (text.size() <= max)
        return text;
    qsizetype cut = max - 1;
    if (cut > 0 && text.at(cut - 1).isHighSurrogate())
        --cut; // never split a surrogate pair
    return text.left(cut) + QChar(0x2026);
}

QString firstLine(const QString &text)
{
    const QStringList lines = text.split(u'\n');
    for (const QString &line : lines) {
        const QString trimmed = line.trimmed();
        if (!trimmed.isEmpty())
            return clipped(trimmed, MaxQuotedText);
    }
    return {};
}

QString lastComponent(const QString &dottedName)
{
    const QString trimmed = dottedName.trimmed();
    const qsizetype dot = trimmed.lastIndexOf(u'.');
    return dot < 0 ? trimmed : trimmed.mid(dot + 1);
}

QString nodeText(const QString &nodeType, const QString &nodeId)
{
    if (nodeType.isEmpty() && nodeId.isEmpty())
        return QCoreApplication::translate("Errors", "the server");
    if (nodeId.isEmpty())
        return nodeType;
    if (nodeType.isEmpty())
        return QCoreApplication::translate("Errors", "node %1").arg(nodeId);
    return QCoreApplication::translate("Errors", "%1 (node %2)").arg(nodeType, nodeId);
}

QString displayValue(const QJsonValue &value)
{
    if (value.isString())
        return clipped(value.toString(), MaxQuotedText);
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isArray())
        return clipped(
                QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)),
                MaxQuotedText);
    if (value.isObject())
        return clipped(
                QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact)),
                MaxQuotedText);
    return {};
}

QString baseName(const QString &path)
{
    const QString trimmed = path.trimmed();
    const qsizetype slash = std::max(trimmed.lastIndexOf(u'/'), trimmed.lastIndexOf(u'\\'));
    return slash < 0 ? trimmed : trimmed.mid(slash + 1);
}

void describeMissingNode(Error &error, const QString &nodeClass, const QString &nodeTitle)
{
    Error result = Error::make(ErrorKind::MissingCustomNode, {});
    result.httpStatus = error.httpStatus;
    result.nodeId = error.nodeId;
    result.nodeType = nodeClass;
    result.technicalDetail = error.technicalDetail;
    result.missingName = nodeClass.isEmpty() ? nodeTitle : nodeClass;
    const QString shown = result.missingName.isEmpty()
                                  ? QCoreApplication::translate("Errors", "a node")
                                  : result.missingName;
    if (isCoreNodeClass(nodeClass)) {
        result.userMessage
                = QCoreApplication::translate("Errors",
                                              "The server's ComfyUI is too old: it has no %1 node.")
                          .arg(shown);
        result.tips << QCoreApplication::translate(
                "Errors", "Update ComfyUI on the server (video nodes such as SVD came in 2023).");
    } else {
        result.userMessage
                = QCoreApplication::translate("Errors", "The server is missing the custom node %1.")
                          .arg(shown);
        const QString pack = customNodePack(nodeClass);
        if (!pack.isEmpty()) {
            result.tips << QCoreApplication::translate(
                                   "Errors",
                                   "Install the %1 node pack on the server (for example with "
                                   "ComfyUI-Manager), then restart ComfyUI.")
                                   .arg(pack);
        } else {
            result.tips << QCoreApplication::translate(
                    "Errors",
                    "Install the custom node pack that provides this node on the server, then "
                    "restart ComfyUI.");
        }
    }
    result.tips << QCoreApplication::translate("Errors",
                                               "Or try another server that has it installed.");
    error = result;
}

} // namespace comfyvideo::errors::detail
