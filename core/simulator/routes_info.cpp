// GET/POST /history, /system_stats, /object_info, /models, /features, /free, /embeddings and
// the test-only control routes /sim/faults, /sim/restart.
#include "simulator/comfysimulator.h"

#include "simulator/faults.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace comfyvideo::simulator {

namespace {

HttpResponse jsonBytes(const QByteArray &bytes)
{
    HttpResponse response;
    response.contentType = "application/json; charset=utf-8";
    response.body = bytes;
    return response;
}

std::optional<QJsonObject> objectBody(const HttpRequest &request)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

HttpResponse internalError()
{
    return HttpResponse::text(500, "500 Internal Server Error\n\nServer got itself in trouble");
}

} // namespace

void ComfySimulator::registerHistoryRoutes()
{
    m_http->addRoute("GET", u"/history"_s, [this](const HttpRequest &r) {
        std::optional<int> maxItems;
        if (r.query.hasQueryItem(u"max_items"_s))
            maxItems = r.query.queryItemValue(u"max_items"_s).toInt();
        int offset = -1;
        if (r.query.hasQueryItem(u"offset"_s))
            offset = r.query.queryItemValue(u"offset"_s).toInt();
        return jsonBytes(m_history.toJson(maxItems, offset));
    });
    m_http->addRoute("GET", u"/history/{prompt_id}"_s, [this](const HttpRequest &r) {
        return jsonBytes(m_history.toJson(r.pathParams.value(u"prompt_id"_s)));
    });
    m_http->addRoute("POST", u"/history"_s, [this](const HttpRequest &r) {
        const auto body = objectBody(r);
        if (!body)
            return internalError();
        if (body->value(u"clear").toBool())
            m_history.clear();
        for (const QJsonValue &id : body->value(u"delete").toArray())
            m_history.remove(id.toString());
        return HttpResponse::empty(200);
    });
}

HttpResponse ComfySimulator::systemStats() const
{
    const qint64 vram = qint64(m_config.vramGb * 1024 * 1024 * 1024);
    QJsonObject system{
            {u"os"_s, u"posix"_s},
            {u"python_version"_s, u"3.12.3 (main, Jun 18 2025, 17:59:45) [GCC 13.3.0]"_s},
            {u"embedded_python"_s, false}};
    if (!m_config.legacy()) {
        system.insert(u"ram_total"_s, 67315744768LL);
        system.insert(u"ram_free"_s, 52031328256LL);
        system.insert(u"comfyui_version"_s, u"0.3.64"_s);
        system.insert(u"required_frontend_version"_s, u"1.27.10"_s);
        system.insert(u"installed_templates_version"_s, u"0.1.95"_s);
        system.insert(u"required_templates_version"_s, u"0.1.95"_s);
        system.insert(u"pytorch_version"_s, u"2.8.0+cu128"_s);
        system.insert(u"argv"_s, QJsonArray{u"main.py"_s, u"--preview-method"_s, u"auto"_s});
    }
    const bool cpu = m_config.deviceName == u"cpu";
    const QJsonObject device{{u"name"_s, m_config.deviceName},
                             {u"type"_s, cpu ? u"cpu"_s : u"cuda"_s},
                             {u"index"_s, cpu ? QJsonValue() : QJsonValue(0)},
                             {u"vram_total"_s, vram},
                             {u"vram_free"_s, qint64(vram * 0.95)},
                             {u"torch_vram_total"_s, 0},
                             {u"torch_vram_free"_s, 0}};
    return HttpResponse::json(
            QJsonObject{{u"system"_s, system}, {u"devices"_s, QJsonArray{device}}});
}

void ComfySimulator::registerInfoRoutes()
{
    m_http->addRoute(
            "GET", u"/system_stats"_s, [this](const HttpRequest &) { return systemStats(); });
    m_http->addRoute("GET", u"/object_info"_s, [this](const HttpRequest &) {
        return HttpResponse::json(m_schemas.objectInfo(inputFiles()));
    });
    m_http->addRoute("GET", u"/object_info/{class}"_s, [this](const HttpRequest &r) {
        return HttpResponse::json(m_schemas.nodeInfo(r.pathParams.value(u"class"_s), inputFiles()));
    });
    m_http->addRoute("GET", u"/models"_s, [this](const HttpRequest &) {
        if (m_config.legacy()) // added 2024-09-17
            return HttpResponse::text(404, "404: Not Found");
        return HttpResponse::json(QJsonArray::fromStringList(m_schemas.modelFolders()));
    });
    m_http->addRoute("GET", u"/models/{folder}"_s, [this](const HttpRequest &r) {
        const QString folder = r.pathParams.value(u"folder"_s);
        if (m_config.legacy() || !m_schemas.hasModelFolder(folder))
            return HttpResponse::text(404, "404: Not Found");
        return HttpResponse::json(QJsonArray::fromStringList(m_schemas.models(folder)));
    });
    m_http->addRoute("GET", u"/features"_s, [this](const HttpRequest &) {
        if (m_config.legacy()) // added with 0.3.45
            return HttpResponse::text(404, "404: Not Found");
        return HttpResponse::json(QJsonObject{{u"supports_preview_metadata"_s, true},
                                              {u"max_upload_size"_s, 104857600}});
    });
    m_http->addRoute("GET", u"/embeddings"_s, [](const HttpRequest &) {
        return HttpResponse::json(QJsonArray{});
    });
    m_http->addRoute("POST", u"/free"_s, [this](const HttpRequest &r) {
        const auto body = objectBody(r);
        if (!body)
            return internalError();
        if (body->value(u"free_memory").toBool()) {
            if (m_executor->isRunning())
                m_freePending = true; // applied after the current prompt
            else
                m_executor->clearCache();
        }
        return HttpResponse::empty(200);
    });
}

void ComfySimulator::registerControlRoutes()
{
    m_http->addRoute("POST", u"/sim/faults"_s, [this](const HttpRequest &r) {
        const auto body = objectBody(r);
        if (!body)
            return HttpResponse::json(QJsonObject{{u"error"_s, u"body is not a JSON object"_s}},
                                      400);
        if (body->value(u"clear").toBool())
            faults().clear();
        if (body->contains(u"add")) {
            if (auto added = faults().add(body->value(u"add").toString()); !added)
                return HttpResponse::json(QJsonObject{{u"error"_s, added.error()}}, 400);
        }
        QJsonArray active;
        for (const Fault &f : faults().all())
            active.append(f.name);
        return HttpResponse::json(QJsonObject{{u"faults"_s, active}});
    });
    m_http->addRoute("POST", u"/sim/restart"_s, [this](const HttpRequest &) {
        // Later, so this answer leaves before every connection is dropped.
        QTimer::singleShot(100, this, &ComfySimulator::restart);
        return HttpResponse::empty(200);
    });
}

} // namespace comfyvideo::simulator
