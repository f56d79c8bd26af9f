// cv_screenshots OUT_DIR: the window in its main states as PNGs (run by scripts/screenshots
// under Xvfb). Starts comfyui-sim with slow steps and an OOM limit, opens the real window
// (GuiApp) on it with a throw-away data dir and settings, and lets ScreenshotDriver work.
#include "fakes/simprocess.h"
#include "gui/guiapp.h"
#include "tools/screenshots/screenshotdriver.h"
#include "window/mainwindow.h"

#include <QApplication>
#include <QScreen>
#include <QTemporaryDir>
#include <cstdio>

using namespace comfyvideo;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ComfyVideo"));
    const QStringList args = QApplication::arguments();
    const QString outDir = args.value(1, QStringLiteral("screenshots"));

    QTemporaryDir temp;
    tests::SimProcess sim({QStringLiteral("--step-ms"),
                           QStringLiteral("250"),
                           QStringLiteral("--fault"),
                           QStringLiteral("oom:limit=%1").arg(512 * 512 * 16)});
    if (!temp.isValid() || !sim.start()) {
        std::fprintf(stderr, "cannot start comfyui-sim: %s\n", qPrintable(sim.errorOutput()));
        return 1;
    }
    gui::GuiOptions options;
    options.server = sim.baseUrl();
    options.dataDir = temp.filePath(QStringLiteral("data"));
    options.settingsFile = temp.filePath(QStringLiteral("settings.ini"));
    gui::GuiApp gui(options);
    gui.start();
    if (QScreen *screen = gui.window()->screen()) {
        const QRect available = screen->availableGeometry();
        gui.window()->setGeometry(
                available.adjusted(0, 0, -available.width() / 20, -available.height() / 20));
    }

    tests::ScreenshotDriver driver(&gui, outDir);
    int status = 0;
    QObject::connect(&driver,
                     &tests::ScreenshotDriver::finished,
                     &app,
                     [&](bool ok, const QString &message) {
                         for (const QString &path : driver.written())
                             std::printf("%s\n", qPrintable(path));
                         if (!ok) {
                             std::fprintf(stderr, "screenshots: %s\n", qPrintable(message));
                             status = 1;
                         }
                         app.quit();
                     });
    driver.start();
    app.exec();
    return status;
}
