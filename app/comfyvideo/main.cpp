#include "common/version.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QString::fromLatin1(comfyvideo::ApplicationName));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(comfyvideo::ApplicationVersion));
    return 0;
}
