#pragma once

#include "comfy/nodecatalog.h"
#include "comfy/pyvalue.h"
#include "comfy/workflowvalidator.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <expected>

namespace comfyvideo::comfy {

// ComfyUI 0.3.64's validate_inputs() (execution.py) on one prompt: validates a node and,
// recursively, the nodes it links to, remembering each result. Python exceptions that the
// server turns into exception_during_(inner_)validation reasons come back as py::Exception.
// Literal inputs are coerced in the prompt copy as the server does.
class NodeValidator
{
public:
    struct Result
    {
        bool valid = true;
        QList<ValidationError> errors;
    };

    NodeValidator(const QJsonObject &prompt,
                  const NodeCatalog &catalog,
                  const ValidationOptions &options);

    std::expected<Result, py::Exception> validate(const QString &nodeId);
    void store(const QString &nodeId, const Result &result);

    // The results so far, in the order ComfyUI's `validated` dict holds them.
    QStringList validatedOrder() const { return m_order; }
    Result validated(const QString &nodeId) const { return m_validated.value(nodeId); }
    const QJsonObject &prompt() const { return m_prompt; }

private:
    struct NodeState;

    std::expected<void, py::Exception> checkLink(NodeState &state, const InputSpec &input);
    void checkLiteral(NodeState &state, const InputSpec &input);
    void checkLimits(NodeState &state,
                     const InputSpec &input,
                     const QJsonValue &value,
                     const std::optional<py::Number> &numeric);
    QList<std::pair<QString, QJsonValue>> inputData(const NodeState &state) const;
    std::expected<void, py::Exception> runCustomValidation(NodeState &state);
    void setInput(NodeState &state, const QString &name, const QJsonValue &value);

    QJsonObject m_prompt;
    const NodeCatalog &m_catalog;
    const ValidationOptions &m_options;
    QHash<QString, Result> m_validated;
    QStringList m_order;
    QSet<QString> m_inProgress;
};

} // namespace comfyvideo::comfy
