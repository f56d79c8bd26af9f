#include "comfy/jsonliterals.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace comfyvideo::comfy {

namespace {

class Scanner
{
public:
    explicit Scanner(const QByteArray &json)
        : m_json(json)
    {}

    QSet<QString> run()
    {
        value();
        return m_found;
    }

private:
    void skipSpace()
    {
        while (m_pos < m_json.size() && QByteArrayView(" \t\r\n").contains(m_json.at(m_pos)))
            ++m_pos;
    }

    char peek()
    {
        skipSpace();
        return m_pos < m_json.size() ? m_json.at(m_pos) : '\0';
    }

    bool value()
    {
        switch (peek()) {
        case '{':
            return object();
        case '[':
            return array();
        case '"':
            return string(nullptr);
        case '\0':
            return false;
        default:
            return scalar();
        }
    }

    bool object()
    {
        ++m_pos;
        if (peek() == '}') {
            ++m_pos;
            return true;
        }
        while (true) {
            QString key;
            if (peek() != '"' || !string(&key) || peek() != ':')
                return false;
            ++m_pos;
            m_path.append(key);
            const bool ok = value();
            m_path.removeLast();
            if (!ok)
                return false;
            const char next = peek();
            ++m_pos;
            if (next == '}')
                return true;
            if (next != ',')
                return false;
        }
    }

    bool array()
    {
        ++m_pos;
        if (peek() == ']') {
            ++m_pos;
            return true;
        }
        for (int index = 0;; ++index) {
            m_path.append(QString::number(index));
            const bool ok = value();
            m_path.removeLast();
            if (!ok)
                return false;
            const char next = peek();
            ++m_pos;
            if (next == ']')
                return true;
            if (next != ',')
                return false;
        }
    }

    bool string(QString *out)
    {
        const qsizetype start = m_pos++;
        bool escaped = false;
        while (m_pos < m_json.size() && m_json.at(m_pos) != '"') {
            if (m_json.at(m_pos) == '\\') {
                escaped = true;
                ++m_pos;
            }
            ++m_pos;
        }
        if (m_pos >= m_json.size())
            return false;
        ++m_pos;
        if (!out)
            return true;
        const QByteArray token = m_json.mid(start, m_pos - start);
        if (!escaped)
            *out = QString::fromUtf8(token.mid(1, token.size() - 2));
        else
            *out = QJsonDocument::fromJson('[' + token + ']').array().at(0).toString();
        return true;
    }

    bool scalar()
    {
        const qsizetype start = m_pos;
        while (m_pos < m_json.size() && !QByteArrayView(",]} \t\r\n").contains(m_json.at(m_pos)))
            ++m_pos;
        const QByteArrayView token(m_json.constData() + start, m_pos - start);
        if (token.isEmpty())
            return false;
        const char first = token.at(0);
        const bool isNumber = first == '-' || (first >= '0' && first <= '9');
        if (isNumber && (token.contains('.') || token.contains('e') || token.contains('E')))
            m_found.insert(jsonPath(m_path));
        return true;
    }

    const QByteArray &m_json;
    qsizetype m_pos = 0;
    QStringList m_path;
    QSet<QString> m_found;
};

} // namespace

QSet<QString> floatLiteralPaths(const QByteArray &json)
{
    return Scanner(json).run();
}

QString jsonPath(const QStringList &parts)
{
    return parts.join(QChar(0x1f));
}

} // namespace comfyvideo::comfy
