#pragma once

#include "simulator/encodetask.h"
#include "simulator/executionplan.h"
#include "simulator/nodeevaluator.h"
#include "simulator/promptqueue.h"
#include "simulator/simulatorconfig.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <memory>
#include <optional>

namespace comfyvideo::simulator {

class FaultSet;
class FrameRenderer;
class NodeSchemas;
class WsHub;

// What the worker hands to the history when a prompt ends.
struct ExecutionResult
{
    QString promptId;
    QString statusStr; // "success" / "error"
    bool completed = false;
    QJsonArray messages; // [[event, data], ...]
    QJsonObject outputs; // node id -> UI dict
    QJsonObject meta;    // node id -> {node_id, display_node, parent_node, real_node_id}
};

// Runs one prompt at a time as ComfyUI's executor does, without blocking the event loop:
// dependency order, the previous prompt's cache, sampler steps on a timer with previews,
// encoding on a worker thread, and the WebSocket messages of reference §3.4 in their order.
class Executor : public QObject
{
    Q_OBJECT
public:
    Executor(const SimulatorConfig &config,
             const NodeSchemas *schemas,
             WsHub *hub,
             const FaultSet *faults,
             DataDirs dirs,
             QObject *parent = nullptr);
    ~Executor() override;

    void start(const QueueItem &item);
    bool isRunning() const { return m_run != nullptr; }
    QString runningPromptId() const;
    // The node the running prompt of this client executes now (for reconnects).
    std::optional<QString> executingNodeFor(const QString &sid) const;
    void interrupt();  // noticed at the next step, frame or node start
    void abort();      // restart: drop the running prompt without any message
    void clearCache(); // POST /free {"free_memory": true}

signals:
    void finished(const comfyvideo::simulator::ExecutionResult &result);

private:
    struct CacheEntry
    {
        NodeOutputs outputs;
        std::optional<QJsonObject> ui;
    };
    struct NodeProgress
    {
        double value = 0;
        double max = 1;
        QString state;
    };
    struct Run;

    // executor.cpp: the flow
    void runNext();
    void schedule(int ms, void (Executor::*step)());
    void beginNode(const QString &id);
    void replayCached(const QString &id);
    void completeNode(const QString &id,
                      const NodeOutputs &outputs,
                      const std::optional<QJsonObject> &ui);
    void fail(const QString &id,
              const QString &type,
              const QString &message,
              const QJsonArray &traceback);
    void interrupted(const QString &id);
    void succeed();
    void finish(const QString &statusStr, bool completed);
    void dropEncode();

    // executornodes.cpp: nodes that take time
    void runSampler(const QString &id, const NodeInputs &in);
    void samplerStep();
    void sendPreview(int step, int steps);
    void runSaver(const QString &id, const NodeInputs &in);
    void startEncode(const QString &id, EncodeRequest request, QJsonObject ui, bool progress);
    void runLoadVideo(const QString &id, const NodeInputs &in);
    void failOutOfMemory(const QString &id, const NodeInputs &in);
    QJsonObject applyHostileNames(QJsonObject ui) const;

    // messages
    void toClient(const QString &type, const QJsonObject &data);
    void record(const QString &type, const QJsonObject &data);
    QJsonObject stamped(QJsonObject data) const;
    void setProgress(const QString &id, double value, double max, const QString &state);
    void sendProgressState();
    void sendProgress(const QString &id, int value, int max);

    SimulatorConfig m_config;
    const NodeSchemas *m_schemas;
    WsHub *m_hub;
    const FaultSet *m_faults;
    DataDirs m_dirs;
    std::unique_ptr<Run> m_run;
    std::unique_ptr<EncodeTask> m_encode;
    QHash<QByteArray, CacheEntry> m_cache;
    quint64 m_generation = 0;
};

} // namespace comfyvideo::simulator
