#include "simulator/comfysimulator.h"

#include "common/logging.h"
#include "simulator/faults.h"
#include "simulator/wshub.h"

#include <QDir>
#include <QTimer>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace comfyvideo::simulator {

ComfySimulator::ComfySimulator(SimulatorConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_schemas(m_config)
    , m_http(std::make_unique<HttpServer>())
    , m_history(m_config.maxHistory)
{
    const QDir root(m_config.dataDir);
    m_dirs = {root.absoluteFilePath(u"input"_s),
              root.absoluteFilePath(u"output"_s),
              root.absoluteFilePath(u"temp"_s)};
    for (const QString &dir : {m_dirs.input, m_dirs.output, m_dirs.temp})
        QDir().mkpath(dir);
    for (const QString &spec : std::as_const(m_config.faults)) {
        if (auto added = m_http->faults().add(spec); !added)
            qCWarning(lcSimulator) << "ignoring fault" << spec << added.error();
    }
    if (!m_config.tlsCertificateFile.isEmpty() || !m_config.tlsKeyFile.isEmpty())
        m_http->setTlsFiles(m_config.tlsCertificateFile, m_config.tlsKeyFile);
    m_hub = std::make_unique<WsHub>(m_config, &m_http->faults());
    m_executor = std::make_unique<Executor>(
            m_config, &m_schemas, m_hub.get(), &m_http->faults(), m_dirs);
    m_hub->setQueueRemaining([this] { return m_queue.remaining(); });
    m_hub->setExecutingNodeFor(
            [this](const QString &sid) { return m_executor->executingNodeFor(sid); });
    connect(m_http.get(), &HttpServer::webSocketConnected, m_hub.get(), &WsHub::addSocket);
    connect(m_executor.get(), &Executor::finished, this, &ComfySimulator::onExecutionFinished);
    registerPromptRoutes();
    registerHistoryRoutes();
    registerFileRoutes();
    registerInfoRoutes();
    if (m_config.controlRoutes)
        registerControlRoutes();
}

ComfySimulator::~ComfySimulator()
{
    m_executor->abort();
}

bool ComfySimulator::listen(const QHostAddress &address, quint16 port)
{
    return m_http->listen(address, port);
}

quint16 ComfySimulator::port() const
{
    return m_http->port();
}

QUrl ComfySimulator::baseUrl() const
{
    return QUrl(u"%1://127.0.0.1:%2"_s.arg(m_http->isTls() ? u"https"_s : u"http"_s).arg(port()));
}

QString ComfySimulator::errorString() const
{
    return m_http->errorString();
}

FaultSet &ComfySimulator::faults()
{
    return m_http->faults();
}

QStringList ComfySimulator::inputFiles() const
{
    return QDir(m_dirs.input).entryList(QDir::Files, QDir::Name);
}

QString ComfySimulator::directoryForType(const QString &type) const
{
    if (type == u"input")
        return m_dirs.input;
    if (type == u"output")
        return m_dirs.output;
    if (type == u"temp")
        return m_dirs.temp;
    return {};
}

void ComfySimulator::queueChanged()
{
    m_hub->broadcastStatus(m_queue.remaining());
}

void ComfySimulator::tryStartNext()
{
    if (m_executor->isRunning())
        return;
    const auto item = m_queue.take();
    if (!item)
        return;
    queueChanged(); // the worker took it; running still counts as remaining
    m_executor->start(*item);
}

void ComfySimulator::onExecutionFinished(const ExecutionResult &result)
{
    const auto running = m_queue.running();
    if (!running || running->promptId != result.promptId)
        return;
    QJsonObject entry{{u"prompt"_s, running->toJson()},
                      {u"outputs"_s, result.outputs},
                      {u"status"_s,
                       QJsonObject{{u"status_str"_s, result.statusStr},
                                   {u"completed"_s, result.completed},
                                   {u"messages"_s, result.messages}}}};
    if (!m_config.legacy())
        entry.insert(u"meta"_s, result.meta);
    m_history.add(result.promptId, entry);
    m_queue.finishRunning();
    queueChanged();
    if (!running->clientId().isEmpty()) {
        m_hub->send(running->clientId(),
                    WsHub::message(u"executing"_s,
                                   {{u"node"_s, QJsonValue()}, {u"prompt_id"_s, result.promptId}}));
    }
    if (m_freePending) {
        m_freePending = false;
        m_executor->clearCache();
    }
    ++m_finishedSinceRestart;
    const auto restartFault = faults().find(u"restart"_s);
    if (restartFault && m_finishedSinceRestart >= restartFault->value) {
        QTimer::singleShot(0, this, &ComfySimulator::restart);
        return;
    }
    QTimer::singleShot(0, this, &ComfySimulator::tryStartNext);
}

void ComfySimulator::restart()
{
    qCInfo(lcSimulator) << "simulated restart: forgetting queue and history";
    m_executor->abort();
    m_executor->clearCache();
    m_queue.reset();
    m_history.clear();
    m_counter = 0;
    m_finishedSinceRestart = 0;
    m_freePending = false;
    m_hub->closeAll();
    m_http->dropAllConnections();
}

} // namespace comfyvideo::simulator
