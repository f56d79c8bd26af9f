#include "simoptions.h"
#include "simulator/comfysimulator.h"

#include <QCoreApplication>
#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("comfyui-sim"));
    const auto options = comfyvideo::app::parseSimOptions(QCoreApplication::arguments());
    if (!options) {
        std::fprintf(stderr, "%s\n", qPrintable(options.error()));
        return 2;
    }
    comfyvideo::simulator::ComfySimulator simulator(options->config);
    if (!simulator.listen(QHostAddress::LocalHost, options->port)) {
        std::fprintf(stderr,
                     "%s\n",
                     qPrintable(QCoreApplication::translate("main", "cannot listen: %1")
                                        .arg(simulator.errorString())));
        return 1;
    }
    // "listening on http://127.0.0.1:PORT" (https with --tls-cert): always the first line.
    std::printf("listening on %s\n", qPrintable(simulator.baseUrl().toString()));
    std::fflush(stdout);
    return QCoreApplication::exec();
}
