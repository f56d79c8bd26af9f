#pragma once

#include <QString>
#include <QUrl>
#include <QUrlQuery>
#include <chrono>

namespace comfyvideo::comfy {

using namespace std::chrono_literals;

// How to reach one ComfyUI server. Secrets are not stored here: `secretId` names the token or
// password in a common::SecretStore.
struct ServerConfig
{
    enum class AuthKind { None, Bearer, Basic };

    QUrl baseUrl{QStringLiteral("http://127.0.0.1:8188")}; // http or https, maybe with a path
    AuthKind auth = AuthKind::None;
    QString userName;    // Basic only
    QString secretId;    // the bearer token, or the Basic password
    QString extraCaFile; // PEM file with extra trusted CA certificates (TLS stays verified)

    std::chrono::milliseconds requestTimeout = 30s;     // ordinary JSON routes
    std::chrono::milliseconds objectInfoTimeout = 120s; // /object_info can take long
    std::chrono::milliseconds uploadTimeout = 120s;
    std::chrono::milliseconds downloadStallTimeout = 60s; // no byte for that long: give up

    // baseUrl + path (unprefixed routes are the most compatible, reference §1).
    QUrl endpoint(const QString &path, const QUrlQuery &query = {}) const
    {
        QUrl url = baseUrl;
        QString base = url.path();
        while (base.endsWith(u'/'))
            base.chop(1);
        url.setPath(base + path);
        url.setQuery(query);
        return url;
    }
    // ws(s)://host:port/ws?clientId=<id>
    QUrl webSocketUrl(const QString &clientId) const
    {
        QUrl url = endpoint(QStringLiteral("/ws"),
                            QUrlQuery{{QStringLiteral("clientId"), clientId}});
        url.setScheme(baseUrl.scheme() == u"https" ? QStringLiteral("wss") : QStringLiteral("ws"));
        return url;
    }
};

} // namespace comfyvideo::comfy
