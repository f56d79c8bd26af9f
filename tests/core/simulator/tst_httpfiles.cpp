#include "simulator/httpserver.h"

#include "core/simulator/httptestclient.h"

#include <QTemporaryDir>
#include <QTest>

using namespace comfyvideo::simulator;
using namespace comfyvideo::simulator::testing;
using namespace Qt::StringLiterals;

// HttpResponse::file: streaming with flat memory, Range, HEAD.
class TestHttpFiles : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void largeSparseFileStreamsWithFlatMemory();
    void rangeRequests_data();
    void rangeRequests();
    void missingFileIs404();
    void pipelinedFileResponsesStayInOrder();

private:
    QUrl url(const QString &path) const
    {
        return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_server->port()).arg(path));
    }

    std::unique_ptr<HttpServer> m_server;
    QString m_filePath;
};

void TestHttpFiles::init()
{
    m_server = std::make_unique<HttpServer>();
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    m_server->addRoute("GET", u"/file"_s, [this](const HttpRequest &) {
        HttpResponse response = HttpResponse::file(m_filePath, "video/mp4");
        response.headers.emplaceBack("Content-Disposition", "filename=\"clip.mp4\"");
        return response;
    });
}

void TestHttpFiles::cleanup()
{
    m_server.reset();
}

namespace {

// A "VmRSS:" / "VmHWM:" value of /proc/self/status in KiB.
qint64 statusKiB(const QByteArray &field)
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(field.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// Resets VmHWM (the peak RSS) to the current RSS; false where the kernel does not allow it.
bool resetPeakResident()
{
    QFile clearRefs(u"/proc/self/clear_refs"_s);
    return clearRefs.open(QIODevice::WriteOnly) && clearRefs.write("5") == 1;
}

QByteArray pattern(qint64 size)
{
    QByteArray data(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        data[i] = char('a' + i % 26);
    return data;
}

} // namespace

void TestHttpFiles::largeSparseFileStreamsWithFlatMemory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    m_filePath = dir.filePath(u"big.mp4"_s);
    constexpr qint64 Size = 200 * 1024 * 1024;
    const QList<qint64> markers = {0, 100 * 1024 * 1024 + 7, Size - 16};
    {
        QFile file(m_filePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(Size));
        for (qint64 at : markers) {
            file.seek(at);
            file.write("MARKER-" + QByteArray::number(at).rightJustified(9, '0'));
        }
    }
    const bool peakKnown = resetPeakResident();
    const qint64 before = statusKiB("VmRSS:");
    qint64 sampledPeak = before;
    RawClient client(m_server->port());
    client.write("GET /file HTTP/1.1\r\n\r\n");
    QByteArray head;
    qint64 bodyBytes = 0;
    QByteArray window; // the bytes around the markers
    QHash<qint64, QByteArray> seen;
    QElapsedTimer timer;
    timer.start();
    while (bodyBytes < Size && timer.elapsed() < 60000
           && client.socket().state() == QAbstractSocket::ConnectedState) {
        QSignalSpy readyRead(&client.socket(), &QTcpSocket::readyRead);
        if (client.socket().bytesAvailable() == 0)
            readyRead.wait(100);
        QByteArray data = client.socket().readAll();
        if (head.isEmpty() || !head.endsWith("\r\n\r\n")) {
            head += data;
            const qsizetype end = head.indexOf("\r\n\r\n");
            if (end < 0)
                continue;
            data = head.mid(end + 4);
            head.truncate(end + 4);
        }
        for (qint64 at : markers) {
            if (at >= bodyBytes && at + 16 <= bodyBytes + data.size())
                seen.insert(at, data.mid(at - bodyBytes, 16));
        }
        bodyBytes += data.size();
        sampledPeak = std::max(sampledPeak, statusKiB("VmRSS:"));
    }
    // The peak matters, not the end: a server that read the file whole would free it again.
    const qint64 after = peakKnown ? statusKiB("VmHWM:") : sampledPeak;
    QCOMPARE(bodyBytes, Size);
    QVERIFY(head.startsWith("HTTP/1.1 200 OK\r\n"));
    QVERIFY(head.contains("Content-Length: 209715200\r\n"));
    QVERIFY(head.contains("Accept-Ranges: bytes\r\n"));
    QVERIFY(head.contains("Content-Type: video/mp4\r\n"));
    QVERIFY(head.contains("Content-Disposition: filename=\"clip.mp4\"\r\n"));
    for (qint64 at : markers)
        QCOMPARE(seen.value(at), "MARKER-" + QByteArray::number(at).rightJustified(9, '0'));
    qInfo("peak RSS grew by %lld KiB while streaming 200 MB (%s)",
          after - before,
          peakKnown ? "VmHWM" : "sampled");
#if !defined(__SANITIZE_ADDRESS__) // ASan's quarantine keeps freed chunks resident
    QVERIFY2(after - before < 16 * 1024, qPrintable(u"RSS grew by %1 KiB"_s.arg(after - before)));
#endif
}

void TestHttpFiles::rangeRequests_data()
{
    QTest::addColumn<QByteArray>("range");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentRange");
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("length");
    QTest::newRow("none") << QByteArray() << 200 << QByteArray() << 0LL << 1000LL;
    QTest::newRow("a-b") << QByteArray("bytes=10-19") << 206 << QByteArray("bytes 10-19/1000")
                         << 10LL << 10LL;
    QTest::newRow("a-") << QByteArray("bytes=990-") << 206 << QByteArray("bytes 990-999/1000")
                        << 990LL << 10LL;
    QTest::newRow("-n") << QByteArray("bytes=-5") << 206 << QByteArray("bytes 995-999/1000")
                        << 995LL << 5LL;
    QTest::newRow("-n beyond") << QByteArray("bytes=-5000") << 206 << QByteArray("bytes 0-999/1000")
                               << 0LL << 1000LL;
    QTest::newRow("end beyond") << QByteArray("bytes=995-2000") << 206
                                << QByteArray("bytes 995-999/1000") << 995LL << 5LL;
    QTest::newRow("start at end") << QByteArray("bytes=1000-") << 416 << QByteArray("bytes */1000")
                                  << 0LL << 0LL;
    QTest::newRow("reversed") << QByteArray("bytes=5-2") << 416 << QByteArray("bytes */1000") << 0LL
                              << 0LL;
    QTest::newRow("several") << QByteArray("bytes=0-1,5-6") << 416 << QByteArray("bytes */1000")
                             << 0LL << 0LL;
    QTest::newRow("garbage") << QByteArray("pages=1-2") << 416 << QByteArray("bytes */1000") << 0LL
                             << 0LL;
    QTest::newRow("huge") << QByteArray("bytes=99999999999999999999-") << 416
                          << QByteArray("bytes */1000") << 0LL << 0LL;
}

void TestHttpFiles::rangeRequests()
{
    QFETCH(QByteArray, range);
    QFETCH(int, status);
    QFETCH(QByteArray, contentRange);
    QFETCH(qint64, first);
    QFETCH(qint64, length);
    QTemporaryDir dir;
    m_filePath = dir.filePath(u"small.mp4"_s);
    const QByteArray content = pattern(1000);
    {
        QFile file(m_filePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    QNetworkAccessManager manager;
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!range.isEmpty())
        headers.append({"Range", range});
    const Reply reply = send(manager, "GET", url(u"/api/file"_s), {}, headers);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.headers.value("accept-ranges"), "bytes");
    QCOMPARE(reply.headers.value("content-range"), contentRange);
    QCOMPARE(reply.body, content.mid(first, length));
    // HEAD: the same head, no body.
    RawClient raw(m_server->port());
    raw.write("HEAD /file HTTP/1.1\r\n"
              + (range.isEmpty() ? QByteArray() : "Range: " + range + "\r\n")
              + "\r\nGET /nope HTTP/1.1\r\n\r\n");
    const QByteArray data
            = raw.readUntil([](const QByteArray &d) { return d.endsWith("404: Not Found"); });
    QVERIFY(data.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status))));
    QVERIFY(data.contains(QByteArray("Content-Length: " + QByteArray::number(length) + "\r\n")));
    QVERIFY(data.mid(data.indexOf("\r\n\r\n") + 4).startsWith("HTTP/1.1 404"));
}

void TestHttpFiles::missingFileIs404()
{
    m_filePath = u"/nonexistent/clip.mp4"_s;
    QNetworkAccessManager manager;
    const Reply reply = send(manager, "GET", url(u"/file"_s));
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.body, "404: Not Found");
}

void TestHttpFiles::pipelinedFileResponsesStayInOrder()
{
    QTemporaryDir dir;
    m_filePath = dir.filePath(u"medium.mp4"_s);
    const QByteArray content = pattern(3 * 1024 * 1024 + 17);
    {
        QFile file(m_filePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    RawClient client(m_server->port());
    QByteArray requests;
    for (int i = 0; i < 3; ++i)
        requests += "GET /file HTTP/1.1\r\n\r\nGET /api/file HTTP/1.1\r\nRange: bytes=-"
                    + QByteArray::number(i + 1) + "\r\n\r\n";
    requests += "POST /file HTTP/1.1\r\nContent-Length: " + QByteArray::number(2 * 1024 * 1024)
                + "\r\n\r\n" + QByteArray(2 * 1024 * 1024, 'p');
    client.write(requests);
    const QList<RawResponse> responses = parseResponses(client.readResponses(7, 30000));
    QCOMPARE(responses.size(), 7);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(responses.at(2 * i).status, 200);
        QVERIFY(responses.at(2 * i).body == content);
        QCOMPARE(responses.at(2 * i + 1).status, 206);
        QCOMPARE(responses.at(2 * i + 1).body, content.right(i + 1));
    }
    QCOMPARE(responses.at(6).status, 405);
}

QTEST_GUILESS_MAIN(TestHttpFiles)
#include "tst_httpfiles.moc"
