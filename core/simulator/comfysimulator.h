#pragma once

#include "simulator/executor.h"
#include "simulator/history.h"
#include "simulator/httpserver.h"
#include "simulator/nodeevaluator.h"
#include "simulator/nodeschemas.h"
#include "simulator/promptqueue.h"
#include "simulator/simulatorconfig.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>
#include <memory>

namespace comfyvideo::simulator {

class WsHub;

// A ComfyUI-protocol server on a loopback port: HTTP routes, /ws, queue, executor, history.
// Usable in-process (the GUI's demo mode): construct, listen(), then talk to baseUrl().
class ComfySimulator : public QObject
{
    Q_OBJECT
public:
    explicit ComfySimulator(SimulatorConfig config, QObject *parent = nullptr);
    ~ComfySimulator() override;

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    quint16 port() const;
    QUrl baseUrl() const;
    QString errorString() const;

    FaultSet &faults();
    const SimulatorConfig &config() const { return m_config; }
    // Forgets queue, history and cache and drops every connection, like a server restart.
    void restart();

private:
    void registerPromptRoutes();
    void registerHistoryRoutes();
    void registerFileRoutes();
    void registerInfoRoutes();
    void registerControlRoutes();

    HttpResponse postPrompt(const HttpRequest &request);
    HttpResponse postQueue(const HttpRequest &request);
    HttpResponse postInterrupt(const HttpRequest &request);
    HttpResponse getView(const HttpRequest &request) const;
    HttpResponse postUpload(const HttpRequest &request);
    HttpResponse systemStats() const;

    void queueChanged();
    void tryStartNext();
    void onExecutionFinished(const ExecutionResult &result);
    QStringList inputFiles() const;
    QString directoryForType(const QString &type) const; // empty for unknown types

    SimulatorConfig m_config;
    DataDirs m_dirs;
    NodeSchemas m_schemas;
    std::unique_ptr<HttpServer> m_http;
    std::unique_ptr<WsHub> m_hub;
    std::unique_ptr<Executor> m_executor;
    PromptQueue m_queue;
    History m_history;
    int m_counter = 0;
    int m_finishedSinceRestart = 0;
    bool m_freePending = false;
};

} // namespace comfyvideo::simulator
