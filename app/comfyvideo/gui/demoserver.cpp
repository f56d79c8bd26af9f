#include "gui/demoserver.h"

#include "simulator/comfysimulator.h"

#include <QDir>

namespace comfyvideo::gui {

DemoServer::DemoServer(QString dataDir, QObject *parent)
    : QObject(parent)
    , m_dataDir(std::move(dataDir))
{}

DemoServer::~DemoServer() = default;

bool DemoServer::start()
{
    if (m_simulator)
        return true;
    if (!QDir().mkpath(m_dataDir)) {
        m_error = tr("The demo server cannot create its folder %1.")
                          .arg(QDir::toNativeSeparators(m_dataDir));
        return false;
    }
    simulator::SimulatorConfig config;
    config.dataDir = m_dataDir;
    config.stepMs = StepMs;
    config.previews = true;
    auto simulator = std::make_unique<simulator::ComfySimulator>(config);
    if (!simulator->listen(QHostAddress::LocalHost, 0)) {
        m_error = tr("The demo server cannot listen on 127.0.0.1: %1")
                          .arg(simulator->errorString());
        return false;
    }
    m_simulator = std::move(simulator);
    return true;
}

QUrl DemoServer::baseUrl() const
{
    return m_simulator ? m_simulator->baseUrl() : QUrl();
}

} // namespace comfyvideo::gui
