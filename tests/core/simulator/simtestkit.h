#pragma once

// Helpers shared by the simulator conformance tests: blocking HTTP calls, a recording
// WebSocket client, the capture transcripts and the message-sequence normalizer.
#include <QDeadlineTimer>
#include <QDebug>
#include <QFile>
#include <QHttpMultiPart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>
#include <QWebSocket>
#include <functional>
#include <memory>

namespace comfyvideo::tests {

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lowercased names

    QJsonObject object() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
};

inline HttpResult finish(QNetworkReply *reply, int timeoutMs = 15000)
{
    std::unique_ptr<QNetworkReply> owner(reply);
    if (!reply->isFinished()) {
        QSignalSpy spy(reply, &QNetworkReply::finished);
        if (!spy.wait(timeoutMs))
            return {};
    }
    HttpResult r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    if (r.status == 0)
        qWarning() << "HTTP failure:" << reply->url() << reply->errorString();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        r.headers.insert(name.toLower(), value);
    return r;
}

inline HttpResult httpGet(QNetworkAccessManager &nam, const QUrl &url, const QByteArray &range = {})
{
    QNetworkRequest request(url);
    if (!range.isEmpty())
        request.setRawHeader("Range", range);
    return finish(nam.get(request));
}

inline HttpResult httpPost(QNetworkAccessManager &nam, const QUrl &url, const QByteArray &body)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    return finish(nam.post(request, body));
}

inline HttpResult httpPostJson(QNetworkAccessManager &nam, const QUrl &url, const QJsonObject &o)
{
    return httpPost(nam, url, QJsonDocument(o).toJson(QJsonDocument::Compact));
}

inline HttpResult uploadImage(QNetworkAccessManager &nam,
                              const QUrl &url,
                              const QString &name,
                              const QByteArray &data,
                              const QList<QPair<QByteArray, QByteArray>> &fields = {})
{
    auto *multi = new QHttpMultiPart(QHttpMultiPart::FormDataType);
    QHttpPart image;
    image.setHeader(QNetworkRequest::ContentDispositionHeader,
                    QByteArray("form-data; name=\"image\"; filename=\"" + name.toUtf8() + '"'));
    image.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("image/png"));
    image.setBody(data);
    if (!name.isNull())
        multi->append(image);
    for (const auto &[key, value] : fields) {
        QHttpPart part;
        part.setHeader(QNetworkRequest::ContentDispositionHeader,
                       QByteArray("form-data; name=\"" + key + '"'));
        part.setBody(value);
        multi->append(part);
    }
    QNetworkReply *reply = nam.post(QNetworkRequest(url), multi);
    multi->setParent(reply);
    return finish(reply);
}

struct WsMessage
{
    QString type; // "binary" for binary frames
    QJsonObject data;
    QByteArray binary;
};

// A WebSocket client that records every message.
class WsRecorder : public QObject
{
public:
    QWebSocket socket;
    QList<WsMessage> messages;
    bool disconnected = false;

    WsRecorder()
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
            messages.append({o.value(u"type").toString(), o.value(u"data").toObject(), {}});
        });
        connect(&socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &b) {
            messages.append({QStringLiteral("binary"), {}, b});
        });
        connect(&socket, &QWebSocket::disconnected, this, [this] { disconnected = true; });
    }

    bool open(const QUrl &url, bool featureFlags = false)
    {
        socket.open(url);
        if (!waitUntil([this] { return socket.state() == QAbstractSocket::ConnectedState; }))
            return false;
        if (featureFlags) {
            socket.sendTextMessage(QStringLiteral(
                    R"({"type": "feature_flags", "data": {"supports_preview_metadata": true}})"));
        }
        return waitUntil([this, featureFlags] {
            return count(QStringLiteral("status")) > 0
                   && (!featureFlags || count(QStringLiteral("feature_flags")) > 0);
        });
    }

    int count(const QString &type) const
    {
        return int(std::count_if(messages.begin(), messages.end(), [&](const WsMessage &m) {
            return m.type == type;
        }));
    }

    // Index of the first message matching, or -1.
    int find(const std::function<bool(const WsMessage &)> &match, int from = 0) const
    {
        for (int i = from; i < messages.size(); ++i) {
            if (match(messages.at(i)))
                return i;
        }
        return -1;
    }

    bool waitForEnd(const QString &promptId, int timeoutMs = 30000)
    {
        return waitUntil([&] { return find(isEnd(promptId)) >= 0; }, timeoutMs);
    }

    static std::function<bool(const WsMessage &)> isEnd(const QString &promptId)
    {
        return [promptId](const WsMessage &m) {
            return m.type == u"executing" && m.data.value(u"node").isNull()
                   && m.data.value(u"prompt_id").toString() == promptId;
        };
    }

    static bool waitUntil(const std::function<bool()> &condition, int timeoutMs = 15000)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (!condition()) {
            if (deadline.hasExpired())
                return false;
            QTest::qWait(5);
        }
        return true;
    }
};

// Message tokens: "status:N", "executing:ID", "progress:ID", "binary:T", "PS", ...
inline QString token(const QString &type, const QJsonObject &data, const QByteArray &binary)
{
    if (type == u"binary")
        return QStringLiteral("binary:%1").arg(binary.size() >= 4 ? int(binary.at(3)) : -1);
    if (type == u"status")
        return QStringLiteral("status:%1")
                .arg(data.value(u"status")
                             .toObject()
                             .value(u"exec_info")
                             .toObject()
                             .value(u"queue_remaining")
                             .toInt());
    if (type == u"progress_state")
        return QStringLiteral("PS");
    if (type == u"executing") {
        const QJsonValue node = data.value(u"node");
        return QStringLiteral("executing:")
               + (node.isNull() ? QStringLiteral("null") : node.toString());
    }
    if (type == u"progress" || type == u"executed")
        return type + u':' + data.value(u"node").toString();
    return type;
}

// Collapses repeated groups (k = 1..4) so step and frame counts do not matter.
inline QStringList collapse(QStringList seq)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (int k = 1; k <= 4; ++k) {
            for (int i = 0; i + 2 * k <= seq.size();) {
                if (seq.mid(i, k) == seq.mid(i + k, k)) {
                    seq.remove(i + k, k);
                    changed = true;
                } else {
                    ++i;
                }
            }
        }
    }
    return seq;
}

inline QStringList normalized(const QList<WsMessage> &messages)
{
    QStringList seq;
    for (const WsMessage &m : messages)
        seq.append(token(m.type, m.data, m.binary));
    return collapse(seq);
}

inline QByteArray readCapture(const QString &name)
{
    QFile file(QStringLiteral(CV_CAPTURES_DIR "/") + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The received WebSocket messages of a capture transcript, normalized.
inline QStringList captureSequence(const QString &name)
{
    QStringList seq;
    const QList<QByteArray> lines = readCapture(name).split('\n');
    for (const QByteArray &line : lines) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(u"dir").toString() != u"recv")
            continue;
        if (o.value(u"kind").toString() == u"json")
            seq.append(token(o.value(u"type").toString(), o.value(u"data").toObject(), {}));
        else if (o.value(u"kind").toString() == u"binary")
            seq.append(QStringLiteral("binary:%1").arg(o.value(u"event_type").toInt()));
    }
    return collapse(seq);
}

// The raw text of the first POST /prompt request of a transcript (key order preserved).
inline QByteArray captureRequest(const QString &name, int index = 0)
{
    const QList<QByteArray> lines = readCapture(name).split('\n');
    for (const QByteArray &line : lines) {
        if (!line.contains("\"path\": \"/prompt\"") || !line.contains("\"request\": "))
            continue;
        if (index-- > 0)
            continue;
        const qsizetype at = line.indexOf("\"request\": ") + 11;
        return line.mid(at, line.lastIndexOf('}') - at);
    }
    return {};
}

inline QByteArray withClient(QByteArray request, const QString &clientId)
{
    const qsizetype at = request.indexOf("\"client_id\": \"");
    if (at >= 0) {
        const qsizetype end = request.indexOf('"', at + 14);
        request.replace(at,
                        end + 1 - at,
                        QByteArray(QByteArray("\"client_id\": \"") + clientId.toUtf8() + '"'));
    }
    return request;
}

inline QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace comfyvideo::tests
