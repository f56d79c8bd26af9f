#include "simulator/jsonkeyorder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <memory>

namespace comfyvideo::simulator {

namespace {

struct KeyTree
{
    QStringList keys;
    QHash<QString, std::shared_ptr<KeyTree>> children;
};

// A small recursive-descent scanner that only records object keys (depth-limited).
class Scanner
{
public:
    explicit Scanner(const QByteArray &text)
        : m_text(text)
    {}

    bool value(KeyTree *tree, int depth)
    {
        skipSpace();
        if (depth > 64 || m_pos >= m_text.size())
            return false;
        const char c = m_text.at(m_pos);
        if (c == '{')
            return object(tree, depth);
        if (c == '[')
            return array(depth);
        if (c == '"') {
            QString ignored;
            return string(&ignored);
        }
        while (m_pos < m_text.size() && !QByteArrayView(",}] \t\r\n").contains(m_text.at(m_pos)))
            ++m_pos;
        return true;
    }

private:
    void skipSpace()
    {
        while (m_pos < m_text.size() && QByteArrayView(" \t\r\n").contains(m_text.at(m_pos)))
            ++m_pos;
    }

    bool string(QString *out)
    {
        const qsizetype start = m_pos++;
        while (m_pos < m_text.size() && m_text.at(m_pos) != '"')
            m_pos += m_text.at(m_pos) == '\\' ? 2 : 1;
        if (m_pos >= m_text.size())
            return false;
        ++m_pos;
        const QByteArray literal = '[' + m_text.mid(start, m_pos - start) + ']';
        *out = QJsonDocument::fromJson(literal).array().at(0).toString();
        return true;
    }

    bool object(KeyTree *tree, int depth)
    {
        ++m_pos;
        skipSpace();
        if (m_pos < m_text.size() && m_text.at(m_pos) == '}') {
            ++m_pos;
            return true;
        }
        while (m_pos < m_text.size()) {
            skipSpace();
            QString key;
            if (m_pos >= m_text.size() || m_text.at(m_pos) != '"' || !string(&key))
                return false;
            skipSpace();
            if (m_pos >= m_text.size() || m_text.at(m_pos) != ':')
                return false;
            ++m_pos;
            auto child = std::make_shared<KeyTree>();
            if (!value(child.get(), depth + 1))
                return false;
            if (tree) {
                tree->keys.append(key);
                tree->children.insert(key, child);
            }
            skipSpace();
            if (m_pos < m_text.size() && m_text.at(m_pos) == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text.at(m_pos) == '}') {
                ++m_pos;
                return true;
            }
            return false;
        }
        return false;
    }

    bool array(int depth)
    {
        ++m_pos;
        skipSpace();
        if (m_pos < m_text.size() && m_text.at(m_pos) == ']') {
            ++m_pos;
            return true;
        }
        while (m_pos < m_text.size()) {
            KeyTree ignored;
            if (!value(&ignored, depth + 1))
                return false;
            skipSpace();
            if (m_pos < m_text.size() && m_text.at(m_pos) == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text.at(m_pos) == ']') {
                ++m_pos;
                return true;
            }
            return false;
        }
        return false;
    }

    const QByteArray &m_text;
    qsizetype m_pos = 0;
};

} // namespace

PromptKeyOrder promptKeyOrder(const QByteArray &body)
{
    KeyTree root;
    Scanner scanner(body);
    if (!scanner.value(&root, 0))
        return {};
    const auto prompt = root.children.value(QStringLiteral("prompt"));
    if (!prompt)
        return {};
    PromptKeyOrder order;
    order.nodeIds = prompt->keys;
    for (const QString &id : std::as_const(prompt->keys)) {
        const auto node = prompt->children.value(id);
        const auto inputs = node ? node->children.value(QStringLiteral("inputs")) : nullptr;
        if (inputs)
            order.inputOrder.insert(id, inputs->keys);
    }
    return order;
}

} // namespace comfyvideo::simulator
