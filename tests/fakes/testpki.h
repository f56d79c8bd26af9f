#pragma once

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace comfyvideo::tests {

// A throw-away PKI in a temporary folder, made with the openssl command: a CA (ca.pem), a second
// unrelated CA (other-ca.pem), a server certificate for IP:127.0.0.1 (ip.pem / ip.key) and one
// for DNS:localhost only (dns.pem / dns.key), both signed by the first CA. No key is committed.
class TestPki
{
public:
    bool generate(QString *error);

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString caFile() const { return path(QStringLiteral("ca.pem")); }
    QString otherCaFile() const { return path(QStringLiteral("other-ca.pem")); }

private:
    bool openssl(const QStringList &arguments, QString *error) const;
    bool makeCa(const QString &name, QString *error) const;
    bool makeServer(const QString &name, const QString &subjectAltName, QString *error) const;

    QTemporaryDir m_dir;
};

} // namespace comfyvideo::tests
