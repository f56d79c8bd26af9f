#include "fakes/testpki.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace comfyvideo::tests {

bool TestPki::openssl(const QStringList &arguments, QString *error) const
{
    QProcess process;
    process.setWorkingDirectory(m_dir.path());
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(u"openssl"_s, arguments);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        *error = u"openssl %1: %2 %3"_s.arg(arguments.join(u' '),
                                            process.errorString(),
                                            QString::fromLocal8Bit(process.readAll()));
        return false;
    }
    return true;
}

bool TestPki::makeCa(const QString &name, QString *error) const
{
    return openssl({u"req"_s,
                    u"-x509"_s,
                    u"-newkey"_s,
                    u"ec"_s,
                    u"-pkeyopt"_s,
                    u"ec_paramgen_curve:prime256v1"_s,
                    u"-nodes"_s,
                    u"-keyout"_s,
                    name + u".key"_s,
                    u"-out"_s,
                    name + u".pem"_s,
                    u"-days"_s,
                    u"2"_s,
                    u"-subj"_s,
                    u"/CN=ComfyVideo test CA "_s + name,
                    u"-addext"_s,
                    u"basicConstraints=critical,CA:TRUE"_s,
                    u"-addext"_s,
                    u"keyUsage=critical,keyCertSign,cRLSign"_s},
                   error);
}

bool TestPki::makeServer(const QString &name, const QString &subjectAltName, QString *error) const
{
    QFile extensions(path(name + u".ext"_s));
    if (!extensions.open(QIODevice::WriteOnly))
        return false;
    extensions.write("subjectAltName=" + subjectAltName.toLatin1()
                     + "\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                       "extendedKeyUsage=serverAuth\n");
    extensions.close();
    // The common name is no host name: only the subjectAltName may match.
    return openssl({u"req"_s,
                    u"-newkey"_s,
                    u"ec"_s,
                    u"-pkeyopt"_s,
                    u"ec_paramgen_curve:prime256v1"_s,
                    u"-nodes"_s,
                    u"-keyout"_s,
                    name + u".key"_s,
                    u"-out"_s,
                    name + u".csr"_s,
                    u"-subj"_s,
                    u"/CN=ComfyVideo test server"_s},
                   error)
           && openssl({u"x509"_s,
                       u"-req"_s,
                       u"-in"_s,
                       name + u".csr"_s,
                       u"-CA"_s,
                       u"ca.pem"_s,
                       u"-CAkey"_s,
                       u"ca.key"_s,
                       u"-CAcreateserial"_s,
                       u"-days"_s,
                       u"2"_s,
                       u"-out"_s,
                       name + u".pem"_s,
                       u"-extfile"_s,
                       name + u".ext"_s},
                      error);
}

bool TestPki::generate(QString *error)
{
    if (!m_dir.isValid()) {
        *error = u"no temporary folder"_s;
        return false;
    }
    if (QStandardPaths::findExecutable(u"openssl"_s).isEmpty()) {
        *error = u"the openssl command is needed to make test certificates"_s;
        return false;
    }
    return makeCa(u"ca"_s, error) && makeCa(u"other-ca"_s, error)
           && makeServer(u"ip"_s, u"IP:127.0.0.1"_s, error)
           && makeServer(u"dns"_s, u"DNS:localhost"_s, error);
}

} // namespace comfyvideo::tests
