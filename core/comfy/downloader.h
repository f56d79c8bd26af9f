#pragma once

#include "comfy/comfytypes.h"
#include "comfy/serverconfig.h"

#include <QFile>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkAccessManager;
class QNetworkReply;

namespace comfyvideo::common {
class SecretStore;
}

namespace comfyvideo::comfy {

struct DownloadRequest
{
    OutputFileRef file; // what the server reported: data for the /view query, never a path
    QString directory;  // where the file goes
    QString localName;  // chosen by the caller: a plain file name, no separators
    qint64 maxBytes = 4LL * 1024 * 1024 * 1024;
    int maxAttemptsWithoutProgress = 3;
    bool operator==(const DownloadRequest &) const = default;
};

struct DownloadResult
{
    QString path;
    qint64 bytes = 0;
    int resumes = 0; // Range requests that continued a cut transfer
    QString contentType;
    bool operator==(const DownloadResult &) const = default;
};

// GET /view streamed to `directory/.localName.part`, renamed to `localName` when complete.
// A cut transfer resumes with "Range: bytes=N-" (206 appends; 200 starts over); exceeding
// maxBytes aborts and removes the partial file.
class Downloader : public QObject
{
    Q_OBJECT
public:
    Downloader(const ServerConfig &config,
               const common::SecretStore *secrets,
               QNetworkAccessManager *network,
               DownloadRequest request,
               QObject *parent = nullptr);
    ~Downloader() override;

    void start();
    void abort();

    // Whether `name` is acceptable as a local file name (no separators, not . or .., <= 255
    // UTF-8 bytes, no control characters).
    static bool isSafeLocalName(const QString &name);

signals:
    void progressed(qint64 received, qint64 total); // total -1 when unknown
    void finished(const comfyvideo::comfy::Result<comfyvideo::comfy::DownloadResult> &result);

private:
    void sendRequest();
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void fail(QNetworkReply::NetworkError error, int status, const QString &detail);
    void complete();
    QUrl viewUrl() const;

    ServerConfig m_config;
    const common::SecretStore *m_secrets;
    QNetworkAccessManager *m_network;
    DownloadRequest m_request;
    QFile m_file;
    QByteArray m_chunk; // the read buffer, reused
    QString m_finalPath;
    QPointer<QNetworkReply> m_reply;
    QTimer m_stallTimer;
    qint64 m_total = -1;
    qint64 m_attemptStart = 0;
    int m_attemptsWithoutProgress = 0;
    int m_resumes = 0;
    QString m_contentType;
    bool m_skipBody = false; // this reply's body is not ours (e.g. a 416)
    bool m_done = false;
};

} // namespace comfyvideo::comfy
