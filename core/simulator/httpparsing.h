#pragma once

#include "simulator/httpserver.h"

#include <QByteArray>
#include <expected>

// Pure helpers of the simulator's HTTP layer: request heads, ranges, status lines.
namespace comfyvideo::simulator::http {

// Requests whose head (request line + headers) exceeds this are refused with 431.
constexpr qsizetype MaxHeadSize = 64 * 1024;

struct RequestHead
{
    HttpRequest request; // method, path (decoded, "/api" NOT stripped), query, headers
    QByteArray rawTarget;
    qint64 contentLength = 0;
    bool keepAlive = true;
    bool webSocketUpgrade = false; // "Upgrade: websocket" with "Connection: upgrade"
    bool expectContinue = false;
};

struct ParseError
{
    int status = 400;
    QByteArray message; // plain-text body
};

// Parses a request head without the terminating empty line. Bodies larger than maxBodySize
// are refused with 413.
std::expected<RequestHead, ParseError> parseRequestHead(const QByteArray &head, qint64 maxBodySize);

// Decodes a query string the way aiohttp (yarl) does: '+' means a space.
QUrlQuery decodeQuery(const QByteArray &rawQuery);

struct ByteRange
{
    enum class Kind { Whole, Partial, Unsatisfiable };
    Kind kind = Kind::Whole;
    qint64 first = 0;
    qint64 last = -1; // inclusive
};

// Evaluates a "Range" header against a body of `size` bytes, like aiohttp's FileResponse:
// no header → Whole; one "bytes=a-b", "bytes=a-" or "bytes=-n" → Partial; anything else
// (several ranges, garbage, a start beyond the end) → Unsatisfiable.
ByteRange evaluateRange(const QByteArray &rangeHeader, qint64 size);

// ComfyUI's origin-only middleware: a request carrying Host and Origin whose Host is a
// loopback name and whose Origin names another host (port compared only when both carry one)
// is refused with 403 and an empty body.
bool isCrossOriginRefused(const QHash<QByteArray, QByteArray> &headers);

QByteArray reasonPhrase(int status);
// "HTTP/1.1 <status> <reason>\r\n" + headers + "\r\n".
QByteArray responseHead(int status, const QList<QPair<QByteArray, QByteArray>> &headers);
// aiohttp's text for an HTTPException without a custom text: "404: Not Found".
QByteArray statusText(int status);

} // namespace comfyvideo::simulator::http
