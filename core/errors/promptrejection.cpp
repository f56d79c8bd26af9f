// classifyPromptRejection: non-200 answers to POST /prompt.

#include "errors/classification.h"
#include "errors/classifyutil.h"
#include "errors/nodereasons.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace comfyvideo::errors {

namespace {

using namespace Qt::StringLiterals;
using namespace detail;

constexpr qsizetype MaxMessageLines = 6;

Error clientBug(const QString &what)
{
    Error error = Error::make(
            ErrorKind::Unknown,
            QCoreApplication::translate("Errors", "ComfyUI refused the request ComfyVideo sent: %1")
                    .arg(what));
    error.tips << QCoreApplication::translate(
            "Errors", "This is a bug in ComfyVideo: copy the details and report it.");
    return error;
}

Error malformed()
{
    Error error = Error::make(
            ErrorKind::ServerError,
            QCoreApplication::translate("Errors",
                                        "The server refused the video request with an answer "
                                        "ComfyVideo does not understand."));
    error.retryable = false;
    error.tips << QCoreApplication::translate(
            "Errors",
            "Check that the server address points at ComfyUI itself, not at a proxy "
            "page.");
    return error;
}

QString nodeIdFromDetails(const QString &details)
{
    static const QRegularExpression idRe(u"Node ID '#?([^']*)'"_s);
    return idRe.match(details).captured(1);
}

Error invalidWorkflow(const QString &message)
{
    Error error = Error::make(ErrorKind::InvalidParams,
                              QCoreApplication::translate("Errors", "The workflow is broken: %1")
                                      .arg(clipped(message, MaxQuotedText)));
    error.tips << QCoreApplication::translate(
            "Errors",
            "Check the workflow template: every node needs a class_type, and it needs "
            "an output node such as Video Combine.");
    return error;
}

Error missingNode(const QJsonObject &top)
{
    const QString message = top.value(u"message"_s).toString();
    const QJsonObject extra = top.value(u"extra_info"_s).toObject();
    static const QRegularExpression oldRe(u"Cannot execute because node (.+) does not exist"_s);
    static const QRegularExpression newRe(u"^Node '(.*)' not found"_s);
    QString nodeClass = extra.value(u"class_type"_s).toString();
    QString title = extra.value(u"node_title"_s).toString();
    if (nodeClass.isEmpty())
        nodeClass = oldRe.match(message).captured(1).trimmed();
    if (nodeClass.isEmpty() && title.isEmpty())
        title = newRe.match(message).captured(1);
    Error error;
    error.nodeId = extra.value(u"node_id"_s).toVariant().toString();
    if (error.nodeId.isEmpty())
        error.nodeId = nodeIdFromDetails(top.value(u"details"_s).toString());
    describeMissingNode(error, nodeClass, title);
    return error;
}

Error failedValidation(const QJsonValue &nodeErrors, const QString &message)
{
    const QList<NodeReason> reasons = readNodeReasons(nodeErrors);
    if (reasons.isEmpty())
        return invalidWorkflow(message.isEmpty() ? u"Prompt outputs failed validation"_s : message);
    const bool onlyModels = std::ranges::all_of(
            reasons, [](const NodeReason &r) { return r.kind == ErrorKind::ModelNotFound; });
    const auto model = std::ranges::find_if(
            reasons, [](const NodeReason &r) { return r.kind == ErrorKind::ModelNotFound; });
    const NodeReason &primary = model != reasons.end() ? *model : reasons.first();
    QStringList sentences;
    QStringList tips;
    for (const NodeReason &r : reasons) {
        if (sentences.size() < MaxMessageLines && !sentences.contains(r.sentence))
            sentences << r.sentence;
        for (const QString &tip : r.tips) {
            if (!tips.contains(tip))
                tips << tip;
        }
    }
    if (reasons.size() > MaxMessageLines) {
        sentences << QCoreApplication::translate(
                "Errors", "(%n more problems)", nullptr, int(reasons.size() - MaxMessageLines));
    }
    Error error = Error::make(onlyModels ? ErrorKind::ModelNotFound : ErrorKind::InvalidParams,
                              sentences.join(u'\n'));
    error.nodeId = primary.nodeId;
    error.nodeType = primary.nodeType;
    error.inputName = primary.inputName;
    error.missingName = primary.missingName;
    error.alternatives = primary.alternatives;
    error.tips = tips;
    if (error.kind == ErrorKind::ModelNotFound) {
        error.tips << QCoreApplication::translate("Errors", "Or try another server that has it.");
    } else if (error.tips.isEmpty()) {
        error.tips << QCoreApplication::translate(
                "Errors", "Change these settings (or fix the workflow template) and start again.");
    }
    return error;
}

Error fromErrorObject(const QJsonObject &top, const QJsonValue &nodeErrors)
{
    const QString type = top.value(u"type"_s).toString();
    const QString message = top.value(u"message"_s).toString();
    if (type == u"no_prompt"_s)
        return clientBug(message);
    if (type == u"invalid_prompt_id"_s)
        return clientBug(message);
    if (type == u"missing_node_type"_s) {
        if (message.contains(u"has no class_type"_s))
            return invalidWorkflow(message);
        return missingNode(top);
    }
    if (type == u"invalid_prompt"_s) {
        if (message.contains(u"does not exist"_s))
            return missingNode(top);
        return invalidWorkflow(message);
    }
    if (type == u"prompt_no_outputs"_s) {
        Error error = Error::make(
                ErrorKind::InvalidParams,
                QCoreApplication::translate("Errors",
                                            "The workflow has no output node, so it would make "
                                            "nothing."));
        error.tips << QCoreApplication::translate(
                "Errors", "Add an output node such as Video Combine to the workflow template.");
        return error;
    }
    if (type == u"dependency_cycle"_s)
        return invalidWorkflow(message);
    if (type == u"prompt_outputs_failed_validation"_s || !readNodeReasons(nodeErrors, 1).isEmpty())
        return failedValidation(nodeErrors, message);
    Error error = Error::make(
            ErrorKind::Unknown,
            QCoreApplication::translate("Errors", "ComfyUI refused the video request: %1")
                    .arg(clipped(message.isEmpty() ? type : message, MaxQuotedText)));
    return error;
}

Error fromBody(const QJsonObject &body)
{
    const QJsonValue errorValue = body.value(u"error"_s);
    const QJsonValue nodeErrors = body.value(u"node_errors"_s);
    if (errorValue.isObject())
        return fromErrorObject(errorValue.toObject(), nodeErrors);
    if (errorValue.isString()) {
        const QString text = errorValue.toString();
        if (text.compare(u"no prompt"_s, Qt::CaseInsensitive) == 0)
            return clientBug(text);
        if (!readNodeReasons(nodeErrors, 1).isEmpty())
            return failedValidation(nodeErrors, text);
        return Error::make(
                ErrorKind::Unknown,
                QCoreApplication::translate("Errors", "ComfyUI refused the video request: %1")
                        .arg(clipped(text, MaxQuotedText)));
    }
    if (!readNodeReasons(nodeErrors, 1).isEmpty())
        return failedValidation(nodeErrors, {});
    return malformed();
}

} // namespace

Error classifyPromptRejection(int httpStatus, const QByteArray &body)
{
    if (httpStatus != 400 && httpStatus != 200 && httpStatus != 0)
        return classifyHttpStatus(httpStatus, {}, body, {});
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    Error error = parseError.error == QJsonParseError::NoError && document.isObject()
                          ? fromBody(document.object())
                          : malformed();
    error.httpStatus = httpStatus;
    error.technicalDetail = httpDetail(httpStatus, {}, body);
    return finish(error);
}

} // namespace comfyvideo::errors
