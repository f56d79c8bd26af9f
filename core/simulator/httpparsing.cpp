#include "simulator/httpparsing.h"

#include <QByteArrayList>
#include <QHostAddress>
#include <QUrl>

namespace comfyvideo::simulator::http {

namespace {

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::ranges::all_of(text, isTokenChar);
}

bool isDigits(QByteArrayView text)
{
    return !text.isEmpty()
           && std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
}

ParseError badRequest(const char *detail)
{
    return {400, statusText(400) + "\n\n" + detail};
}

// Lowercased comma-separated tokens of a header value ("keep-alive, Upgrade").
QByteArrayList headerTokens(const QByteArray &value)
{
    QByteArrayList tokens;
    for (const QByteArray &part : value.split(','))
        tokens.append(part.trimmed().toLower());
    return tokens;
}

std::expected<void, ParseError> parseRequestLine(const QByteArray &line, RequestHead &head)
{
    const QByteArrayList parts = line.split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)))
        return std::unexpected(badRequest("Bad request line"));
    const QByteArray &version = parts.at(2);
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return std::unexpected(badRequest("Unsupported HTTP version"));
    head.rawTarget = parts.at(1);
    if (!head.rawTarget.startsWith('/'))
        return std::unexpected(badRequest("Bad request target"));
    head.request.method = parts.at(0);
    head.keepAlive = version == "HTTP/1.1"; // adjusted by the Connection header later

    QByteArray target = head.rawTarget;
    if (const qsizetype hash = target.indexOf('#'); hash >= 0)
        target.truncate(hash);
    const qsizetype question = target.indexOf('?');
    head.request.path
            = QUrl::fromPercentEncoding(target.left(question < 0 ? target.size() : question));
    if (question >= 0)
        head.request.query = decodeQuery(target.mid(question + 1));
    return {};
}

std::expected<void, ParseError> parseHeaderLine(const QByteArray &line, RequestHead &head)
{
    if (line.startsWith(' ') || line.startsWith('\t'))
        return std::unexpected(badRequest("Folded header lines are not supported"));
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
        return std::unexpected(badRequest("Invalid header line"));
    const QByteArray name = line.left(colon).toLower();
    const QByteArray value = line.mid(colon + 1).trimmed();
    auto &headers = head.request.headers;
    if (name == "content-length" && headers.contains(name) && headers.value(name) != value)
        return std::unexpected(badRequest("Conflicting Content-Length headers"));
    if (headers.contains(name) && name != "content-length")
        headers[name] += ", " + value;
    else
        headers.insert(name, value);
    return {};
}

std::expected<void, ParseError> evaluateHeaders(RequestHead &head, qint64 maxBodySize)
{
    const auto &headers = head.request.headers;
    if (headers.contains("transfer-encoding"))
        return std::unexpected(
                ParseError{501, statusText(501) + "\n\nTransfer-Encoding is not supported"});
    if (headers.contains("content-length")) {
        const QByteArray text = headers.value("content-length");
        bool ok = false;
        const qint64 length = text.toLongLong(&ok);
        if (!isDigits(text) || !ok)
            return std::unexpected(badRequest("Invalid Content-Length"));
        if (length > maxBodySize) {
            return std::unexpected(ParseError{
                    413,
                    "Maximum request body size " + QByteArray::number(maxBodySize)
                            + " exceeded, actual body size " + QByteArray::number(length)});
        }
        head.contentLength = length;
    }
    const QByteArrayList connection = headerTokens(headers.value("connection"));
    if (connection.contains("close"))
        head.keepAlive = false;
    else if (connection.contains("keep-alive"))
        head.keepAlive = true;
    head.webSocketUpgrade = connection.contains("upgrade")
                            && headerTokens(headers.value("upgrade")).contains("websocket");
    head.expectContinue = headers.value("expect").toLower() == "100-continue";
    return {};
}

} // namespace

std::expected<RequestHead, ParseError> parseRequestHead(const QByteArray &head, qint64 maxBodySize)
{
    RequestHead result;
    const QByteArrayList lines = head.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        if (!line.endsWith('\r') && i + 1 < lines.size())
            return std::unexpected(badRequest("Bare LF in the request head"));
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.contains('\r') || line.contains('\0'))
            return std::unexpected(badRequest("Invalid character in the request head"));
        const auto parsed = i == 0 ? parseRequestLine(line, result) : parseHeaderLine(line, result);
        if (!parsed)
            return std::unexpected(parsed.error());
    }
    if (const auto evaluated = evaluateHeaders(result, maxBodySize); !evaluated)
        return std::unexpected(evaluated.error());
    return result;
}

QUrlQuery decodeQuery(const QByteArray &rawQuery)
{
    QByteArray query = rawQuery;
    query.replace('+', "%20");
    return QUrlQuery(QString::fromUtf8(query));
}

ByteRange evaluateRange(const QByteArray &rangeHeader, qint64 size)
{
    const ByteRange unsatisfiable{ByteRange::Kind::Unsatisfiable, 0, -1};
    if (rangeHeader.isNull())
        return {};
    const QByteArray spec = rangeHeader.trimmed();
    if (!spec.startsWith("bytes="))
        return unsatisfiable;
    const QByteArray range = spec.mid(6);
    const qsizetype dash = range.indexOf('-');
    if (dash < 0)
        return unsatisfiable;
    const QByteArray startText = range.left(dash);
    const QByteArray endText = range.mid(dash + 1);
    if ((!startText.isEmpty() && !isDigits(startText)) || (!endText.isEmpty() && !isDigits(endText))
        || (startText.isEmpty() && endText.isEmpty())) {
        return unsatisfiable;
    }
    bool startOk = true;
    bool endOk = true;
    const qint64 start = startText.isEmpty() ? 0 : startText.toLongLong(&startOk);
    const qint64 end = endText.isEmpty() ? 0 : endText.toLongLong(&endOk);
    if (!startOk || !endOk)
        return unsatisfiable;
    ByteRange result{ByteRange::Kind::Partial, start, size - 1};
    if (startText.isEmpty()) { // suffix: the last `end` bytes
        result.first = end >= size ? 0 : size - end;
    } else if (!endText.isEmpty()) {
        if (start > end)
            return unsatisfiable;
        result.last = std::min(end, size - 1);
    }
    if (result.first >= size)
        return unsatisfiable;
    return result;
}

bool isCrossOriginRefused(const QHash<QByteArray, QByteArray> &headers)
{
    if (!headers.contains("host") || !headers.contains("origin"))
        return false;
    const QUrl host = QUrl::fromEncoded("//" + headers.value("host").toLower());
    const QUrl origin = QUrl::fromEncoded(headers.value("origin").toLower());
    const QString hostName = host.host();
    if (hostName != u"localhost" && !QHostAddress(hostName).isLoopback())
        return false;
    const auto domain = [](const QUrl &url, bool withPort) {
        return withPort && url.port() >= 0 ? url.host() + u':' + QString::number(url.port())
                                           : url.host();
    };
    const bool comparePorts = host.port() >= 0 && origin.port() >= 0;
    const QString hostDomain = domain(host, comparePorts);
    const QString originDomain = domain(origin, comparePorts);
    return !hostDomain.isEmpty() && !originDomain.isEmpty() && hostDomain != originDomain;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Request Entity Too Large";
    case 414:
        return "Request-URI Too Long";
    case 416:
        return "Requested Range Not Satisfiable";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

QByteArray responseHead(int status, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QByteArray head
            = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto &[name, value] : headers)
        head += name + ": " + value + "\r\n";
    head += "\r\n";
    return head;
}

QByteArray statusText(int status)
{
    return QByteArray::number(status) + ": " + reasonPhrase(status);
}

} // namespace comfyvideo::simulator::http
