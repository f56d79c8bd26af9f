#include "simulator/httpserver.h"

#include <QTest>

using namespace comfyvideo::simulator;
using namespace Qt::StringLiterals;

// parseMultipart(): multipart/form-data bodies as ComfyUI's /upload/image receives them.
class TestHttpMultipart : public QObject
{
    Q_OBJECT

private slots:
    void parsesFileAndFields();
    void boundaryMayBeQuoted();
    void binaryDataWithBoundaryLookalikes();
    void extendedFilename();
    void preambleEpilogueAndEmptyParts();
    void rejectsBadBodies_data();
    void rejectsBadBodies();
};

namespace {

HttpRequest request(const QByteArray &contentType, const QByteArray &body)
{
    HttpRequest request;
    request.method = "POST";
    request.headers.insert("content-type", contentType);
    request.body = body;
    return request;
}

} // namespace

void TestHttpMultipart::parsesFileAndFields()
{
    const QByteArray body
            = "--XyZ\r\n"
              "Content-Disposition: form-data; name=\"image\"; filename=\"init frame.png\"\r\n"
              "Content-Type: image/png\r\n"
              "\r\n"
              "PNGDATA\r\n"
              "--XyZ\r\n"
              "content-disposition: form-data; name=\"type\"\r\n"
              "\r\n"
              "input\r\n"
              "--XyZ\r\n"
              "Content-Disposition: form-data; name=\"subfolder\"\r\n"
              "\r\n"
              "\r\n"
              "--XyZ--\r\n";
    const auto parts = parseMultipart(request("multipart/form-data; boundary=XyZ", body));
    QVERIFY2(parts, qPrintable(parts ? QString() : parts.error()));
    QCOMPARE(parts->size(), 3);
    QCOMPARE(parts->at(0).name, "image");
    QCOMPARE(parts->at(0).filename, u"init frame.png"_s);
    QCOMPARE(parts->at(0).contentType, "image/png");
    QCOMPARE(parts->at(0).data, "PNGDATA");
    QCOMPARE(parts->at(1).name, "type");
    QCOMPARE(parts->at(1).data, "input");
    QVERIFY(parts->at(1).filename.isEmpty());
    QCOMPARE(parts->at(2).name, "subfolder");
    QCOMPARE(parts->at(2).data, QByteArray());
}

void TestHttpMultipart::boundaryMayBeQuoted()
{
    const QByteArray body
            = "--a b;c\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b;c--";
    const auto parts = parseMultipart(
            request("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b;c\"", body));
    QVERIFY2(parts, qPrintable(parts ? QString() : parts.error()));
    QCOMPARE(parts->size(), 1);
    QCOMPARE(parts->at(0).name, "x"); // an unquoted parameter value
    QCOMPARE(parts->at(0).data, "1");
}

void TestHttpMultipart::binaryDataWithBoundaryLookalikes()
{
    QByteArray data;
    for (int i = 0; i < 4096; ++i)
        data += char(i % 256);
    data += "\r\n--bound"; // not the delimiter: the boundary is "boundary"
    data += QByteArray("\0\r\n\r\n--boundar", 15);
    const QByteArray body = "--boundary\r\nContent-Disposition: form-data; name=\"image\"; "
                            "filename=\"a\\\"b.bin\"\r\n\r\n"
                            + data + "\r\n--boundary--\r\n";
    const auto parts = parseMultipart(request("multipart/form-data; boundary=boundary", body));
    QVERIFY2(parts, qPrintable(parts ? QString() : parts.error()));
    QCOMPARE(parts->size(), 1);
    QCOMPARE(parts->at(0).data, data);
    QCOMPARE(parts->at(0).filename, u"a\"b.bin"_s);
}

void TestHttpMultipart::extendedFilename()
{
    const QByteArray body
            = "--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"fallback.png\"; "
              "filename*=UTF-8''%C3%A9t%C3%A9%20%F0%9F%8E%AC.png\r\n\r\nx\r\n--b--";
    const auto parts = parseMultipart(request("multipart/form-data; boundary=b", body));
    QVERIFY2(parts, qPrintable(parts ? QString() : parts.error()));
    QCOMPARE(parts->at(0).filename, u"été 🎬.png"_s);
    // A raw UTF-8 filename (what QHttpPart sends) is decoded as UTF-8.
    const QByteArray raw = "--b\r\nContent-Disposition: form-data; name=\"image\"; "
                           "filename=\"\xC3\xA9.png\"\r\n\r\nx\r\n--b--";
    QCOMPARE(parseMultipart(request("multipart/form-data; boundary=b", raw))->at(0).filename,
             u"é.png"_s);
}

void TestHttpMultipart::preambleEpilogueAndEmptyParts()
{
    const QByteArray body
            = "preamble text\r\n--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1"
              "\r\n--b  \r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n--b--"
              "epilogue\r\n--b\r\nignored";
    const auto parts = parseMultipart(request("multipart/form-data; boundary=b", body));
    QVERIFY2(parts, qPrintable(parts ? QString() : parts.error()));
    QCOMPARE(parts->size(), 2);
    QCOMPARE(parts->at(1).name, "b");
    QCOMPARE(parts->at(1).data, "2");
}

void TestHttpMultipart::rejectsBadBodies_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("not multipart") << QByteArray("application/json") << QByteArray("{}");
    QTest::newRow("no content type") << QByteArray() << QByteArray("--b--");
    QTest::newRow("no boundary") << QByteArray("multipart/form-data") << QByteArray("--b--");
    QTest::newRow("empty boundary")
            << QByteArray("multipart/form-data; boundary=\"\"") << QByteArray("----");
    QTest::newRow("boundary absent")
            << QByteArray("multipart/form-data; boundary=b") << QByteArray("hello");
    QTest::newRow("truncated")
            << QByteArray("multipart/form-data; boundary=b")
            << QByteArray("--b\r\nContent-Disposition: form-data; name=a\r\n\r\n12");
    QTest::newRow("no disposition")
            << QByteArray("multipart/form-data; boundary=b")
            << QByteArray("--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--");
    QTest::newRow("header without colon") << QByteArray("multipart/form-data; boundary=b")
                                          << QByteArray("--b\r\nbroken\r\n\r\n1\r\n--b--");
    QTest::newRow("junk after boundary") << QByteArray("multipart/form-data; boundary=b")
                                         << QByteArray("--bjunk\r\n\r\n1\r\n--b--");
    QTest::newRow("empty body") << QByteArray("multipart/form-data; boundary=b") << QByteArray();
}

void TestHttpMultipart::rejectsBadBodies()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    const auto parts = parseMultipart(request(contentType, body));
    QVERIFY(!parts);
    QVERIFY(!parts.error().isEmpty());
}

QTEST_GUILESS_MAIN(TestHttpMultipart)
#include "tst_httpmultipart.moc"
