#include "simulator/httpconnection.h"

#include "simulator/httpparsing.h"

#include <QDateTime>
#include <QFile>
#include <QLocale>
#include <QTcpSocket>

namespace comfyvideo::simulator {

namespace {

constexpr qint64 ChunkSize = 256 * 1024;
// Refill the socket's write buffer only while it holds less than this.
constexpr qint64 HighWater = 512 * 1024;
constexpr int ThrottleTickMs = 50;
constexpr qint64 ReadBufferSize = 1024 * 1024;
static_assert(ReadBufferSize > http::MaxHeadSize + 4);

QByteArray httpDate()
{
    return QLocale::c()
            .toString(QDateTime::currentDateTimeUtc(), u"ddd, dd MMM yyyy hh:mm:ss 'GMT'")
            .toLatin1();
}

// Every method starts with a letter; a TLS ClientHello starts with 0x16.
bool startsLikeRequestLine(const QByteArray &data)
{
    const char c = data.front();
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool isReservedHeader(const QByteArray &name)
{
    const QByteArray lower = name.toLower();
    return lower == "content-length" || lower == "connection" || lower == "transfer-encoding";
}

} // namespace

struct HttpConnection::Outgoing
{
    QByteArray memory;
    std::unique_ptr<QFile> file;
    qint64 offset = 0;    // next byte of `memory` to send
    qint64 remaining = 0; // body bytes still to send
    qint64 sent = 0;
    qint64 truncateAfter = -1;
    qint64 bytesPerSecond = 0;
    qint64 budget = 0;
};

HttpConnection::HttpConnection(QTcpSocket *socket, HttpDispatcher &dispatcher, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_dispatcher(dispatcher)
{
    socket->setParent(this);
    socket->setReadBufferSize(ReadBufferSize); // back-pressure while a response is pending
    m_throttle.setInterval(ThrottleTickMs);
    connect(&m_throttle, &QTimer::timeout, this, &HttpConnection::onThrottleTick);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_state == State::Responding)
            pump();
    });
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    if (socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void HttpConnection::abortConnection()
{
    if (m_state == State::Closed)
        return;
    if (m_inHandler) {
        m_closeRequested = true;
        m_keepAlive = false;
        return;
    }
    m_state = State::Closed;
    m_throttle.stop();
    m_out.reset();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
    deleteLater();
}

void HttpConnection::onDisconnected()
{
    m_state = State::Closed;
    m_throttle.stop();
    m_out.reset();
    deleteLater();
}

void HttpConnection::onReadyRead()
{
    if (m_processing)
        return; // the loop below picks the new data up
    m_processing = true;
    bool progressed = true;
    while (progressed && m_socket) {
        if (m_state == State::Head)
            progressed = readHead();
        else if (m_state == State::Body)
            progressed = readBody();
        else
            progressed = false;
    }
    m_processing = false;
}

// Returns true when a head was consumed (the caller loops on).
bool HttpConnection::readHead()
{
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0)
        return false;
    QByteArray peeked = m_socket->peek(std::min<qint64>(available, http::MaxHeadSize + 4));
    if (peeked.startsWith("\r\n") || peeked.startsWith('\n')) { // stray line ends between requests
        m_socket->read(peeked.startsWith('\n') ? 1 : 2);
        return true;
    }
    if (!startsLikeRequestLine(peeked)) {
        // Not a request line (e.g. a TLS ClientHello on the plain port): aiohttp answers 400
        // at once instead of waiting for a head that never comes.
        m_socket->read(available);
        respondAndClose(400, http::statusText(400));
        return false;
    }
    const qsizetype end = peeked.indexOf("\r\n\r\n");
    if (end < 0) {
        if (peeked.size() >= http::MaxHeadSize + 4)
            respondAndClose(431, http::statusText(431));
        return false;
    }
    auto head = http::parseRequestHead(peeked.left(end), m_dispatcher.maxBodySize());
    if (!head) {
        m_socket->read(end + 4);
        respondAndClose(head.error().status, head.error().message);
        return false;
    }
    m_crossOrigin = http::isCrossOriginRefused(head->request.headers);
    if (head->webSocketUpgrade && head->request.method == "GET"
        && m_dispatcher.isWebSocketPath(head->request.path)) {
        if (!m_crossOrigin && !m_dispatcher.refusesWebSockets()) {
            handOver();
            return false;
        }
        m_socket->read(end + 4);
        if (m_crossOrigin)
            respondAndClose(403, {});
        else
            respondAndClose(503, http::statusText(503));
        return false;
    }
    m_socket->read(end + 4);
    m_request = std::move(head->request);
    m_request.target = head->rawTarget;
    m_request.peerPort = m_socket->peerPort();
    m_contentLength = head->contentLength;
    m_keepAlive = head->keepAlive;
    if (head->expectContinue && m_contentLength > 0)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    m_state = State::Body;
    return true;
}

bool HttpConnection::readBody()
{
    const qint64 missing = m_contentLength - m_request.body.size();
    if (missing > 0) {
        if (m_socket->bytesAvailable() <= 0)
            return false;
        if (m_request.body.isEmpty()) // not more up front: a client may announce and not send
            m_request.body.reserve(qsizetype(std::min<qint64>(m_contentLength, 8 * 1024 * 1024)));
        m_request.body += m_socket->read(std::min(missing, m_socket->bytesAvailable()));
        if (m_request.body.size() < m_contentLength)
            return false;
    }
    dispatchRequest();
    return m_state == State::Head;
}

void HttpConnection::handOver()
{
    QTcpSocket *socket = m_socket;
    socket->disconnect(this);
    socket->setReadBufferSize(0);
    m_socket = nullptr;
    m_state = State::Closed;
    m_dispatcher.upgrade(socket); // reparents the socket
    deleteLater();
}

void HttpConnection::dispatchRequest()
{
    m_state = State::Responding;
    if (m_crossOrigin) {
        respond({HttpResponse::empty(403)});
        return;
    }
    QPointer<HttpConnection> guard(this);
    m_inHandler = true;
    HttpDispatcher::Result result = m_dispatcher.dispatch(m_request);
    if (!guard)
        return;
    m_inHandler = false;
    if (m_state != State::Responding || !m_socket)
        return;
    if (result.hang && m_closeRequested) {
        abortConnection();
        return;
    }
    if (result.hang) {
        m_state = State::Hung;
        m_request = {};
        return;
    }
    respond(std::move(result));
}

void HttpConnection::respond(HttpDispatcher::Result result)
{
    HttpResponse &response = result.response;
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!response.contentType.isEmpty())
        headers.emplaceBack("Content-Type", response.contentType);
    for (const auto &header : std::as_const(response.headers)) {
        if (!isReservedHeader(header.first))
            headers.append(header);
    }
    m_out = std::make_unique<Outgoing>();
    if (!response.filePath.isEmpty()) {
        if (!prepareFile(response, headers))
            return;
    } else {
        m_out->memory = std::move(response.body);
        m_out->remaining = m_out->memory.size();
    }
    headers.emplaceBack("Content-Length", QByteArray::number(m_out->remaining));
    headers.emplaceBack("Date", httpDate());
    headers.emplaceBack("Server", "Python/3.12 aiohttp/3.11.18");
    if (!m_keepAlive)
        headers.emplaceBack("Connection", "close");
    m_socket->write(http::responseHead(response.status, headers));
    if (m_request.method == "HEAD")
        m_out->remaining = 0;
    m_out->truncateAfter = result.truncateAfter;
    m_out->bytesPerSecond = result.bytesPerSecond;
    m_request = {};
    if (m_out->bytesPerSecond > 0)
        m_throttle.start();
    pump();
}

// Opens the response's file and evaluates Range; false when a 404 was sent instead.
bool HttpConnection::prepareFile(HttpResponse &response,
                                 QList<QPair<QByteArray, QByteArray>> &headers)
{
    auto file = std::make_unique<QFile>(response.filePath);
    if (!file->open(QIODevice::ReadOnly) || file->isSequential()) {
        m_out.reset();
        respond({HttpResponse::text(404, http::statusText(404))});
        return false;
    }
    const qint64 size = file->size();
    headers.emplaceBack("Accept-Ranges", "bytes");
    const http::ByteRange range = (m_request.method == "GET" || m_request.method == "HEAD")
                                          ? http::evaluateRange(m_request.header("range"), size)
                                          : http::ByteRange{};
    const QByteArray sizeText = QByteArray::number(size);
    switch (range.kind) {
    case http::ByteRange::Kind::Whole:
        m_out->remaining = size;
        break;
    case http::ByteRange::Kind::Partial:
        response.status = 206;
        headers.emplaceBack("Content-Range",
                            "bytes " + QByteArray::number(range.first) + '-'
                                    + QByteArray::number(range.last) + '/' + sizeText);
        file->seek(range.first);
        m_out->remaining = range.last - range.first + 1;
        break;
    case http::ByteRange::Kind::Unsatisfiable:
        response.status = 416;
        headers.emplaceBack("Content-Range", "bytes */" + sizeText);
        m_out->remaining = 0;
        break;
    }
    m_out->file = std::move(file);
    return true;
}

void HttpConnection::respondAndClose(int status, const QByteArray &body)
{
    m_keepAlive = false;
    m_state = State::Responding;
    respond({body.isEmpty() ? HttpResponse::empty(status) : HttpResponse::text(status, body)});
}

void HttpConnection::pump()
{
    if (!m_out || !m_socket)
        return;
    while (m_out && m_out->remaining > 0 && m_socket->bytesToWrite() < HighWater) {
        if (!pumpChunk())
            break; // throttled, truncated, or aborted
    }
    if (!m_out)
        return;
    if (m_out->remaining == 0) {
        finishResponse();
        return;
    }
    if (m_out->truncateAfter >= 0 && m_out->sent >= m_out->truncateAfter) {
        m_state = State::Closing; // fault "view-truncate": the body stops here
        m_throttle.stop();
        m_out.reset();
        m_socket->disconnectFromHost();
    }
}

// Writes one chunk; false when nothing can be written now.
bool HttpConnection::pumpChunk()
{
    Outgoing &out = *m_out;
    qint64 size = std::min(ChunkSize, out.remaining);
    if (out.bytesPerSecond > 0)
        size = std::min(size, out.budget);
    if (out.truncateAfter >= 0)
        size = std::min(size, out.truncateAfter - out.sent);
    if (size <= 0)
        return false;
    QByteArray chunk;
    if (out.file) {
        chunk = out.file->read(size);
        if (chunk.size() != size) { // the file shrank or failed: cannot keep Content-Length
            abortConnection();
            return false;
        }
    } else {
        chunk = out.memory.mid(out.offset, size);
        out.offset += size;
    }
    m_socket->write(chunk);
    out.sent += size;
    out.remaining -= size;
    if (out.bytesPerSecond > 0)
        out.budget -= size;
    return true;
}

void HttpConnection::onThrottleTick()
{
    if (!m_out || m_out->bytesPerSecond <= 0)
        return;
    const qint64 perTick = std::max<qint64>(1, m_out->bytesPerSecond * ThrottleTickMs / 1000);
    m_out->budget = std::min(m_out->budget + perTick, 2 * perTick);
    pump();
}

void HttpConnection::finishResponse()
{
    m_throttle.stop();
    m_out.reset();
    if (!m_keepAlive) {
        m_state = State::Closing;
        m_socket->disconnectFromHost();
        return;
    }
    m_state = State::Head;
    m_contentLength = 0;
    if (!m_processing && m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

} // namespace comfyvideo::simulator
