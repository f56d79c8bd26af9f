#pragma once

#include <QString>

namespace comfyvideo::errors {

// Replaces secrets in a text with "[redacted]" so it can be stored, logged and copied:
// - HTTP header lines and JSON keys named Authorization, Proxy-Authorization, Cookie,
//   Set-Cookie, X-Api-Key, X-Goog-Api-Key, X-Comfy-Credential-Key (the value up to the line end
//   or the closing quote);
// - "Bearer <token>" and "Basic <credentials>" anywhere;
// - query/form/JSON parameters token, access_token, api_key, apikey, key, password, secret,
//   credential_key, auth_token_comfy_org, api_key_comfy_org (value up to &, space or quote);
// - the password in a URL's user info (scheme://user:password@host);
// - Replicate (r8_...) and Google (AIza...) API keys.
QString redactSecrets(const QString &text);

// The placeholder that replaces a secret.
inline constexpr QLatin1StringView RedactedPlaceholder{"[redacted]"};

} // namespace comfyvideo::errors
