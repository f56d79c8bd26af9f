#include "comfy/comfyclient.h"

#include "comfy/eventstream.h"

#include <QFile>
#include <QFileInfo>
#include <QHttpMultiPart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QTimer>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy {

namespace {

Failure malformed(const HttpResult &result, const QString &what)
{
    Failure f = result.failure(Failure::Stage::Malformed);
    f.detail = what;
    return f;
}

template<typename T>
void later(QObject *context, std::function<void(Result<T>)> done, Result<T> value)
{
    QTimer::singleShot(
            0, context, [done = std::move(done), value = std::move(value)] { done(value); });
}

} // namespace

ComfyClient::ComfyClient(ServerConfig config,
                         const common::SecretStore *secrets,
                         QNetworkAccessManager *network,
                         QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_secrets(secrets)
    , m_network(network ? network : new QNetworkAccessManager(this))
    , m_events(new EventStream(
              m_config, secrets, QUuid::createUuid().toString(QUuid::WithoutBraces), this))
{
    connect(m_events, &EventStream::connectedChanged, this, &ComfyClient::onStreamConnected);
    connect(m_events, &EventStream::eventReceived, this, &ComfyClient::onEvent);
}

ComfyClient::~ComfyClient() = default;

QString ComfyClient::clientId() const
{
    return m_events->sid();
}

QString ComfyClient::newPromptId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces).toLower();
}

HttpRequest *ComfyClient::send(const QByteArray &verb,
                               const QString &path,
                               const QUrlQuery &query,
                               const QByteArray &jsonBody,
                               std::chrono::milliseconds timeout,
                               std::function<void(const HttpResult &)> done)
{
    QNetworkRequest request(m_config.endpoint(path, query));
    prepareRequest(request, m_config, m_secrets);
    if (verb != "GET")
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    auto *job = new HttpRequest(m_network, request, verb, jsonBody, timeout, this);
    connect(job, &HttpRequest::finished, this, std::move(done));
    job->start();
    return job;
}

HttpRequest *ComfyClient::getJson(const QString &path,
                                  std::chrono::milliseconds timeout,
                                  std::function<void(Result<QJsonValue>)> done)
{
    return send("GET", path, {}, {}, timeout, [done = std::move(done)](const HttpResult &r) {
        if (!r.ok())
            return done(std::unexpected(r.failure()));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.body, &error);
        if (error.error != QJsonParseError::NoError)
            return done(std::unexpected(malformed(r, error.errorString())));
        done(doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array()));
    });
}

HttpRequest *
ComfyClient::postEmpty(const QString &path, const QJsonObject &body, Callback<bool> done)
{
    return send("POST",
                path,
                {},
                QJsonDocument(body).toJson(QJsonDocument::Compact),
                m_config.requestTimeout,
                [done = std::move(done)](const HttpResult &r) {
                    if (!r.ok())
                        return done(std::unexpected(r.failure()));
                    done(true);
                });
}

HttpRequest *ComfyClient::systemStats(Callback<SystemStats> done)
{
    return getJson(u"/system_stats"_s,
                   m_config.requestTimeout,
                   [done = std::move(done)](Result<QJsonValue> v) {
                       if (!v)
                           return done(std::unexpected(v.error()));
                       auto stats = SystemStats::fromJson(v->toObject());
                       if (!stats)
                           return done(std::unexpected(
                                   Failure::malformed(u"/system_stats"_s, u"no devices list"_s)));
                       done(*stats);
                   });
}

HttpRequest *ComfyClient::objectInfo(Callback<NodeCatalog> done)
{
    if (m_catalog) {
        later<NodeCatalog>(this, std::move(done), *m_catalog);
        return nullptr;
    }
    m_catalogWaiters.append(std::move(done));
    if (m_catalogWaiters.size() > 1)
        return nullptr; // one fetch serves every waiter
    return send("GET",
                u"/object_info"_s,
                {},
                {},
                m_config.objectInfoTimeout,
                [this](const HttpResult &r) {
                    Result<NodeCatalog> result = std::unexpected(r.failure());
                    if (r.ok()) {
                        auto catalog = NodeCatalog::fromJson(r.body);
                        if (catalog) {
                            m_catalog = *catalog;
                            result = *catalog;
                        } else {
                            result = std::unexpected(malformed(r, catalog.error()));
                        }
                    }
                    const auto waiters = std::exchange(m_catalogWaiters, {});
                    for (const auto &waiter : waiters)
                        waiter(result);
                });
}

HttpRequest *ComfyClient::models(const QString &folder, Callback<QStringList> done)
{
    const QString path = u"/models/"_s + QString::fromLatin1(QUrl::toPercentEncoding(folder));
    return getJson(path, m_config.requestTimeout, [done = std::move(done)](Result<QJsonValue> v) {
        if (!v)
            return done(std::unexpected(v.error()));
        QStringList names;
        const QJsonArray array = v->toArray();
        for (const QJsonValue &item : array) {
            if (item.isString())
                names.append(item.toString());
        }
        done(names);
    });
}

HttpRequest *ComfyClient::uploadImage(const QString &path, Callback<UploadedImage> done)
{
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::ReadOnly)) {
        later<UploadedImage>(this,
                             std::move(done),
                             std::unexpected(Failure{Failure::Stage::Network,
                                                     QNetworkReply::ContentNotFoundError,
                                                     0,
                                                     {},
                                                     {},
                                                     path,
                                                     file->errorString()}));
        return nullptr;
    }
    auto *multi = new QHttpMultiPart(QHttpMultiPart::FormDataType);
    QHttpPart image;
    QString name = QFileInfo(path).fileName();
    name.replace(u'"', u'_');
    image.setHeader(QNetworkRequest::ContentDispositionHeader,
                    u"form-data; name=\"image\"; filename=\"%1\""_s.arg(name).toUtf8());
    image.setHeader(QNetworkRequest::ContentTypeHeader, u"application/octet-stream"_s);
    image.setBodyDevice(file.get());
    file.release()->setParent(multi);
    multi->append(image);
    for (const auto &[key, value] :
         {std::pair{"type"_ba, "input"_ba}, {"overwrite"_ba, "true"_ba}}) {
        QHttpPart part;
        part.setHeader(QNetworkRequest::ContentDispositionHeader,
                       QByteArray("form-data; name=\"" + key + '"'));
        part.setBody(value);
        multi->append(part);
    }
    QNetworkRequest request(m_config.endpoint(u"/upload/image"_s));
    prepareRequest(request, m_config, m_secrets);
    auto *job = new HttpRequest(m_network, request, multi, m_config.uploadTimeout, this);
    connect(job, &HttpRequest::finished, this, [done = std::move(done)](const HttpResult &r) {
        if (!r.ok())
            return done(std::unexpected(r.failure()));
        const QJsonObject o = QJsonDocument::fromJson(r.body).object();
        if (!o.value("name"_L1).isString())
            return done(std::unexpected(malformed(r, u"upload answer without name"_s)));
        done(UploadedImage{o.value("name"_L1).toString(),
                           o.value("subfolder"_L1).toString(),
                           o.value("type"_L1).toString(u"input"_s)});
    });
    job->start();
    return job;
}

HttpRequest *ComfyClient::submit(const QJsonObject &prompt, Callback<SubmitResult> done)
{
    return submit(prompt, newPromptId(), std::move(done));
}

HttpRequest *ComfyClient::submit(const QJsonObject &prompt,
                                 const QString &requested,
                                 Callback<SubmitResult> done)
{
    const QJsonObject body{
            {"prompt"_L1, prompt}, {"client_id"_L1, clientId()}, {"prompt_id"_L1, requested}};
    const int token = ++m_nextSubmitToken;
    m_submitBuffers.insert(token, {});
    return send("POST",
                u"/prompt"_s,
                {},
                QJsonDocument(body).toJson(QJsonDocument::Compact),
                m_config.requestTimeout,
                [this, token, requested, done = std::move(done)](const HttpResult &r) {
                    const QList<ws::Event> buffered = m_submitBuffers.take(token);
                    if (!r.ok())
                        return done(std::unexpected(r.failure(r.status == 0
                                                                      ? Failure::Stage::Network
                                                                      : Failure::Stage::Rejected)));
                    const QJsonObject o = QJsonDocument::fromJson(r.body).object();
                    SubmitResult result;
                    result.requestedPromptId = requested;
                    result.promptId = o.value("prompt_id"_L1).toString();
                    if (result.promptId.isEmpty())
                        return done(std::unexpected(malformed(r, u"answer without prompt_id"_s)));
                    result.number = o.value("number"_L1).toDouble();
                    result.nodeErrors = o.value("node_errors"_L1);
                    for (const ws::Event &event : buffered) {
                        if (ws::promptIdOf(event) == result.promptId)
                            result.earlyEvents.append(event);
                    }
                    done(result);
                });
}

HttpRequest *ComfyClient::interrupt(const QString &promptId, Callback<bool> done)
{
    return postEmpty(u"/interrupt"_s, {{"prompt_id"_L1, promptId}}, std::move(done));
}

HttpRequest *ComfyClient::deleteFromQueue(const QStringList &promptIds, Callback<bool> done)
{
    return postEmpty(
            u"/queue"_s, {{"delete"_L1, QJsonArray::fromStringList(promptIds)}}, std::move(done));
}

HttpRequest *ComfyClient::free(bool unloadModels, bool freeMemory, Callback<bool> done)
{
    return postEmpty(u"/free"_s,
                     {{"unload_models"_L1, unloadModels}, {"free_memory"_L1, freeMemory}},
                     std::move(done));
}

HttpRequest *ComfyClient::history(const QString &promptId,
                                  Callback<std::optional<QJsonObject>> done)
{
    const QString path = u"/history/"_s + QString::fromLatin1(QUrl::toPercentEncoding(promptId));
    return getJson(path,
                   m_config.requestTimeout,
                   [promptId, done = std::move(done)](Result<QJsonValue> v) {
                       if (!v)
                           return done(std::unexpected(v.error()));
                       const QJsonValue entry = v->toObject().value(promptId);
                       if (!entry.isObject())
                           return done(std::optional<QJsonObject>());
                       done(std::optional<QJsonObject>(entry.toObject()));
                   });
}

HttpRequest *ComfyClient::queue(Callback<QueueState> done)
{
    return getJson(
            u"/queue"_s, m_config.requestTimeout, [done = std::move(done)](Result<QJsonValue> v) {
                if (!v)
                    return done(std::unexpected(v.error()));
                auto state = QueueState::fromJson(v->toObject());
                if (!state)
                    return done(std::unexpected(
                            Failure::malformed(u"/queue"_s, u"not a queue answer"_s)));
                done(*state);
            });
}

void ComfyClient::onStreamConnected(bool connected)
{
    // A reconnect may mean a restarted server with other nodes or models: refresh the catalog.
    if (!connected || m_events->connectCount() <= 1 || !m_catalog)
        return;
    m_catalog.reset();
    objectInfo([this](Result<NodeCatalog> catalog) {
        if (catalog)
            emit catalogChanged();
    });
}

void ComfyClient::onEvent(const ws::Event &event)
{
    if (m_submitBuffers.isEmpty() || ws::promptIdOf(event).isEmpty())
        return;
    for (auto &buffer : m_submitBuffers)
        buffer.append(event);
}

} // namespace comfyvideo::comfy
