#pragma once

#include <QString>
#include <QTranslator>

// Marks every string of one translation context, to prove the messages go through translate().
class MarkingTranslator : public QTranslator
{
public:
    explicit MarkingTranslator(const char *context)
        : m_context(context)
    {}
    bool isEmpty() const override { return false; }
    QString translate(const char *context, const char *sourceText, const char *, int) const override
    {
        if (qstrcmp(context, m_context) != 0)
            return {};
        return QStringLiteral("[xx] ") + QString::fromUtf8(sourceText);
    }

private:
    const char *m_context;
};
