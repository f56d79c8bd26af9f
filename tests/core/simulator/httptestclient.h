#pragma once

// Small synchronous-looking client helpers for the simulator's HTTP layer tests (they wait with
// QSignalSpy, never sleep).

#include <QByteArray>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>

namespace comfyvideo::simulator::testing {

struct Reply
{
    int status = 0;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QHash<QByteArray, QByteArray> headers; // lowercased names
    bool finished = false;
};

inline Reply send(QNetworkAccessManager &manager,
                  const QByteArray &method,
                  const QUrl &url,
                  const QByteArray &body = {},
                  const QList<QPair<QByteArray, QByteArray>> &headers = {},
                  int timeoutMs = 10000)
{
    QNetworkRequest request(url);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = manager.sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    Reply result;
    result.finished = finished.wait(timeoutMs);
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.error = reply->error();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        result.headers.insert(name.toLower(), value);
    if (!result.finished)
        reply->abort();
    delete reply;
    return result;
}

// A raw TCP client: writes bytes and collects everything the server sends.
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        QSignalSpy connected(&m_socket, &QTcpSocket::connected);
        m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        m_connected = connected.wait(5000);
    }
    bool isConnected() const { return m_connected; }
    QTcpSocket &socket() { return m_socket; }

    void write(const QByteArray &data) { m_socket.write(data); }
    // Reads until `predicate(received)` holds, the server closes, or the timeout expires
    // (spinning the event loop, so the in-process server keeps working).
    template<typename Predicate>
    QByteArray readUntil(Predicate predicate, int timeoutMs = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        m_received += m_socket.readAll();
        while (!predicate(m_received) && timer.elapsed() < timeoutMs
               && m_socket.state() == QAbstractSocket::ConnectedState) {
            QSignalSpy readyRead(&m_socket, &QTcpSocket::readyRead);
            if (m_socket.bytesAvailable() == 0)
                readyRead.wait(50);
            m_received += m_socket.readAll();
        }
        m_received += m_socket.readAll();
        return m_received;
    }
    // Reads until the server closes the connection.
    QByteArray readToClose(int timeoutMs = 5000)
    {
        readUntil([](const QByteArray &) { return false; }, timeoutMs);
        return m_received;
    }
    // Reads until `count` complete responses (head + Content-Length body) have arrived.
    QByteArray readResponses(int count, int timeoutMs = 5000)
    {
        return readUntil(
                [count](const QByteArray &data) { return completeResponses(data) >= count; },
                timeoutMs);
    }
    bool closedByServer(int timeoutMs = 5000)
    {
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            return true;
        QSignalSpy disconnected(&m_socket, &QTcpSocket::disconnected);
        return disconnected.wait(timeoutMs)
               || m_socket.state() == QAbstractSocket::UnconnectedState;
    }
    QByteArray received() const { return m_received; }
    void clear() { m_received.clear(); }

    static int completeResponses(const QByteArray &data)
    {
        int count = 0;
        qsizetype pos = 0;
        while (true) {
            const qsizetype end = data.indexOf("\r\n\r\n", pos);
            if (end < 0)
                return count;
            const QByteArray head = data.mid(pos, end - pos).toLower();
            qint64 length = 0;
            if (const qsizetype at = head.indexOf("content-length:"); at >= 0)
                length = head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toLongLong();
            if (data.size() < end + 4 + length)
                return count;
            pos = end + 4 + length;
            ++count;
        }
    }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
    bool m_connected = false;
};

struct RawResponse
{
    int status = 0;
    QHash<QByteArray, QByteArray> headers; // lowercased names
    QByteArray body;
};

// Splits a byte stream into responses (bodies by Content-Length).
inline QList<RawResponse> parseResponses(const QByteArray &data)
{
    QList<RawResponse> responses;
    qsizetype pos = 0;
    while (true) {
        const qsizetype end = data.indexOf("\r\n\r\n", pos);
        if (end < 0)
            return responses;
        const QList<QByteArray> lines = data.mid(pos, end - pos).split('\n');
        RawResponse response;
        response.status = lines.value(0).split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            response.headers.insert(line.left(colon).toLower(), line.mid(colon + 1).trimmed());
        }
        const qint64 length = response.headers.value("content-length").toLongLong();
        response.body = data.mid(end + 4, length);
        pos = end + 4 + length;
        responses.append(response);
    }
}

} // namespace comfyvideo::simulator::testing
