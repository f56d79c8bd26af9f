#pragma once

#include "common/secretstore.h"

#include <QHash>

namespace comfyvideo::common {

// A SecretStore held in memory, for tests and for sessions that must not persist secrets.
class InMemorySecretStore final : public SecretStore
{
public:
    std::optional<QString> secret(const QString &id) const override
    {
        const auto it = m_secrets.constFind(id);
        if (it == m_secrets.constEnd())
            return std::nullopt;
        return *it;
    }
    void setSecret(const QString &id, const QString &value) { m_secrets.insert(id, value); }
    void removeSecret(const QString &id) { m_secrets.remove(id); }

private:
    QHash<QString, QString> m_secrets;
};

} // namespace comfyvideo::common
