#pragma once

#include "simulator/simulatorconfig.h"

#include <QString>
#include <QStringList>
#include <expected>

namespace comfyvideo::app {

struct SimOptions
{
    simulator::SimulatorConfig config;
    quint16 port = 8188;
};

// Parses comfyui-sim's command line (argv without the program name is fine too).
std::expected<SimOptions, QString> parseSimOptions(const QStringList &arguments);

} // namespace comfyvideo::app
