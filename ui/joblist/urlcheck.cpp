#include "urlcheck.h"

#include <QCoreApplication>

namespace comfyvideo::ui {

namespace {

// The translation context of the messages below.
class ServerUrl
{
    Q_DECLARE_TR_FUNCTIONS(ServerUrl)
};

// "127.0.0.1:8188", "localhost", "gpu-box:8188/comfy" -> with "http://" in front. Anything that
// names a scheme ("ftp://", "file:/x") is kept, to be refused by name.
QString withScheme(const QString &text)
{
    if (text.contains(QLatin1String("://")))
        return text;
    if (text.startsWith(u'['))
        return QStringLiteral("http://") + text; // "[::1]:8188"
    const qsizetype colon = text.indexOf(u':');
    if (colon > 0) {
        // "host:8188" has digits after the colon; "mailto:x" or "file:/x" do not.
        const QChar next = colon + 1 < text.size() ? text.at(colon + 1) : QChar();
        if (!next.isDigit())
            return text;
    }
    return QStringLiteral("http://") + text;
}

} // namespace

std::expected<QUrl, QString> checkServerUrl(const QString &typed)
{
    const QString text = typed.trimmed();
    if (text.isEmpty())
        return std::unexpected(
                ServerUrl::tr("Type the server's address, like http://127.0.0.1:8188"));
    if (text.contains(u' '))
        return std::unexpected(ServerUrl::tr("Remove the spaces from the address"));

    QUrl url(withScheme(text), QUrl::StrictMode);
    if (!url.isValid())
        return std::unexpected(
                ServerUrl::tr("This is not a valid address: %1").arg(url.errorString()));
    const QString scheme = url.scheme().toLower();
    if (scheme != u"http" && scheme != u"https")
        return std::unexpected(ServerUrl::tr("Use http:// or https://"));
    if (!url.userInfo().isEmpty())
        return std::unexpected(ServerUrl::tr("Put tokens in the keychain, not in the URL"));
    if (url.host().isEmpty())
        return std::unexpected(ServerUrl::tr("Add a host name, like 127.0.0.1 or gpu-box.local"));
    if (url.hasQuery())
        return std::unexpected(
                ServerUrl::tr("Remove the part after \"?\": a server address has no query"));
    if (url.hasFragment())
        return std::unexpected(ServerUrl::tr("Remove the part after \"#\""));

    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path);
    url.setScheme(scheme);
    return url;
}

std::expected<QUrl, QString> checkNewServerUrl(const QString &text, const QList<QUrl> &existing)
{
    auto url = checkServerUrl(text);
    if (!url)
        return url;
    for (const QUrl &known : existing) {
        if (known.matches(*url, QUrl::StripTrailingSlash | QUrl::NormalizePathSegments))
            return std::unexpected(ServerUrl::tr("This server is already in the list"));
    }
    return url;
}

} // namespace comfyvideo::ui
