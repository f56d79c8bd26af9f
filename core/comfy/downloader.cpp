#include "comfy/downloader.h"

#include "comfy/httprequest.h"
#include "common/logging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <filesystem>

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy {

namespace {
constexpr qint64 ReadBufferSize = 256 * 1024;
}

Downloader::Downloader(const ServerConfig &config,
                       const common::SecretStore *secrets,
                       QNetworkAccessManager *network,
                       DownloadRequest request,
                       QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_secrets(secrets)
    , m_network(network)
    , m_request(std::move(request))
{
    m_stallTimer.setSingleShot(true);
    connect(&m_stallTimer, &QTimer::timeout, this, [this] {
        fail(QNetworkReply::TimeoutError, 0, u"no data for too long"_s);
    });
}

Downloader::~Downloader()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        delete m_reply;
    }
    if (!m_done && m_file.isOpen()) {
        m_file.close();
        m_file.remove();
    }
}

bool Downloader::isSafeLocalName(const QString &name)
{
    if (name.isEmpty() || name == u"." || name == u".." || name.toUtf8().size() > 255)
        return false;
    for (const QChar c : name) {
        if (c == u'/' || c == u'\\' || c.category() == QChar::Other_Control)
            return false;
    }
    return true;
}

QUrl Downloader::viewUrl() const
{
    // Server names are data: percent-encode every byte that is not unreserved.
    const QString type = m_request.file.type.isEmpty() ? u"output"_s : m_request.file.type;
    const QByteArray query = "filename=" + QUrl::toPercentEncoding(m_request.file.filename)
                             + "&subfolder=" + QUrl::toPercentEncoding(m_request.file.subfolder)
                             + "&type=" + QUrl::toPercentEncoding(type);
    QUrl url = m_config.endpoint(u"/view"_s);
    url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    return url;
}

void Downloader::start()
{
    if (!isSafeLocalName(m_request.localName))
        return fail(QNetworkReply::NoError, 0, u"unsafe local file name"_s);
    const QDir dir(m_request.directory);
    if (m_request.directory.isEmpty() || !dir.exists())
        return fail(QNetworkReply::NoError, 0, u"output folder missing"_s);
    m_finalPath = dir.filePath(m_request.localName);
    const QByteArray tag
            = QCryptographicHash::hash(m_request.localName.toUtf8(), QCryptographicHash::Sha1)
                      .toHex()
                      .left(16);
    m_file.setFileName(dir.filePath(u".cv-"_s + QString::fromLatin1(tag) + u".part"_s));
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return fail(QNetworkReply::NoError, 0, m_file.errorString());
    sendRequest();
}

void Downloader::abort()
{
    fail(QNetworkReply::OperationCanceledError, 0, u"canceled"_s);
}

void Downloader::sendRequest()
{
    QNetworkRequest request(viewUrl());
    prepareRequest(request, m_config, m_secrets);
    request.setRawHeader("Accept-Encoding", "identity");
    m_attemptStart = m_file.size();
    if (m_attemptStart > 0)
        request.setRawHeader("Range", "bytes=" + QByteArray::number(m_attemptStart) + '-');
    m_skipBody = false;
    m_reply = m_network->get(request);
    m_reply->setReadBufferSize(ReadBufferSize);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &Downloader::onMetaData);
    connect(m_reply, &QNetworkReply::readyRead, this, &Downloader::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &Downloader::onFinished);
    m_stallTimer.start(m_config.downloadStallTimeout);
}

void Downloader::onMetaData()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const qint64 length = m_reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
    m_contentType = QString::fromLatin1(m_reply->rawHeader("Content-Type"));
    if (status == 206) {
        static const QRegularExpression re(u"^bytes (\\d+)-(\\d+)/(\\d+|\\*)$"_s);
        const auto m = re.match(QString::fromLatin1(m_reply->rawHeader("Content-Range")));
        if (!m.hasMatch() || m.captured(1).toLongLong() != m_file.size()) {
            m_file.resize(0); // not the range we asked for: start over
            m_file.seek(0);
            m_skipBody = true;
            return;
        }
        if (m.captured(3) != u"*")
            m_total = m.captured(3).toLongLong();
    } else if (status == 200) {
        if (m_file.size() > 0) { // the server ignored Range: this is the whole file again
            m_file.resize(0);
            m_file.seek(0);
        }
        m_total = m_reply->header(QNetworkRequest::ContentLengthHeader).isValid() ? length : -1;
    } else {
        m_skipBody = true;
        return;
    }
    if (m_total > m_request.maxBytes)
        fail(QNetworkReply::NoError, status, u"file larger than the size cap"_s);
}

void Downloader::onReadyRead()
{
    if (!m_reply)
        return;
    m_stallTimer.start(m_config.downloadStallTimeout);
    if (m_skipBody) {
        m_reply->skip(m_reply->bytesAvailable());
        return;
    }
    // One reused buffer: no allocation (and no page faults on fresh memory) per chunk.
    if (m_chunk.isEmpty())
        m_chunk.resize(ReadBufferSize);
    qint64 size = m_file.size();
    const qint64 before = size;
    qint64 n = 0;
    while ((n = m_reply->read(m_chunk.data(), m_chunk.size())) > 0) {
        if (size + n > m_request.maxBytes)
            return fail(QNetworkReply::NoError, 200, u"file larger than the size cap"_s);
        if (m_file.write(m_chunk.constData(), n) != n)
            return fail(QNetworkReply::NoError, 0, m_file.errorString());
        size += n;
    }
    if (size != before)
        emit progressed(size, m_total);
}

void Downloader::onFinished()
{
    if (!m_reply || m_done)
        return;
    onReadyRead();
    if (m_done || !m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->deleteLater();
    m_stallTimer.stop();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool restart = m_skipBody && (status == 206);
    if (status >= 300 && !restart)
        return fail(QNetworkReply::NoError, status, u"HTTP %1"_s.arg(status));
    const bool whole = reply->error() == QNetworkReply::NoError && !restart
                       && (m_total < 0 || m_file.size() == m_total);
    if (whole)
        return complete();
    if (m_file.size() > m_attemptStart)
        m_attemptsWithoutProgress = 0;
    else if (++m_attemptsWithoutProgress >= m_request.maxAttemptsWithoutProgress)
        return fail(reply->error(), status, reply->errorString());
    if (m_file.size() > 0)
        ++m_resumes;
    qCDebug(lcComfyHttp) << "download cut at" << m_file.size() << "of" << m_total << "- resuming";
    sendRequest();
}

void Downloader::complete()
{
    m_done = true;
    m_file.close();
    std::error_code ec;
    std::filesystem::rename(std::filesystem::path(m_file.fileName().toStdU16String()),
                            std::filesystem::path(m_finalPath.toStdU16String()),
                            ec);
    if (ec) {
        m_file.remove();
        Failure f{Failure::Stage::Download,
                  QNetworkReply::NoError,
                  0,
                  {},
                  {},
                  viewUrl().path(),
                  QString::fromStdString(ec.message())};
        emit finished(std::unexpected(f));
        return;
    }
    emit finished(
            DownloadResult{m_finalPath, QFileInfo(m_finalPath).size(), m_resumes, m_contentType});
}

void Downloader::fail(QNetworkReply::NetworkError error, int status, const QString &detail)
{
    if (m_done)
        return;
    m_done = true;
    m_stallTimer.stop();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    if (m_file.isOpen()) {
        m_file.close();
        m_file.remove();
    }
    Failure f{error == QNetworkReply::OperationCanceledError ? Failure::Stage::Canceled
                                                             : Failure::Stage::Download,
              error,
              status,
              {},
              {},
              viewUrl().path(),
              detail};
    emit finished(std::unexpected(f));
}

} // namespace comfyvideo::comfy
