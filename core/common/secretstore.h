#pragma once

#include <QString>
#include <optional>

namespace comfyvideo::common {

// Where secrets (API tokens, passwords) live. The keychain implementation belongs to storage;
// InMemorySecretStore (inmemorysecretstore.h) serves tests. Implementations never log values.
class SecretStore
{
public:
    virtual ~SecretStore() = default;
    // The secret stored under `id`, or nothing when there is none.
    virtual std::optional<QString> secret(const QString &id) const = 0;
};

} // namespace comfyvideo::common
