#include "cli/commandline.h"
#include "common/version.h"

#include <QCoreApplication>
#include <QTextStream>

#if COMFYVIDEO_WITH_WINDOW
#include "gui/guiapp.h"
#include "gui/guioptions.h"

#include <QApplication>
#endif

namespace {

#if COMFYVIDEO_WITH_WINDOW
QStringList argumentList(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    return arguments;
}

// Without a command: the window. Options are checked before QApplication exists, so a bad
// option is reported (exit 2) even where no display is available.
int runWindow(int argc, char *argv[])
{
    using comfyvideo::gui::GuiOptions;
    const auto options = GuiOptions::parse(argumentList(argc, argv));
    if (!options) {
        QTextStream err(stderr);
        err << options.error() << '\n'
            << QCoreApplication::translate("CommandLine",
                                           "Run 'comfyvideo --help' to see the commands.")
            << '\n';
        return 2;
    }
    QApplication app(argc, argv);
    comfyvideo::gui::GuiApp gui(*options);
    gui.start();
    return app.exec();
}
#endif

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setApplicationName(QString::fromLatin1(comfyvideo::ApplicationName));
    QCoreApplication::setOrganizationName(QString::fromLatin1(comfyvideo::OrganizationName));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(comfyvideo::ApplicationVersion));

#if COMFYVIDEO_WITH_WINDOW
    if (comfyvideo::gui::GuiOptions::wantsWindow(argumentList(argc, argv)))
        return runWindow(argc, argv);
#endif

    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    comfyvideo::cli::Console console{out, err};
    return comfyvideo::cli::runCommandLine(QCoreApplication::arguments(), console);
}
