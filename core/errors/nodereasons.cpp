#include "errors/nodereasons.h"

#include "errors/classifyutil.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>

namespace comfyvideo::errors::detail {

namespace {

using namespace Qt::StringLiterals;

constexpr qsizetype MaxListedModels = 12;

bool isModelInput(const QString &input)
{
    static const QStringList names{u"ckpt_name"_s,
                                   u"model_name"_s,
                                   u"vae_name"_s,
                                   u"lora_name"_s,
                                   u"clip_name"_s,
                                   u"clip_name1"_s,
                                   u"clip_name2"_s,
                                   u"unet_name"_s,
                                   u"control_net_name"_s,
                                   u"upscale_model_name"_s,
                                   u"motion_model_name"_s,
                                   u"name"_s};
    return names.contains(input);
}

bool isMotionLoader(const QString &nodeType)
{
    return nodeType.startsWith(u"ADE_"_s) || nodeType.contains(u"AnimateDiff"_s);
}

QString folderFor(const QString &input, const QString &nodeType)
{
    if (input == u"ckpt_name"_s)
        return u"checkpoints"_s;
    if (input == u"vae_name"_s)
        return u"vae"_s;
    if (input == u"lora_name"_s)
        return u"loras"_s;
    if (input == u"model_name"_s && isMotionLoader(nodeType))
        return u"animatediff_models"_s;
    return {};
}

// "ckpt_name: 'x' not in [...]" -> the part after " not in ".
QStringView listPart(const QString &details)
{
    const qsizetype at = details.lastIndexOf(u" not in "_s);
    return at < 0 ? QStringView() : QStringView(details).mid(at + 8).trimmed();
}

QStringList listedOptions(const QJsonObject &reason, const QString &details, int *count)
{
    const QJsonValue config = reason.value(u"extra_info"_s).toObject().value(u"input_config"_s);
    if (config.isArray() && !config.toArray().isEmpty() && config.toArray().at(0).isArray()) {
        QStringList options;
        const QJsonArray list = config.toArray().at(0).toArray();
        for (const QJsonValue &item : list)
            options.append(displayValue(item));
        *count = int(options.size());
        return options;
    }
    const QStringView part = listPart(details);
    static const QRegularExpression lengthRe(u"^\\(list of length (\\d+)\\)"_s);
    if (const QRegularExpressionMatch m = lengthRe.match(part); m.hasMatch()) {
        *count = m.captured(1).toInt();
        return {};
    }
    if (const std::optional<QStringList> parsed = parsePythonStringList(part)) {
        *count = int(parsed->size());
        return *parsed;
    }
    *count = -1; // not known
    return {};
}

QString receivedValue(const QJsonObject &reason, const QString &details)
{
    const QJsonValue received = reason.value(u"extra_info"_s).toObject().value(u"received_value"_s);
    if (!received.isUndefined() && !received.isNull())
        return displayValue(received);
    static const QRegularExpression quotedRe(u"^[^:]*:\\s*'((?:[^'\\\\]|\\\\.)*)'"_s);
    const QRegularExpressionMatch m = quotedRe.match(details);
    return m.hasMatch() ? m.captured(1) : QString();
}

QString listedText(const QStringList &options)
{
    QStringList shown = options.mid(0, MaxListedModels);
    QString text = shown.join(u", "_s);
    if (options.size() > MaxListedModels) {
        text += u' '
                + QCoreApplication::translate(
                        "Errors", "and %n more", nullptr, int(options.size() - MaxListedModels));
    }
    return text;
}

void modelNotInList(NodeReason &r, const QString &value, const QStringList &options, int count)
{
    r.kind = ErrorKind::ModelNotFound;
    r.missingName = value;
    r.alternatives = options;
    const bool motion = r.inputName == u"model_name"_s && isMotionLoader(r.nodeType);
    const QString folder = folderFor(r.inputName, r.nodeType);
    if (count == 0 && motion) {
        r.sentence = QCoreApplication::translate(
                             "Errors",
                             "The server has no AnimateDiff motion models at all (%1 "
                             "was asked for).")
                             .arg(value);
        r.tips << QCoreApplication::translate(
                "Errors",
                "Download a motion model such as mm_sd_v15_v2.ckpt into ComfyUI's "
                "models/animatediff_models folder on the server, then refresh.");
        return;
    }
    r.sentence = QCoreApplication::translate(
                         "Errors", "The server does not have the model %1, which %2 needs.")
                         .arg(value, nodeText(r.nodeType, r.nodeId));
    if (!options.isEmpty()) {
        r.tips << QCoreApplication::translate("Errors", "Installed there: %1.")
                          .arg(listedText(options));
    } else if (count > 0) {
        r.tips << QCoreApplication::translate(
                "Errors",
                "The server has %n other models of this type; refresh the model list "
                "and pick one.",
                nullptr,
                count);
    }
    if (!folder.isEmpty()) {
        r.tips << QCoreApplication::translate(
                          "Errors", "Or put %1 into ComfyUI's models/%2 folder on the server.")
                          .arg(value, folder);
    }
}

void valueNotInList(NodeReason &r, const QJsonObject &reason, const QString &details)
{
    int count = -1;
    const QStringList options = listedOptions(reason, details, &count);
    const QString value = receivedValue(reason, details);
    if (isModelInput(r.inputName)) {
        modelNotInList(r, value, options, count);
        return;
    }
    r.sentence = QCoreApplication::translate("Errors", "%1 does not accept %2 for %3.")
                         .arg(nodeText(r.nodeType, r.nodeId), value, r.inputName);
    if (!options.isEmpty())
        r.tips << QCoreApplication::translate("Errors", "Accepted values: %1.")
                          .arg(listedText(options));
}

void customValidation(NodeReason &r, const QString &details)
{
    static const QRegularExpression fileRe(u"^(\\w+) - Invalid (image|video) file:\\s*(.+)$"_s);
    if (const QRegularExpressionMatch m = fileRe.match(details.trimmed()); m.hasMatch()) {
        r.inputName = m.captured(1);
        r.missingName = m.captured(3).trimmed();
        r.sentence = (m.captured(2) == u"image"_s
                              ? QCoreApplication::translate(
                                      "Errors", "The uploaded image %1 is missing on the server.")
                              : QCoreApplication::translate(
                                      "Errors", "The uploaded video %1 is missing on the server."))
                             .arg(r.missingName);
        r.tips << QCoreApplication::translate(
                "Errors",
                "Start the job again so the file is uploaded again, or pick another file.");
        return;
    }
    const qsizetype dash = details.indexOf(u" - "_s);
    if (dash > 0)
        r.inputName = details.left(dash).trimmed();
    r.sentence = QCoreApplication::translate("Errors", "%1 refused its input: %2")
                         .arg(nodeText(r.nodeType, r.nodeId), clipped(details, MaxQuotedText));
}

void rangeProblem(NodeReason &r, const QString &message, bool tooSmall)
{
    static const QRegularExpression valueRe(u"Value (\\S+) (?:smaller than min|bigger than max) "
                                            u"of (\\S+)"_s);
    const QRegularExpressionMatch m = valueRe.match(message);
    const QString value = m.hasMatch() ? m.captured(1) : QString();
    const QString limit = m.hasMatch() ? m.captured(2) : QString();
    r.sentence = (tooSmall ? QCoreApplication::translate(
                          "Errors", "The input %1 of %2 is %3, but must be at least %4.")
                           : QCoreApplication::translate(
                                   "Errors", "The input %1 of %2 is %3, but must be at most %4."))
                         .arg(r.inputName, nodeText(r.nodeType, r.nodeId), value, limit);
}

void typeProblem(NodeReason &r, const QString &type, const QString &message, const QString &details)
{
    if (type == u"return_type_mismatch"_s) {
        static const QRegularExpression re(u"received_type\\(([^)]*)\\) mismatch "
                                           u"input_type\\(([^)]*)\\)"_s);
        const QRegularExpressionMatch m = re.match(details);
        r.sentence = QCoreApplication::translate("Errors",
                                                 "The input %1 of %2 is linked to a %3 output, but "
                                                 "needs %4.")
                             .arg(r.inputName,
                                  nodeText(r.nodeType, r.nodeId),
                                  m.captured(1),
                                  m.captured(2));
        return;
    }
    static const QRegularExpression toRe(u"to an? (\\S+) value"_s);
    const QStringList parts = details.split(u", "_s);
    const QString value = parts.size() > 1 ? parts.at(1) : QString();
    r.sentence = QCoreApplication::translate("Errors",
                                             "The input %1 of %2 has the value %3, which is not "
                                             "a valid %4.")
                         .arg(r.inputName,
                              nodeText(r.nodeType, r.nodeId),
                              clipped(value, MaxQuotedText),
                              toRe.match(message).captured(1));
}

NodeReason readReason(const QJsonObject &reason, const QString &nodeId, const QString &nodeType)
{
    NodeReason r;
    r.nodeId = nodeId;
    r.nodeType = nodeType;
    const QString type = reason.value(u"type"_s).toString();
    const QString message = reason.value(u"message"_s).toString();
    const QString details = reason.value(u"details"_s).toString();
    r.inputName = reason.value(u"extra_info"_s).toObject().value(u"input_name"_s).toString();
    if (r.inputName.isEmpty() && type != u"custom_validation_failed"_s)
        r.inputName = details.section(QRegularExpression(u"[:,]"_s), 0, 0).trimmed();
    if (type == u"value_not_in_list"_s)
        valueNotInList(r, reason, details);
    else if (type == u"custom_validation_failed"_s)
        customValidation(r, details);
    else if (type == u"value_smaller_than_min"_s || type == u"value_bigger_than_max"_s)
        rangeProblem(r, message, type == u"value_smaller_than_min"_s);
    else if (type == u"required_input_missing"_s)
        r.sentence = QCoreApplication::translate("Errors", "%1 is missing its input %2.")
                             .arg(nodeText(nodeType, nodeId), r.inputName);
    else if (type == u"return_type_mismatch"_s || type == u"invalid_input_type"_s)
        typeProblem(r, type, message, details);
    else
        r.sentence = QCoreApplication::translate("Errors", "%1: %2")
                             .arg(nodeText(nodeType, nodeId),
                                  clipped(details.isEmpty() ? message : message + u": "_s + details,
                                          MaxQuotedText));
    return r;
}

} // namespace

QList<NodeReason> readNodeReasons(const QJsonValue &nodeErrors, qsizetype limit)
{
    QList<NodeReason> reasons;
    auto readNode = [&](const QString &id, const QJsonObject &node) {
        const QString nodeType = node.value(u"class_type"_s).toString();
        const QJsonArray errors = node.value(u"errors"_s).toArray();
        for (const QJsonValue &reason : errors) {
            if (reasons.size() >= limit)
                return;
            if (reason.isObject())
                reasons.append(readReason(reason.toObject(), id, nodeType));
        }
    };
    if (nodeErrors.isObject()) {
        const QJsonObject object = nodeErrors.toObject();
        QStringList ids = object.keys();
        std::ranges::sort(ids, [](const QString &a, const QString &b) {
            return a.size() != b.size() ? a.size() < b.size() : a < b; // "2" before "10"
        });
        for (const QString &id : std::as_const(ids))
            readNode(id, object.value(id).toObject());
    } else if (nodeErrors.isArray()) {
        const QJsonArray array = nodeErrors.toArray();
        for (const QJsonValue &node : array) {
            const QJsonObject object = node.toObject();
            readNode(object.value(u"node_id"_s).toVariant().toString(), object);
        }
    }
    return reasons;
}

std::optional<QStringList> parsePythonStringList(QStringView text)
{
    text = text.trimmed();
    if (!text.startsWith(u'[') || !text.endsWith(u']'))
        return std::nullopt;
    QStringList items;
    qsizetype i = 1;
    while (i < text.size() - 1) {
        const QChar c = text.at(i);
        if (c != u'\'' && c != u'"') {
            ++i;
            continue;
        }
        QString item;
        for (++i; i < text.size() - 1 && text.at(i) != c; ++i) {
            if (text.at(i) == u'\\' && i + 1 < text.size() - 1)
                ++i;
            item.append(text.at(i));
        }
        items.append(item);
        ++i; // closing quote
    }
    return items;
}

} // namespace comfyvideo::errors::detail
