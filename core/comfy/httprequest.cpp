#include "comfy/httprequest.h"

#include "common/logging.h"
#include "common/secretstore.h"

#include <QFile>
#include <QHttpMultiPart>
#include <QNetworkAccessManager>
#if QT_CONFIG(ssl)
#include <QSslCertificate>
#include <QSslConfiguration>
#endif

using namespace Qt::StringLiterals;

namespace comfyvideo::comfy {

QByteArray HttpResult::header(const QByteArray &name) const
{
    for (const auto &pair : headers) {
        if (pair.first.compare(name, Qt::CaseInsensitive) == 0)
            return pair.second;
    }
    return {};
}

Failure HttpResult::failure(Failure::Stage stage) const
{
    Failure f;
    f.stage = stage;
    f.networkError = timedOut ? QNetworkReply::TimeoutError : error;
    f.httpStatus = status;
    f.body = body;
    f.url = url;
    f.detail = errorString;
    return f;
}

void prepareRequest(QNetworkRequest &request,
                    const ServerConfig &config,
                    const common::SecretStore *secrets)
{
    const std::optional<QString> secret = (secrets && !config.secretId.isEmpty())
                                                  ? secrets->secret(config.secretId)
                                                  : std::nullopt;
    if (config.auth == ServerConfig::AuthKind::Bearer && secret) {
        request.setRawHeader("Authorization", "Bearer " + secret->toUtf8());
    } else if (config.auth == ServerConfig::AuthKind::Basic) {
        const QByteArray pair
                = config.userName.toUtf8() + ':' + secret.value_or(QString()).toUtf8();
        request.setRawHeader("Authorization", "Basic " + pair.toBase64());
    }
#if QT_CONFIG(ssl)
    if (!config.extraCaFile.isEmpty() && request.url().scheme() == u"https"_s) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.addCaCertificates(config.extraCaFile, QSsl::Pem);
        ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
        request.setSslConfiguration(ssl);
    }
#endif
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
}

HttpRequest::HttpRequest(QNetworkAccessManager *network,
                         QNetworkRequest request,
                         QByteArray verb,
                         QByteArray body,
                         std::chrono::milliseconds timeout,
                         QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_request(std::move(request))
    , m_verb(std::move(verb))
    , m_body(std::move(body))
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(timeout);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        if (m_reply)
            m_reply->abort();
    });
}

HttpRequest::HttpRequest(QNetworkAccessManager *network,
                         QNetworkRequest request,
                         QHttpMultiPart *multiPart,
                         std::chrono::milliseconds timeout,
                         QObject *parent)
    : HttpRequest(network, std::move(request), "POST", {}, timeout, parent)
{
    m_multiPart = multiPart;
    m_multiPart->setParent(this);
}

HttpRequest::~HttpRequest()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        delete m_reply;
    }
}

void HttpRequest::start()
{
    if (m_reply || m_done)
        return;
    qCDebug(lcComfyHttp) << m_verb << m_request.url().toString(QUrl::RemoveUserInfo);
    if (m_multiPart)
        m_reply = m_network->post(m_request, m_multiPart);
    else if (m_verb == "GET")
        m_reply = m_network->get(m_request);
    else
        m_reply = m_network->sendCustomRequest(m_request, m_verb, m_body);
    connect(m_reply, &QNetworkReply::finished, this, &HttpRequest::onReplyFinished);
    m_timer.start();
}

void HttpRequest::abort()
{
    if (m_reply)
        m_reply->abort();
    else if (!m_done) {
        HttpResult result;
        result.url = m_request.url().toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
        result.error = QNetworkReply::OperationCanceledError;
        finish(result);
    }
}

void HttpRequest::onReplyFinished()
{
    m_timer.stop();
    QNetworkReply *reply = m_reply;
    HttpResult result;
    result.url = m_request.url().toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.headers = reply->rawHeaderPairs();
    if (reply->isOpen()) // an aborted reply is closed: nothing to read
        result.body = reply->readAll();
    result.error = reply->error();
    result.errorString = reply->errorString();
    result.timedOut = m_timedOut;
    if (m_timedOut)
        result.error = QNetworkReply::TimeoutError;
    // An HTTP error status is reported through `status`; keep `error` for transport failures.
    if (result.status >= 400 && result.error != QNetworkReply::TimeoutError
        && result.error > QNetworkReply::UnknownProxyError)
        result.error = QNetworkReply::NoError;
    m_reply = nullptr;
    reply->deleteLater();
    finish(std::move(result));
}

void HttpRequest::finish(HttpResult result)
{
    if (m_done)
        return;
    m_done = true;
    qCDebug(lcComfyHttp) << "->" << result.status << result.error << result.body.size() << "bytes";
    emit finished(result);
    deleteLater();
}

} // namespace comfyvideo::comfy
