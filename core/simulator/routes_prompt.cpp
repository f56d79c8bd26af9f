// POST/GET /prompt, GET/POST /queue, POST /interrupt (reference §2.1-§2.4).
#include "simulator/comfysimulator.h"

#include "comfy/workflowvalidator.h"
#include "simulator/jsonkeyorder.h"
#include "simulator/wshub.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimer>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace comfyvideo::simulator {

namespace {

// aiohttp's answer to an unhandled exception (e.g. a malformed JSON body).
HttpResponse internalError()
{
    return HttpResponse::text(500, "500 Internal Server Error\n\nServer got itself in trouble");
}

std::optional<QJsonObject> jsonBody(const HttpRequest &request, bool emptyIsObject)
{
    if (emptyIsObject && request.body.trimmed().isEmpty())
        return QJsonObject{};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

QJsonObject errorBody(const QString &type, const QString &message, const QString &details)
{
    return {{u"error"_s,
             QJsonObject{{u"type"_s, type},
                         {u"message"_s, message},
                         {u"details"_s, details},
                         {u"extra_info"_s, QJsonObject{}}}},
            {u"node_errors"_s, QJsonObject{}}};
}

bool isCanonicalUuid(const QString &id)
{
    static const QRegularExpression re(
            u"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"_s);
    return re.match(id).hasMatch();
}

} // namespace

void ComfySimulator::registerPromptRoutes()
{
    m_http->addRoute("POST", u"/prompt"_s, [this](const HttpRequest &r) { return postPrompt(r); });
    m_http->addRoute("GET", u"/prompt"_s, [this](const HttpRequest &) {
        return HttpResponse::json(QJsonObject{
                {u"exec_info"_s, QJsonObject{{u"queue_remaining"_s, m_queue.remaining()}}}});
    });
    m_http->addRoute("GET", u"/queue"_s, [this](const HttpRequest &) {
        return HttpResponse::json(m_queue.toJson());
    });
    m_http->addRoute("POST", u"/queue"_s, [this](const HttpRequest &r) { return postQueue(r); });
    m_http->addRoute(
            "POST", u"/interrupt"_s, [this](const HttpRequest &r) { return postInterrupt(r); });
}

HttpResponse ComfySimulator::postPrompt(const HttpRequest &request)
{
    const auto body = jsonBody(request, false);
    if (!body)
        return internalError();
    if (!body->contains(u"prompt")) {
        if (m_config.legacy())
            return HttpResponse::json(
                    QJsonObject{{u"error"_s, u"no prompt"_s}, {u"node_errors"_s, QJsonArray{}}},
                    400);
        return HttpResponse::json(
                errorBody(u"no_prompt"_s, u"No prompt provided"_s, u"No prompt provided"_s), 400);
    }
    QString promptId;
    if (!m_config.legacy() && body->contains(u"prompt_id")) {
        promptId = body->value(u"prompt_id").toString();
        if (!isCanonicalUuid(promptId)) {
            return HttpResponse::json(errorBody(u"invalid_prompt_id"_s,
                                                u"prompt_id must be a valid UUID"_s,
                                                u"prompt_id must be a canonical lowercase "
                                                "hyphenated UUID, got '%1'"_s.arg(promptId)),
                                      400);
        }
        if (m_queue.contains(promptId) || m_history.contains(promptId))
            return HttpResponse::json(QJsonObject{{u"error"_s, u"prompt_id already exists"_s}},
                                      409);
    }
    if (promptId.isEmpty())
        promptId = QUuid::createUuid().toString(QUuid::WithoutBraces);

    double number = m_counter;
    if (body->contains(u"number")) {
        number = body->value(u"number").toVariant().toDouble();
    } else {
        if (body->value(u"front").toBool())
            number = -number;
        ++m_counter;
    }

    const QJsonObject prompt = body->value(u"prompt").toObject();
    const comfy::NodeCatalog catalog
            = comfy::NodeCatalog::fromObject(m_schemas.objectInfo(inputFiles()));
    comfy::ValidationOptions options;
    options.inputFileExists = [this](const QString &, const QString &, const QString &value) {
        const QString path = annotatedInputPath(m_dirs, value);
        return !path.isEmpty() && QFileInfo(path).isFile();
    };
    const comfy::WorkflowValidation validation = comfy::validateWorkflow(prompt, catalog, options);
    QJsonObject responseBody = validation.toResponseBody();
    if (!validation.ok()) {
        // Before 0.3.28 the early exits answered "node_errors": [] (a list).
        const QString type = validation.error->type;
        if (m_config.legacy() && type != u"prompt_outputs_failed_validation")
            responseBody.insert(u"node_errors"_s, QJsonArray{});
        return HttpResponse::json(responseBody, 400);
    }

    QueueItem item;
    item.number = number;
    item.promptId = promptId;
    item.prompt = prompt;
    for (auto it = validation.coercedPrompt.begin(); it != validation.coercedPrompt.end(); ++it)
        item.prompt.insert(it.key(), it.value());
    item.extraData = body->value(u"extra_data").toObject();
    item.extraData.remove(u"auth_token_comfy_org"_s);
    item.extraData.remove(u"api_key_comfy_org"_s);
    if (body->contains(u"client_id"))
        item.extraData.insert(u"client_id"_s, body->value(u"client_id"));
    item.outputs = validation.goodOutputs;
    item.order = promptKeyOrder(request.body);
    m_queue.put(std::move(item));
    queueChanged();
    QTimer::singleShot(0, this, &ComfySimulator::tryStartNext);
    return HttpResponse::json(QJsonObject{{u"prompt_id"_s, promptId},
                                          {u"number"_s, number},
                                          {u"node_errors"_s, responseBody.value(u"node_errors")}});
}

HttpResponse ComfySimulator::postQueue(const HttpRequest &request)
{
    const auto body = jsonBody(request, false);
    if (!body)
        return internalError();
    if (body->value(u"clear").toBool())
        m_queue.clearPending();
    if (body->contains(u"delete")) {
        QStringList ids;
        for (const QJsonValue &v : body->value(u"delete").toArray())
            ids.append(v.toString());
        m_queue.remove(ids);
    }
    queueChanged();
    return HttpResponse::empty(200);
}

HttpResponse ComfySimulator::postInterrupt(const HttpRequest &request)
{
    const auto body = jsonBody(request, true);
    const QString target = body ? body->value(u"prompt_id").toString() : QString();
    // Targeted interrupts arrived with 0.3.57; older servers ignore the body.
    if (m_config.legacy() || target.isEmpty() || target == m_executor->runningPromptId())
        m_executor->interrupt();
    return HttpResponse::empty(200);
}

} // namespace comfyvideo::simulator
