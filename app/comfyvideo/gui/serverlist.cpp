#include "gui/serverlist.h"

#include <QSettings>
#include <QStringList>

namespace comfyvideo::gui {

namespace {
const QLatin1String UrlsKey("servers/urls");
}

QList<QUrl> ServerList::load(const QSettings &settings)
{
    QList<QUrl> urls;
    const QStringList values = settings.value(UrlsKey).toStringList();
    for (const QString &value : values) {
        const QUrl url(value, QUrl::StrictMode);
        const bool web = url.scheme() == u"http" || url.scheme() == u"https";
        if (url.isValid() && web && !url.host().isEmpty() && !urls.contains(url))
            urls.append(url);
    }
    return urls;
}

void ServerList::save(QSettings &settings, const QList<QUrl> &urls)
{
    QStringList values;
    for (const QUrl &url : urls)
        values.append(url.toString());
    settings.setValue(UrlsKey, values);
}

} // namespace comfyvideo::gui
