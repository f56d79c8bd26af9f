#include "cli/commandline.h"
#include "common/version.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QString::fromLatin1(comfyvideo::ApplicationName));
    QCoreApplication::setOrganizationName(QString::fromLatin1(comfyvideo::OrganizationName));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(comfyvideo::ApplicationVersion));

    QTextStream out(stdout);
    QTextStream err(stderr);
    comfyvideo::cli::Console console{out, err};
    return comfyvideo::cli::runCommandLine(QCoreApplication::arguments(), console);
}
