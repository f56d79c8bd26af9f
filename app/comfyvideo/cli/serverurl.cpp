#include "cli/serverurl.h"

#include "backends/comfybackend.h"

namespace comfyvideo::cli {

QList<QUrl> ServerUrl::parseAll(const QStringList &values, QStringList &problems)
{
    QList<QUrl> urls;
    QStringList ids;
    for (const QString &value : values) {
        const QUrl url(value.trimmed(), QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty()
            || (url.scheme() != u"http" && url.scheme() != u"https")) {
            problems << tr("server: '%1' is not an http:// or https:// address.").arg(value);
            continue;
        }
        const QString id = backendId(url);
        if (ids.contains(id))
            continue; // the same server twice
        ids << id;
        urls << url;
    }
    return urls;
}

QString ServerUrl::backendId(const QUrl &url)
{
    // Asking the backend itself keeps the ids equal by construction (nothing connects here).
    comfy::ServerConfig config;
    config.baseUrl = url;
    const backends::ComfyBackend backend(config, nullptr);
    return backend.id();
}

} // namespace comfyvideo::cli
