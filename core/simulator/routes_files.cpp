// GET /view and POST /upload/image (reference §2.6, §2.7).
#include "simulator/comfysimulator.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace comfyvideo::simulator {

namespace {

QByteArray contentTypeFor(const QString &fileName)
{
    const QString ext = QFileInfo(fileName).suffix().toLower();
    static const QHash<QString, QByteArray> types{{u"mp4"_s, "video/mp4"},
                                                  {u"webm"_s, "video/webm"},
                                                  {u"gif"_s, "image/gif"},
                                                  {u"webp"_s, "image/webp"},
                                                  {u"png"_s, "image/png"},
                                                  {u"jpg"_s, "image/jpeg"},
                                                  {u"jpeg"_s, "image/jpeg"},
                                                  {u"json"_s, "application/json"},
                                                  {u"txt"_s, "text/plain"},
                                                  {u"mov"_s, "video/quicktime"},
                                                  {u"mkv"_s, "video/x-matroska"}};
    return types.value(ext, "application/octet-stream");
}

bool isInside(const QString &base, const QString &path)
{
    return path == base || path.startsWith(base + u'/');
}

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result();
}

} // namespace

void ComfySimulator::registerFileRoutes()
{
    m_http->addRoute("GET", u"/view"_s, [this](const HttpRequest &r) { return getView(r); });
    m_http->addRoute(
            "POST", u"/upload/image"_s, [this](const HttpRequest &r) { return postUpload(r); });
}

HttpResponse ComfySimulator::getView(const HttpRequest &request) const
{
    if (!request.query.hasQueryItem(u"filename"_s))
        return HttpResponse::empty(404);
    QString filename = request.query.queryItemValue(u"filename"_s, QUrl::FullyDecoded);
    QString dir;
    for (const QString &type : {u"input"_s, u"output"_s, u"temp"_s}) {
        const QString suffix = u" ["_s + type + u']';
        if (filename.endsWith(suffix)) {
            filename.chop(suffix.size());
            dir = directoryForType(type);
        }
    }
    if (filename.isEmpty())
        return HttpResponse::empty(400);
    if (filename.startsWith(u'/') || filename.contains(u".."))
        return HttpResponse::empty(400);
    if (dir.isEmpty()) {
        const QString type = request.query.hasQueryItem(u"type"_s)
                                     ? request.query.queryItemValue(u"type"_s, QUrl::FullyDecoded)
                                     : u"output"_s;
        dir = directoryForType(type);
        if (dir.isEmpty())
            return HttpResponse::empty(400);
    }
    if (request.query.hasQueryItem(u"subfolder"_s)) {
        const QString subfolder = request.query.queryItemValue(u"subfolder"_s, QUrl::FullyDecoded);
        const QString full = QDir::isAbsolutePath(subfolder)
                                     ? QDir::cleanPath(subfolder)
                                     : QDir::cleanPath(dir + u'/' + subfolder);
        if (!isInside(dir, full))
            return HttpResponse::empty(403);
        dir = full;
    }
    filename = filename.mid(filename.lastIndexOf(u'/') + 1);
    const QString path = QDir(dir).filePath(filename);
    if (!QFileInfo(path).isFile())
        return HttpResponse::empty(404);
    HttpResponse response = HttpResponse::file(path, contentTypeFor(filename));
    response.headers.append({"Content-Disposition", "filename=\"" + filename.toUtf8() + '"'});
    return response;
}

HttpResponse ComfySimulator::postUpload(const HttpRequest &request)
{
    const auto parts = parseMultipart(request);
    if (!parts)
        return HttpResponse::empty(400);
    const MultipartPart *image = nullptr;
    QHash<QByteArray, QString> fields;
    for (const MultipartPart &part : *parts) {
        if (part.name == "image" && !image)
            image = &part;
        else
            fields.insert(part.name, QString::fromUtf8(part.data));
    }
    const QString type = fields.value("type", u"input"_s);
    const QString base = directoryForType(type);
    if (base.isEmpty())
        return HttpResponse::text(500, "500 Internal Server Error\n\nServer got itself in trouble");
    if (!image)
        return HttpResponse::empty(400);
    QString filename = image->filename;
    if (filename.isEmpty())
        return HttpResponse::empty(400);
    const QString subfolder = fields.value("subfolder");
    const QString folder = QDir::cleanPath(base + u'/' + subfolder);
    QString path = QDir::cleanPath(folder + u'/' + filename);
    if (!isInside(base, folder) || !isInside(base, path) || path == base)
        return HttpResponse::empty(400);
    QDir().mkpath(folder);
    const QString overwrite = fields.value("overwrite");
    bool duplicate = false;
    if (overwrite != u"true" && overwrite != u"1") {
        const QFileInfo info(filename);
        const QString stem = info.completeBaseName();
        const QString ext = info.suffix().isEmpty() ? QString() : u'.' + info.suffix();
        const QByteArray newHash
                = QCryptographicHash::hash(image->data, QCryptographicHash::Sha256);
        for (int i = 1; QFileInfo::exists(path); ++i) {
            if (fileHash(path) == newHash) {
                duplicate = true;
                break;
            }
            filename = u"%1 (%2)%3"_s.arg(stem).arg(i).arg(ext);
            path = QDir(folder).filePath(filename);
        }
    }
    if (!duplicate) {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(image->data) != image->data.size())
            return HttpResponse::text(500,
                                      "500 Internal Server Error\n\nServer got itself in trouble");
    }
    return HttpResponse::json(
            QJsonObject{{u"name"_s, filename}, {u"subfolder"_s, subfolder}, {u"type"_s, type}});
}

} // namespace comfyvideo::simulator
