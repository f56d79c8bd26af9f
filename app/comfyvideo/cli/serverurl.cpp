#include "cli/serverurl.h"

#include <QFileInfo>
#include <QSslCertificate>

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

QCommandLineOption ServerUrl::caFileOption()
{
    return {QStringLiteral("ca-file"),
            tr("Also trust the CA certificates in this PEM file (for https:// servers with a "
               "private or self-signed certificate; verification stays on)."),
            QStringLiteral("file")};
}

QString ServerUrl::readCaFile(const QString &value, QStringList &problems)
{
    if (value.isEmpty())
        return {};
    const QFileInfo info(value);
    if (!info.isFile() || !info.isReadable()) {
        problems << tr("ca-file: '%1' is not a readable file.").arg(value);
        return {};
    }
    if (QSslCertificate::fromPath(info.absoluteFilePath(), QSsl::Pem).isEmpty()) {
        problems << tr("ca-file: '%1' holds no PEM certificate (-----BEGIN CERTIFICATE-----).")
                            .arg(value);
        return {};
    }
    return info.absoluteFilePath();
}

} // namespace comfyvideo::cli
