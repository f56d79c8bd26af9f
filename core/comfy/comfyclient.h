#pragma once

#include "comfy/comfytypes.h"
#include "comfy/httprequest.h"
#include "comfy/nodecatalog.h"
#include "comfy/serverconfig.h"

#include <QHash>
#include <QObject>
#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace comfyvideo::common {
class SecretStore;
}

namespace comfyvideo::comfy {

class EventStream;

// The HTTP API of one ComfyUI server plus its /ws event stream. Every call returns the
// in-flight request (abort() it to cancel; nullptr when answered from cache) and delivers one
// Result to the callback, never synchronously. Callbacks do not run after the client is gone.
class ComfyClient : public QObject
{
    Q_OBJECT
public:
    template<typename T>
    using Callback = std::function<void(Result<T>)>;

    // `network` may be null (the client makes its own). `secrets` must outlive the client.
    ComfyClient(ServerConfig config,
                const common::SecretStore *secrets,
                QNetworkAccessManager *network = nullptr,
                QObject *parent = nullptr);
    ~ComfyClient() override;

    const ServerConfig &config() const { return m_config; }
    const common::SecretStore *secrets() const { return m_secrets; }
    QNetworkAccessManager *network() const { return m_network; }
    EventStream *events() const { return m_events; }
    QString clientId() const;

    HttpRequest *systemStats(Callback<SystemStats> done);
    // Cached; the cache is dropped (and catalogChanged() follows a refetch) on reconnect.
    HttpRequest *objectInfo(Callback<NodeCatalog> done);
    std::optional<NodeCatalog> cachedCatalog() const { return m_catalog; }
    void invalidateCatalog() { m_catalog.reset(); }
    HttpRequest *models(const QString &folder, Callback<QStringList> done);
    // multipart POST /upload/image with overwrite=true; the stored name is the file's name.
    HttpRequest *uploadImage(const QString &path, Callback<UploadedImage> done);
    // POST /prompt with client_id and a client-generated lowercase UUID prompt_id.
    HttpRequest *submit(const QJsonObject &prompt, Callback<SubmitResult> done);
    // The same with an id chosen beforehand (e.g. stored first, to re-attach after a crash):
    // a lowercase UUID (newPromptId()).
    HttpRequest *
    submit(const QJsonObject &prompt, const QString &promptId, Callback<SubmitResult> done);
    HttpRequest *interrupt(const QString &promptId, Callback<bool> done);
    HttpRequest *deleteFromQueue(const QStringList &promptIds, Callback<bool> done);
    // The history entry, or nullopt when the server does not have one (yet).
    HttpRequest *history(const QString &promptId, Callback<std::optional<QJsonObject>> done);
    HttpRequest *queue(Callback<QueueState> done);
    HttpRequest *free(bool unloadModels, bool freeMemory, Callback<bool> done);

    // A GET/POST on any route (the result as raw HttpResult).
    HttpRequest *send(const QByteArray &verb,
                      const QString &path,
                      const QUrlQuery &query,
                      const QByteArray &jsonBody,
                      std::chrono::milliseconds timeout,
                      std::function<void(const HttpResult &)> done);

    static QString newPromptId(); // lowercase hyphenated UUID v4

signals:
    void catalogChanged();

private:
    HttpRequest *getJson(const QString &path,
                         std::chrono::milliseconds timeout,
                         std::function<void(Result<QJsonValue>)> done);
    HttpRequest *postEmpty(const QString &path, const QJsonObject &body, Callback<bool> done);
    void onStreamConnected(bool connected);
    void onEvent(const ws::Event &event);

    ServerConfig m_config;
    const common::SecretStore *m_secrets;
    QNetworkAccessManager *m_network;
    EventStream *m_events;
    std::optional<NodeCatalog> m_catalog;
    QList<Callback<NodeCatalog>> m_catalogWaiters;
    int m_nextSubmitToken = 0;
    QHash<int, QList<ws::Event>> m_submitBuffers; // events seen while a POST /prompt is out
};

} // namespace comfyvideo::comfy
