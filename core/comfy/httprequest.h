#pragma once

#include "comfy/failure.h"
#include "comfy/serverconfig.h"

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QHttpMultiPart;
class QNetworkAccessManager;

namespace comfyvideo::common {
class SecretStore;
}

namespace comfyvideo::comfy {

// The outcome of one HTTP exchange, as plain data.
struct HttpResult
{
    QString url;
    int status = 0; // 0 when no answer arrived
    QList<QNetworkReply::RawHeaderPair> headers;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    bool timedOut = false;

    bool ok() const { return error == QNetworkReply::NoError && status >= 200 && status < 300; }
    QByteArray header(const QByteArray &name) const;
    Failure failure(Failure::Stage stage = Failure::Stage::Network) const;
    bool operator==(const HttpResult &) const = default;
};

// Auth header, TLS configuration (verification always on, extra CA added) for a request to the
// server of `config`.
void prepareRequest(QNetworkRequest &request,
                    const ServerConfig &config,
                    const common::SecretStore *secrets);

// One in-flight request with a timeout and abort(); emits finished() exactly once, then
// deletes itself later.
class HttpRequest : public QObject
{
    Q_OBJECT
public:
    HttpRequest(QNetworkAccessManager *network,
                QNetworkRequest request,
                QByteArray verb,
                QByteArray body,
                std::chrono::milliseconds timeout,
                QObject *parent = nullptr);
    // A multipart POST; takes ownership of `multiPart`.
    HttpRequest(QNetworkAccessManager *network,
                QNetworkRequest request,
                QHttpMultiPart *multiPart,
                std::chrono::milliseconds timeout,
                QObject *parent = nullptr);
    ~HttpRequest() override;

    void start();
    void abort();

signals:
    void finished(const comfyvideo::comfy::HttpResult &result);

private:
    void onReplyFinished();
    void finish(HttpResult result);

    QNetworkAccessManager *m_network;
    QNetworkRequest m_request;
    QByteArray m_verb;
    QByteArray m_body;
    QHttpMultiPart *m_multiPart = nullptr;
    QPointer<QNetworkReply> m_reply;
    QTimer m_timer;
    bool m_timedOut = false;
    bool m_done = false;
};

} // namespace comfyvideo::comfy
