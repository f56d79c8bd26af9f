#include "comfy/nodevalidator.h"

#include <QJsonArray>
#include <QScopeGuard>

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy {

namespace {

// ComfyUI's `info` tuple: (input_type, extra_info), extra_info {} when the spec has none.
QJsonArray inputConfig(const InputSpec &input)
{
    const QJsonValue extra = input.rawSpec.size() > 1 ? input.rawSpec.at(1) : QJsonObject{};
    return QJsonArray{input.rawSpec.at(0), extra};
}

QJsonObject extraInfo(const InputSpec &input)
{
    return input.rawSpec.at(1).toObject();
}

py::Exception keyError(const QJsonValue &key)
{
    return {u"KeyError"_s, py::repr(key)};
}

// validate_node_input() of 0.3.64, with VHS MultiInput strings (whose __ne__ is relaxed).
bool typesMatch(const QJsonValue &received,
                const QStringList &receivedAccepted,
                const QJsonValue &input,
                const QStringList &inputAccepted)
{
    bool differ = false;
    if (!inputAccepted.isEmpty() && receivedAccepted.isEmpty()) {
        differ = !(received.isString()
                   && (received.toString() == u"*" || inputAccepted.contains(received.toString())));
    } else if (!receivedAccepted.isEmpty()) {
        differ = !(input.isString()
                   && (input.toString() == u"*" || receivedAccepted.contains(input.toString())));
    } else {
        differ = !py::equals(received, input);
    }
    if (!differ)
        return true;
    if (!received.isString() || !input.isString())
        return false;
    QSet<QString> receivedSet;
    for (const QString &t : received.toString().split(u','))
        receivedSet.insert(t.trimmed());
    for (const QString &t : input.toString().split(u',')) {
        if (receivedSet.contains(t.trimmed()))
            return true;
    }
    return false;
}

QString boundText(const InputSpec &input, const QString &bound, const py::Number &limit)
{
    const QString text = bound == u"min" ? input.minText : input.maxText;
    return text.isEmpty() ? limit.text() : text;
}

bool isLink(const QJsonValue &value)
{
    const QJsonArray link = value.toArray();
    return value.isArray() && link.size() == 2 && link.at(0).isString() && link.at(1).isDouble();
}

QString missingArgumentsText(const QString &qualName, const QStringList &missing)
{
    QStringList quoted;
    for (const QString &name : missing)
        quoted << u'\'' + name + u'\'';
    if (missing.size() == 1)
        return u"%1() missing 1 required positional argument: %2"_s.arg(qualName, quoted.first());
    const QString last = quoted.takeLast();
    const QString list = quoted.size() == 1 ? quoted.first() + u" and "_s + last
                                            : quoted.join(u", "_s) + u", and "_s + last;
    return u"%1() missing %2 required positional arguments: %3"_s.arg(
            qualName, QString::number(missing.size()), list);
}

} // namespace

struct NodeValidator::NodeState
{
    QString id;
    const NodeSpec *spec = nullptr;
    QJsonObject inputs;
    QList<ValidationError> errors;
    bool valid = true;
    QHash<QString, QJsonValue> receivedTypes;

    bool skipsChecks(const QString &name) const
    {
        return spec->validatesInputsItself
               && (spec->validateInputs.kwargs || spec->validateInputs.args.contains(name));
    }
};

NodeValidator::NodeValidator(const QJsonObject &prompt,
                             const NodeCatalog &catalog,
                             const ValidationOptions &options)
    : m_prompt(prompt)
    , m_catalog(catalog)
    , m_options(options)
{}

void NodeValidator::store(const QString &nodeId, const Result &result)
{
    if (!m_validated.contains(nodeId))
        m_order << nodeId;
    m_validated.insert(nodeId, result);
}

void NodeValidator::setInput(NodeState &state, const QString &name, const QJsonValue &value)
{
    state.inputs.insert(name, value);
    QJsonObject node = m_prompt.value(state.id).toObject();
    node.insert(u"inputs"_s, state.inputs);
    m_prompt.insert(state.id, node);
}

std::expected<NodeValidator::Result, py::Exception> NodeValidator::validate(const QString &nodeId)
{
    if (m_validated.contains(nodeId))
        return m_validated.value(nodeId);
    // A cycle: Python recurses until RecursionError; the outer frames then overwrite the inner
    // results, leaving every node of the cycle invalid with only its own reasons.
    if (m_inProgress.contains(nodeId))
        return Result{false, {}};
    m_inProgress.insert(nodeId);
    const auto guard = qScopeGuard([&] { m_inProgress.remove(nodeId); });

    const QJsonObject node = m_prompt.value(nodeId).toObject();
    if (!node.contains(u"inputs"))
        return std::unexpected(keyError(u"inputs"_s));
    NodeState state;
    state.id = nodeId;
    state.spec = m_catalog.node(node.value(u"class_type").toString());
    state.inputs = node.value(u"inputs").toObject();
    if (!state.spec)
        return std::unexpected(keyError(node.value(u"class_type")));

    for (const InputSpec &input : state.spec->inputs) {
        if (input.section == InputSpec::Section::Hidden)
            continue;
        if (!state.inputs.contains(input.name)) {
            if (input.section == InputSpec::Section::Required) {
                state.errors << ValidationError{u"required_input_missing"_s,
                                                u"Required input is missing"_s,
                                                input.name,
                                                {{u"input_name"_s, input.name}}};
            }
            continue;
        }
        if (state.inputs.value(input.name).isArray()) {
            if (auto linked = checkLink(state, input); !linked)
                return std::unexpected(linked.error());
        } else {
            checkLiteral(state, input);
        }
    }
    if (auto custom = runCustomValidation(state); !custom)
        return std::unexpected(custom.error());

    const Result result
            = state.errors.isEmpty() && state.valid ? Result{} : Result{false, state.errors};
    store(nodeId, result);
    return result;
}

std::expected<void, py::Exception> NodeValidator::checkLink(NodeState &state,
                                                            const InputSpec &input)
{
    const QJsonArray link = state.inputs.value(input.name).toArray();
    if (link.size() != 2) {
        state.errors << ValidationError{
                u"bad_linked_input"_s,
                u"Bad linked input, must be a length-2 list of [node_id, slot_index]"_s,
                input.name,
                {{u"input_name"_s, input.name},
                 {u"input_config"_s, inputConfig(input)},
                 {u"received_value"_s, link}}};
        return {};
    }
    const QJsonValue sourceId = link.at(0);
    if (sourceId.isArray() || sourceId.isObject())
        return std::unexpected(py::Exception{
                u"TypeError"_s, u"unhashable type: '%1'"_s.arg(py::typeName(sourceId))});
    if (!sourceId.isString() || !m_prompt.contains(sourceId.toString()))
        return std::unexpected(keyError(sourceId));
    const QString sourceKey = sourceId.toString();
    const NodeSpec *source
            = m_catalog.node(m_prompt.value(sourceKey).toObject().value(u"class_type").toString());
    const auto index = py::number(link.at(1));
    if (!index || index->kind != py::Number::Kind::Int)
        return std::unexpected(
                py::Exception{u"TypeError"_s,
                              u"tuple indices must be integers or slices, not %1"_s.arg(
                                      py::typeName(link.at(1)))});
    const qsizetype count = source ? source->rawOutputs.size() : 0;
    qint64 slot = index->fitsInt64 ? index->small : count;
    if (slot < 0)
        slot += count;
    if (slot < 0 || slot >= count)
        return std::unexpected(py::Exception{u"IndexError"_s, u"tuple index out of range"_s});

    const QJsonValue received = source->rawOutputs.at(slot);
    state.receivedTypes.insert(input.name, received);
    const bool checkTypes
            = !(state.spec->validatesInputsItself && state.spec->validateInputs.inputTypes);
    const QJsonValue inputType = input.rawSpec.at(0);
    if (checkTypes
        && !typesMatch(received,
                       source->outputAcceptedTypes.value(slot),
                       inputType,
                       input.acceptedTypes)) {
        state.errors << ValidationError{u"return_type_mismatch"_s,
                                        u"Return type mismatch between linked nodes"_s,
                                        u"%1, received_type(%2) mismatch input_type(%3)"_s.arg(
                                                input.name, py::str(received), py::str(inputType)),
                                        {{u"input_name"_s, input.name},
                                         {u"input_config"_s, inputConfig(input)},
                                         {u"received_type"_s, received},
                                         {u"linked_node"_s, link}}};
        return {};
    }
    const auto upstream = validate(sourceKey);
    if (!upstream) {
        state.valid = false;
        const py::Exception &ex = upstream.error();
        store(sourceKey,
              Result{false,
                     {ValidationError{u"exception_during_inner_validation"_s,
                                      u"Exception when validating inner node"_s,
                                      ex.message,
                                      {{u"input_name"_s, input.name},
                                       {u"input_config"_s, inputConfig(input)},
                                       {u"exception_message"_s, ex.message},
                                       {u"exception_type"_s, ex.type},
                                       {u"traceback"_s, QJsonArray{}},
                                       {u"linked_node"_s, link}}}}});
    } else if (!upstream->valid) {
        state.valid = false;
    }
    return {};
}

void NodeValidator::checkLiteral(NodeState &state, const InputSpec &input)
{
    QJsonValue value = state.inputs.value(input.name);
    if (value.isObject() && value.toObject().contains(u"__value__")) {
        value = value.toObject().value(u"__value__");
        setInput(state, input.name, value);
    }
    const QString type = input.rawSpec.at(0).toString();
    std::expected<py::Number, py::Exception> converted = py::Number{};
    std::optional<py::Number> numeric;
    if (type == u"INT" || type == u"FLOAT") {
        converted = type == u"INT" ? py::toInt(value) : py::toFloat(value);
        if (converted)
            numeric = *converted;
    } else if (type == u"STRING") {
        value = py::str(value);
    } else if (type == u"BOOLEAN") {
        value = py::truthy(value);
    }
    if (!converted) {
        const QString text = py::str(value);
        state.errors << ValidationError{
                u"invalid_input_type"_s,
                u"Failed to convert an input value to a %1 value"_s.arg(type),
                u"%1, %2, %3"_s.arg(input.name, text, converted.error().message),
                {{u"input_name"_s, input.name},
                 {u"input_config"_s, inputConfig(input)},
                 {u"received_value"_s, value},
                 {u"exception_message"_s, converted.error().message}}};
        return;
    }
    if (numeric)
        value = numeric->toJson();
    if (type == u"INT" || type == u"FLOAT" || type == u"STRING" || type == u"BOOLEAN")
        setInput(state, input.name, value);
    if (state.skipsChecks(input.name))
        return;
    checkLimits(state, input, value, numeric);
}

void NodeValidator::checkLimits(NodeState &state,
                                const InputSpec &input,
                                const QJsonValue &value,
                                const std::optional<py::Number> &numeric)
{
    const QString valueText = numeric ? numeric->text() : py::str(value);
    const QJsonObject extra = extraInfo(input);
    const QJsonObject details{{u"input_name"_s, input.name},
                              {u"input_config"_s, inputConfig(input)},
                              {u"received_value"_s, value}};
    const auto received = numeric ? numeric : py::number(value);
    for (const QString &bound : {u"min"_s, u"max"_s}) {
        if (!extra.contains(bound))
            continue;
        const auto limit = py::number(extra.value(bound));
        if (!received || !limit) // Python raises TypeError on '<' between these
            continue;
        const auto order = py::compare(*received, *limit);
        const bool below = bound == u"min" && order == -1;
        const bool above = bound == u"max" && order == 1;
        if (below || above) {
            state.errors << ValidationError{
                    below ? u"value_smaller_than_min"_s : u"value_bigger_than_max"_s,
                    u"Value %1 %2 than %3 of %4"_s.arg(valueText,
                                                       below ? u"smaller"_s : u"bigger"_s,
                                                       bound,
                                                       boundText(input, bound, *limit)),
                    input.name,
                    details};
            return;
        }
    }
    const QJsonValue type = input.rawSpec.at(0);
    if (!type.isArray())
        return;
    const QJsonArray options = type.toArray();
    for (const QJsonValue &option : options) {
        if (py::equals(value, option))
            return;
    }
    const bool longList = options.size() > 20;
    const QString listInfo
            = longList ? u"(list of length %1)"_s.arg(options.size()) : py::repr(options);
    QJsonObject notInList = details;
    notInList.insert(u"input_config"_s, longList ? QJsonValue() : QJsonValue(inputConfig(input)));
    state.errors << ValidationError{u"value_not_in_list"_s,
                                    u"Value not in list"_s,
                                    u"%1: '%2' not in %3"_s.arg(input.name, valueText, listInfo),
                                    notInList};
    return;
}

// get_input_data(): declared inputs in prompt order (links read as None), then hidden ones.
QList<std::pair<QString, QJsonValue>> NodeValidator::inputData(const NodeState &state) const
{
    QList<std::pair<QString, QJsonValue>> data;
    for (auto it = state.inputs.begin(); it != state.inputs.end(); ++it) {
        const InputSpec *declared = state.spec->input(it.key());
        if (isLink(it.value()) && !(declared && declared->config.value(u"rawLink").toBool()))
            data.append({it.key(), QJsonValue()});
        else if (declared)
            data.append({it.key(), it.value()});
    }
    for (const InputSpec &hidden : state.spec->inputs) {
        if (hidden.section != InputSpec::Section::Hidden || !hidden.rawSpec.at(0).isString())
            continue;
        const QString kind = hidden.rawSpec.at(0).toString();
        if (kind == u"UNIQUE_ID")
            data.append({hidden.name, state.id});
        else if (kind == u"PROMPT")
            data.append({hidden.name, QJsonObject{}});
        else if (kind == u"EXTRA_PNGINFO" || kind == u"DYNPROMPT")
            data.append({hidden.name, QJsonValue()});
    }
    return data;
}

std::expected<void, py::Exception> NodeValidator::runCustomValidation(NodeState &state)
{
    if (!state.spec->validatesInputsItself)
        return {};
    const ValidateInputsSpec &vi = state.spec->validateInputs;
    const QList<std::pair<QString, QJsonValue>> data = inputData(state);
    QList<std::pair<QString, QJsonValue>> filtered;
    for (const auto &entry : std::as_const(data)) {
        if (vi.kwargs || vi.args.contains(entry.first))
            filtered.append(entry);
    }
    QStringList missing;
    for (const QString &arg : vi.args) {
        const bool present = std::any_of(
                filtered.cbegin(), filtered.cend(), [&](const auto &e) { return e.first == arg; });
        if (!present && !(arg == u"input_types" && vi.inputTypes))
            missing << arg;
    }
    if (!missing.isEmpty())
        return std::unexpected(
                py::Exception{u"TypeError"_s, missingArgumentsText(vi.qualName, missing)});
    if (vi.fileInput.isEmpty())
        return {};
    QJsonValue file;
    for (const auto &entry : std::as_const(filtered)) {
        if (entry.first == vi.fileInput)
            file = entry.second;
    }
    if (!file.isString())
        return std::unexpected(py::Exception{
                u"AttributeError"_s,
                u"'%1' object has no attribute 'endswith'"_s.arg(py::typeName(file))});
    const QString name = file.toString();
    if (!m_options.inputFileExists
        || m_options.inputFileExists(state.spec->name, vi.fileInput, name))
        return {};
    for (const auto &entry : std::as_const(filtered)) {
        state.errors << ValidationError{u"custom_validation_failed"_s,
                                        u"Custom validation failed for node"_s,
                                        entry.first + u" - "_s + vi.fileError + name,
                                        {{u"input_name"_s, entry.first}}};
    }
    return {};
}

} // namespace comfyvideo::comfy
