#include "comfy/workflowvalidator.h"

#include "comfy/nodevalidator.h"
#include "comfy/pyvalue.h"

#include <QCoreApplication>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy {

namespace {

ValidationError
missingClassTypeError(const QString &id, const QJsonObject &node, const ValidationOptions &options)
{
    const QString details = u"Node ID '#%1'"_s.arg(id);
    if (!options.newMissingNodeType)
        return {u"invalid_prompt"_s,
                u"Cannot execute because a node is missing the class_type property."_s,
                details,
                {}};
    const QJsonValue title = node.value(u"_meta").toObject().value(u"title");
    const QString shown = py::truthy(title) ? py::str(title) : u"ID #%1"_s.arg(id);
    return {u"missing_node_type"_s,
            u"Node '%1' has no class_type. The workflow may be corrupted or a custom node is "
            u"missing."_s.arg(shown),
            details,
            {{u"node_id"_s, id},
             {u"class_type"_s, QJsonValue()},
             {u"node_title"_s, title.isUndefined() ? QJsonValue() : title}}};
}

ValidationError
unknownClassError(const QString &id, const QJsonObject &node, const ValidationOptions &options)
{
    const QJsonValue classType = node.value(u"class_type");
    const QString details = u"Node ID '#%1'"_s.arg(id);
    if (!options.newMissingNodeType)
        return {u"invalid_prompt"_s,
                u"Cannot execute because node %1 does not exist."_s.arg(py::str(classType)),
                details,
                {}};
    const QJsonObject meta = node.value(u"_meta").toObject();
    const QJsonValue title = meta.contains(u"title") ? meta.value(u"title") : classType;
    return {u"missing_node_type"_s,
            u"Node '%1' not found. The custom node may not be installed."_s.arg(py::str(title)),
            details,
            {{u"node_id"_s, id}, {u"class_type"_s, classType}, {u"node_title"_s, title}}};
}

// Step 1 of validate_prompt(): class types, then the output nodes.
std::expected<QStringList, ValidationError> collectOutputs(const QJsonObject &prompt,
                                                           const NodeCatalog &catalog,
                                                           const ValidationOptions &options)
{
    QStringList outputs;
    for (auto it = prompt.begin(); it != prompt.end(); ++it) {
        const QJsonObject node = it.value().toObject();
        if (!node.contains(u"class_type"))
            return std::unexpected(missingClassTypeError(it.key(), node, options));
        const NodeSpec *spec = catalog.node(node.value(u"class_type").toString());
        if (!node.value(u"class_type").isString() || !spec)
            return std::unexpected(unknownClassError(it.key(), node, options));
        if (spec->outputNode)
            outputs << it.key();
    }
    if (outputs.isEmpty())
        return std::unexpected(
                ValidationError{u"prompt_no_outputs"_s, u"Prompt has no outputs"_s, {}, {}});
    return outputs;
}

QString classTypeOf(const QJsonObject &prompt, const QString &id)
{
    return prompt.value(id).toObject().value(u"class_type").toString();
}

} // namespace

QJsonObject ValidationError::toJson() const
{
    return {{u"type"_s, type},
            {u"message"_s, message},
            {u"details"_s, details},
            {u"extra_info"_s, extraInfo}};
}

QJsonObject WorkflowValidation::toResponseBody() const
{
    QJsonObject nodes;
    for (auto it = nodeErrors.cbegin(); it != nodeErrors.cend(); ++it) {
        QJsonArray errors;
        for (const ValidationError &e : it->errors)
            errors.append(e.toJson());
        nodes.insert(it.key(),
                     QJsonObject{{u"errors"_s, errors},
                                 {u"dependent_outputs"_s,
                                  QJsonArray::fromStringList(it->dependentOutputs)},
                                 {u"class_type"_s, it->classType}});
    }
    QJsonObject body{{u"node_errors"_s, nodes}};
    if (error)
        body.insert(u"error"_s, error->toJson());
    return body;
}

QStringList WorkflowValidation::describe() const
{
    QStringList lines;
    for (auto it = nodeErrors.cbegin(); it != nodeErrors.cend(); ++it) {
        for (const ValidationError &e : it->errors) {
            const QString input = e.extraInfo.value(u"input_name").toString();
            const QString problem = !input.isEmpty() && e.details == input
                                            ? input + u": "_s + e.message
                                    : e.details.isEmpty() ? e.message
                                                          : e.message + u": "_s + e.details;
            lines << QCoreApplication::translate("WorkflowValidation", "%1 #%2: %3")
                             .arg(it->classType, it.key(), problem);
        }
    }
    if (lines.isEmpty() && error) {
        lines << (error->details.isEmpty() ? error->message
                                           : error->message + u": "_s + error->details);
    }
    return lines;
}

WorkflowValidation validateWorkflow(const QJsonObject &prompt,
                                    const NodeCatalog &catalog,
                                    const ValidationOptions &options)
{
    WorkflowValidation result;
    result.coercedPrompt = prompt;
    const auto outputs = collectOutputs(prompt, catalog, options);
    if (!outputs) {
        result.error = outputs.error();
        return result;
    }
    NodeValidator validator(prompt, catalog, options);
    QStringList detailLines;
    for (const QString &output : *outputs) {
        NodeValidator::Result outcome;
        if (const auto checked = validator.validate(output)) {
            outcome = *checked;
        } else {
            outcome = {false,
                       {ValidationError{u"exception_during_validation"_s,
                                        u"Exception when validating node"_s,
                                        checked.error().message,
                                        {{u"exception_type"_s, checked.error().type},
                                         {u"traceback"_s, QJsonArray{}}}}}};
            validator.store(output, outcome);
        }
        if (outcome.valid) {
            result.goodOutputs << output;
            continue;
        }
        for (const ValidationError &e : std::as_const(outcome.errors))
            detailLines << e.message + u": "_s + e.details;
        // As the server does: every failed node validated so far lists this output.
        for (const QString &id : validator.validatedOrder()) {
            const NodeValidator::Result node = validator.validated(id);
            if (node.valid || node.errors.isEmpty())
                continue;
            auto entry = result.nodeErrors.find(id);
            if (entry == result.nodeErrors.end())
                entry = result.nodeErrors.insert(id, {node.errors, {}, classTypeOf(prompt, id)});
            entry->dependentOutputs << output;
        }
    }
    result.coercedPrompt = validator.prompt();
    if (result.goodOutputs.isEmpty()) {
        result.error = ValidationError{u"prompt_outputs_failed_validation"_s,
                                       u"Prompt outputs failed validation"_s,
                                       detailLines.join(u'\n'),
                                       {}};
    }
    return result;
}

} // namespace comfyvideo::comfy
