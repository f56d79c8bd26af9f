#include "errors/redaction.h"

#include <QRegularExpression>

#include <array>

namespace comfyvideo::errors {

namespace {

using namespace Qt::StringLiterals;

struct Rule
{
    QRegularExpression pattern;
    QString replacement; // "\\1" keeps the name part
};

const std::array<Rule, 6> &rules()
{
    static const auto options = QRegularExpression::CaseInsensitiveOption;
    static const QString headers
            = u"authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-goog-api-key"
              u"|x-comfy-credential-key"_s;
    static const QString params = u"token|access_token|refresh_token|api_key|apikey|key|password"
                                  u"|passwd|secret|client_secret|credential_key"
                                  u"|auth_token_comfy_org|api_key_comfy_org"_s;
    static const std::array<Rule, 6> list{{
            // "Authorization": "Bearer x"  /  'authorization': 'x'  (JSON / Python dicts)
            {QRegularExpression(u"([\"'](?:"_s + headers + u")[\"']\\s*:\\s*[\"'])[^\"']*"_s,
                                options),
             u"\\1[redacted]"_s},
            // Authorization: Bearer x   (header lines; value up to the end of the line)
            {QRegularExpression(u"(\\b(?:"_s + headers + u")\\s*:\\s*)[^\\r\\n\"']+"_s, options),
             u"\\1[redacted]"_s},
            // Bearer x / Basic x anywhere else
            {QRegularExpression(u"(\\b(?:bearer|basic)\\s+)(?!\\[redacted\\])[A-Za-z0-9._~+/=-]+"_s,
                                options),
             u"\\1[redacted]"_s},
            // token=x, "api_key": "x", password: x
            {QRegularExpression(
                     u"(\\b(?:"_s + params
                             + u")[\"']?\\s*[=:]\\s*[\"']?)(?!\\[redacted\\])[^&\\s\"',;}]+"_s,
                     options),
             u"\\1[redacted]"_s},
            // scheme://user:password@host
            {QRegularExpression(u"(\\b[a-z][a-z0-9+.-]*://[^/\\s:@]*:)[^@\\s/]+@"_s, options),
             u"\\1[redacted]@"_s},
            // Replicate and Google API keys
            {QRegularExpression(u"\\b(?:r8_[A-Za-z0-9]{20,}|AIza[0-9A-Za-z_-]{30,})"_s),
             u"[redacted]"_s},
    }};
    return list;
}

} // namespace

QString redactSecrets(const QString &text)
{
    QString result = text;
    for (const Rule &rule : rules())
        result.replace(rule.pattern, rule.replacement);
    return result;
}

} // namespace comfyvideo::errors
