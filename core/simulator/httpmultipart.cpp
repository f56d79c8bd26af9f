// parseMultipart() of httpserver.h: multipart/form-data bodies (RFC 7578), binary-safe.
#include "simulator/httpserver.h"

#include <QByteArrayList>
#include <QCoreApplication>
#include <QUrl>

namespace comfyvideo::simulator {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Multipart", text);
}

// Parameters of a header value such as `form-data; name="image"; filename="a b.png"`.
// Names are lowercased; quoted strings are unquoted (backslash escapes honoured).
QHash<QByteArray, QByteArray> headerParameters(const QByteArray &value)
{
    QHash<QByteArray, QByteArray> params;
    qsizetype i = value.indexOf(';');
    while (i >= 0 && i < value.size()) {
        ++i; // skip ';'
        while (i < value.size() && (value.at(i) == ' ' || value.at(i) == '\t'))
            ++i;
        const qsizetype eq = value.indexOf('=', i);
        const qsizetype semi = value.indexOf(';', i);
        if (eq < 0 || (semi >= 0 && semi < eq)) { // a flag without value
            i = semi;
            continue;
        }
        const QByteArray name = value.mid(i, eq - i).trimmed().toLower();
        QByteArray param;
        i = eq + 1;
        if (i < value.size() && value.at(i) == '"') {
            for (++i; i < value.size() && value.at(i) != '"'; ++i) {
                if (value.at(i) == '\\' && i + 1 < value.size())
                    ++i;
                param += value.at(i);
            }
            i = value.indexOf(';', i);
        } else {
            const qsizetype end = value.indexOf(';', i);
            param = value.mid(i, end < 0 ? -1 : end - i).trimmed();
            i = end;
        }
        params.insert(name, param);
    }
    return params;
}

// RFC 5987 ext-value: charset'language'percent-encoded.
QString decodeExtValue(const QByteArray &value)
{
    const QByteArrayList parts = value.split('\'');
    if (parts.size() != 3)
        return QString::fromUtf8(value);
    const QByteArray bytes = QByteArray::fromPercentEncoding(parts.at(2));
    if (parts.at(0).toLower() == "iso-8859-1")
        return QString::fromLatin1(bytes);
    return QString::fromUtf8(bytes);
}

std::expected<MultipartPart, QString> parsePart(const QByteArray &raw)
{
    const qsizetype headEnd = raw.startsWith("\r\n") ? -1 : raw.indexOf("\r\n\r\n");
    if (headEnd < 0 && !raw.startsWith("\r\n"))
        return std::unexpected(tr("a multipart part has no header block"));
    const QByteArray head = headEnd < 0 ? QByteArray() : raw.left(headEnd);
    MultipartPart part;
    part.data = headEnd < 0 ? raw.mid(2) : raw.mid(headEnd + 4);
    bool hasDisposition = false;
    for (const QByteArray &line : head.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        const qsizetype colon = trimmed.indexOf(':');
        if (trimmed.isEmpty())
            continue;
        if (colon <= 0)
            return std::unexpected(tr("a multipart part has an invalid header line"));
        const QByteArray name = trimmed.left(colon).trimmed().toLower();
        const QByteArray value = trimmed.mid(colon + 1).trimmed();
        if (name == "content-type") {
            part.contentType = value;
        } else if (name == "content-disposition") {
            hasDisposition = true;
            const auto params = headerParameters(value);
            part.name = params.value("name");
            if (params.contains("filename*"))
                part.filename = decodeExtValue(params.value("filename*"));
            else if (params.contains("filename"))
                part.filename = QString::fromUtf8(params.value("filename"));
        }
    }
    if (!hasDisposition)
        return std::unexpected(tr("a multipart part has no Content-Disposition"));
    return part;
}

std::expected<QByteArray, QString> boundaryOf(const QByteArray &contentType)
{
    const QByteArray type = contentType.left(contentType.indexOf(';')).trimmed().toLower();
    if (!type.startsWith("multipart/"))
        return std::unexpected(tr("the request is not multipart (Content-Type: %1)")
                                       .arg(QString::fromLatin1(contentType)));
    const QByteArray boundary = headerParameters(contentType).value("boundary");
    if (boundary.isEmpty() || boundary.size() > 200)
        return std::unexpected(tr("the multipart Content-Type has no valid boundary"));
    return boundary;
}

} // namespace

std::expected<QList<MultipartPart>, QString> parseMultipart(const HttpRequest &request)
{
    const auto boundary = boundaryOf(request.header("content-type"));
    if (!boundary)
        return std::unexpected(boundary.error());
    const QByteArray &body = request.body;
    const QByteArray delimiter = "--" + *boundary;
    const QByteArray separator = "\r\n" + delimiter;
    qsizetype pos = body.startsWith(delimiter) ? 0 : body.indexOf(separator);
    if (pos < 0)
        return std::unexpected(tr("the multipart body has no boundary line"));
    pos += pos == 0 && body.startsWith(delimiter) ? delimiter.size() : separator.size();
    QList<MultipartPart> parts;
    while (true) {
        if (QByteArrayView(body).sliced(pos).startsWith("--"))
            return parts; // closing delimiter; the epilogue is ignored
        while (pos < body.size() && (body.at(pos) == ' ' || body.at(pos) == '\t'))
            ++pos; // transport padding
        if (!QByteArrayView(body).sliced(pos).startsWith("\r\n"))
            return std::unexpected(tr("the multipart body is malformed after a boundary"));
        pos += 2;
        const qsizetype next = body.indexOf(separator, pos);
        if (next < 0)
            return std::unexpected(tr("the multipart body is truncated (no closing boundary)"));
        auto part = parsePart(body.mid(pos, next - pos));
        if (!part)
            return std::unexpected(part.error());
        parts.append(std::move(*part));
        pos = next + separator.size();
    }
}

} // namespace comfyvideo::simulator
