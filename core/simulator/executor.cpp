#include "simulator/executor.h"

#include "simulator/executorrun.h"

#include "simulator/faults.h"
#include "simulator/framerenderer.h"
#include "simulator/nodeschemas.h"
#include "simulator/wshub.h"

#include <QDateTime>
#include <QFileInfo>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace comfyvideo::simulator {

Executor::Executor(const SimulatorConfig &config,
                   const NodeSchemas *schemas,
                   WsHub *hub,
                   const FaultSet *faults,
                   DataDirs dirs,
                   QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_schemas(schemas)
    , m_hub(hub)
    , m_faults(faults)
    , m_dirs(std::move(dirs))
{}

Executor::~Executor() = default;

QString Executor::runningPromptId() const
{
    return m_run ? m_run->item.promptId : QString();
}

std::optional<QString> Executor::executingNodeFor(const QString &sid) const
{
    if (!m_run || m_run->current.isEmpty() || m_run->item.clientId() != sid)
        return std::nullopt;
    return m_run->current;
}

void Executor::interrupt()
{
    if (m_run)
        m_run->interruptRequested = true;
}

void Executor::abort()
{
    ++m_generation;
    dropEncode();
    m_run.reset();
}

void Executor::dropEncode()
{
    // Called from the task's own signals too: delete it later, never inside its emission.
    if (!m_encode)
        return;
    m_encode->cancel();
    m_encode->disconnect(this);
    m_encode.release()->deleteLater();
}

void Executor::clearCache()
{
    m_cache.clear();
    m_cache.squeeze();
}

void Executor::schedule(int ms, void (Executor::*step)())
{
    const quint64 generation = m_generation;
    QTimer::singleShot(std::max(0, ms), this, [this, generation, step] {
        if (generation == m_generation && m_run)
            (this->*step)();
    });
}

void Executor::start(const QueueItem &item)
{
    ++m_generation;
    m_run = std::make_unique<Run>();
    m_run->item = item;
    const DataDirs dirs = m_dirs;
    m_run->plan = std::make_unique<ExecutionPlan>(
            item,
            [this](const QString &c) { return m_schemas->isOutputNode(c); },
            [dirs](const QString &, const QJsonObject &node) -> QByteArray {
                // IS_CHANGED of LoadImage / VHS_LoadVideo: the file's identity.
                const QJsonObject in = node.value(u"inputs").toObject();
                const QString value = in.value(u"image").toString(in.value(u"video").toString());
                if (value.isEmpty())
                    return {};
                const QFileInfo info(annotatedInputPath(dirs, value));
                return QByteArray::number(info.size()) + '@'
                       + QByteArray::number(info.lastModified().toMSecsSinceEpoch());
            });
    // The classic cache keeps only entries the new prompt can use (previous prompt only).
    QHash<QByteArray, CacheEntry> kept;
    for (const QString &id : m_run->plan->nodeIds()) {
        const QByteArray sig = m_run->plan->signature(id);
        if (const auto it = m_cache.constFind(sig); it != m_cache.constEnd()) {
            kept.insert(sig, *it);
            m_run->cached.insert(id);
            m_run->produced.insert(id, it->outputs);
        }
    }
    m_cache = std::move(kept);
    QJsonArray cachedIds;
    for (const QString &id : m_run->plan->nodeIds()) {
        if (m_run->cached.contains(id))
            cachedIds.append(id);
    }
    m_run->order = m_config.legacy() ? m_run->plan->legacyOrder(m_run->cached)
                                     : m_run->plan->order(m_run->cached);
    const QString pid = item.promptId;
    toClient(u"execution_start"_s, stamped({{u"prompt_id"_s, pid}}));
    toClient(u"execution_cached"_s, stamped({{u"nodes"_s, cachedIds}, {u"prompt_id"_s, pid}}));
    schedule(0, &Executor::runNext);
}

void Executor::runNext()
{
    Run &run = *m_run;
    if (run.next >= run.order.size()) {
        succeed();
        return;
    }
    const QString id = run.order.at(run.next);
    if (run.cached.contains(id)) {
        ++run.next;
        replayCached(id);
        return;
    }
    if (run.interruptRequested) {
        interrupted(id);
        return;
    }
    ++run.next;
    beginNode(id);
}

void Executor::replayCached(const QString &id)
{
    const auto entry = m_cache.value(m_run->plan->signature(id));
    if (!m_config.legacy()) {
        toClient(u"executed"_s,
                 {{u"node"_s, id},
                  {u"display_node"_s, id},
                  {u"output"_s, entry.ui ? QJsonValue(*entry.ui) : QJsonValue()},
                  {u"prompt_id"_s, m_run->item.promptId}});
        setProgress(id, 1, 1, u"finished"_s);
        sendProgressState();
    }
    if (entry.ui) {
        m_run->outputs.insert(id, *entry.ui);
        if (!m_config.legacy())
            m_run->meta.insert(id,
                               QJsonObject{{u"node_id"_s, id},
                                           {u"display_node"_s, id},
                                           {u"parent_node"_s, QJsonValue()},
                                           {u"real_node_id"_s, id}});
    }
    schedule(0, &Executor::runNext);
}

void Executor::beginNode(const QString &id)
{
    Run &run = *m_run;
    run.current = id;
    setProgress(id, 0.0, 1.0, u"running"_s);
    sendProgressState();
    QJsonObject executing{{u"node"_s, id}, {u"prompt_id"_s, run.item.promptId}};
    if (!m_config.legacy())
        executing.insert(u"display_node"_s, id);
    toClient(u"executing"_s, executing);

    const QString classType = run.plan->classType(id);
    const NodeInputs in(run.plan->inputs(id), run.produced);
    if (classType == u"KSampler") {
        runSampler(id, in);
    } else if (m_schemas->isOutputNode(classType)) {
        runSaver(id, in);
    } else if (classType == u"VHS_LoadVideo") {
        runLoadVideo(id, in);
    } else {
        const NodeOutputs outs
                = evaluateNode(classType, in, m_schemas->outputTypes(classType), m_dirs);
        const bool loader = classType.contains(u"Loader") || classType.startsWith(u"ADE_Load");
        const int delay = loader ? m_config.modelLoadMs : 0;
        if (delay <= 0) {
            completeNode(id, outs, std::nullopt);
            return;
        }
        const quint64 generation = m_generation;
        QTimer::singleShot(delay, this, [this, generation, id, outs] {
            if (generation == m_generation && m_run)
                completeNode(id, outs, std::nullopt);
        });
    }
}

void Executor::completeNode(const QString &id,
                            const NodeOutputs &outputs,
                            const std::optional<QJsonObject> &ui)
{
    Run &run = *m_run;
    run.produced.insert(id, outputs);
    run.executed.append(id);
    m_cache.insert(run.plan->signature(id), CacheEntry{outputs, ui});
    if (ui) {
        QJsonObject executed{
                {u"node"_s, id}, {u"output"_s, *ui}, {u"prompt_id"_s, run.item.promptId}};
        if (!m_config.legacy())
            executed.insert(u"display_node"_s, id);
        toClient(u"executed"_s, executed);
        run.outputs.insert(id, *ui);
        if (!m_config.legacy())
            run.meta.insert(id,
                            QJsonObject{{u"node_id"_s, id},
                                        {u"display_node"_s, id},
                                        {u"parent_node"_s, QJsonValue()},
                                        {u"real_node_id"_s, id}});
    }
    const NodeProgress p = run.progress.value(id);
    const bool stepped = p.state == u"running" && p.value > 0;
    setProgress(id, stepped ? p.max : 1.0, stepped ? p.max : 1.0, u"finished"_s);
    sendProgressState();
    run.current.clear();
    schedule(0, &Executor::runNext);
}

void Executor::fail(const QString &id,
                    const QString &type,
                    const QString &message,
                    const QJsonArray &traceback)
{
    Run &run = *m_run;
    const NodeInputs in(run.plan->inputs(id), run.produced);
    QJsonValue currentOutputs;
    if (m_config.legacy()) {
        QJsonObject old; // before 2024-08-15: a dict of formatted outputs
        for (const QString &done : std::as_const(run.executed))
            old.insert(done,
                       QJsonArray{QJsonArray{u"<%1 output>"_s.arg(run.plan->classType(done))}});
        currentOutputs = old;
    } else {
        currentOutputs = QJsonArray::fromStringList(run.plan->nodeIds());
    }
    const QJsonObject data = stamped({{u"prompt_id"_s, run.item.promptId},
                                      {u"node_id"_s, id},
                                      {u"node_type"_s, run.plan->classType(id)},
                                      {u"executed"_s, QJsonArray::fromStringList(run.executed)},
                                      {u"exception_message"_s, message},
                                      {u"exception_type"_s, type},
                                      {u"traceback"_s, traceback},
                                      {u"current_inputs"_s, in.formatted(run.plan->inputOrder(id))},
                                      {u"current_outputs"_s, currentOutputs}});
    toClient(u"execution_error"_s, data);
    finish(u"error"_s, false);
}

void Executor::interrupted(const QString &id)
{
    Run &run = *m_run;
    const QJsonObject data = stamped({{u"prompt_id"_s, run.item.promptId},
                                      {u"node_id"_s, id},
                                      {u"node_type"_s, run.plan->classType(id)},
                                      {u"executed"_s, QJsonArray::fromStringList(run.executed)}});
    record(u"execution_interrupted"_s, data);
    m_hub->sendOrBroadcast(run.item.clientId(), WsHub::message(u"execution_interrupted"_s, data));
    finish(u"error"_s, false);
}

void Executor::succeed()
{
    if (!m_config.legacy())
        toClient(u"execution_success"_s, stamped({{u"prompt_id"_s, m_run->item.promptId}}));
    finish(u"success"_s, true);
}

void Executor::finish(const QString &statusStr, bool completed)
{
    ++m_generation;
    dropEncode();
    ExecutionResult result;
    result.promptId = m_run->item.promptId;
    result.statusStr = statusStr;
    result.completed = completed;
    result.messages = m_run->messages;
    result.outputs = m_run->outputs;
    result.meta = m_run->meta;
    m_run.reset();
    emit finished(result);
}

void Executor::toClient(const QString &type, const QJsonObject &data)
{
    const bool historyEvent = type.startsWith(u"execution_") && type != u"execution_interrupted";
    if (historyEvent)
        record(type, data);
    const QString clientId = m_run->item.clientId();
    if (!clientId.isEmpty())
        m_hub->send(clientId, WsHub::message(type, data));
}

void Executor::record(const QString &type, const QJsonObject &data)
{
    m_run->messages.append(QJsonArray{type, data});
}

QJsonObject Executor::stamped(QJsonObject data) const
{
    if (!m_config.legacy())
        data.insert(u"timestamp"_s, QDateTime::currentMSecsSinceEpoch());
    return data;
}

void Executor::setProgress(const QString &id, double value, double max, const QString &state)
{
    if (!m_run->progress.contains(id))
        m_run->progressOrder.append(id);
    m_run->progress.insert(id, NodeProgress{value, max, state});
}

void Executor::sendProgressState()
{
    if (m_config.legacy())
        return; // progress_state arrived with 0.3.45
    const QString pid = m_run->item.promptId;
    QJsonObject nodes;
    for (const QString &id : std::as_const(m_run->progressOrder)) {
        const NodeProgress p = m_run->progress.value(id);
        nodes.insert(id,
                     QJsonObject{{u"value"_s, p.value},
                                 {u"max"_s, p.max},
                                 {u"state"_s, p.state},
                                 {u"node_id"_s, id},
                                 {u"prompt_id"_s, pid},
                                 {u"display_node_id"_s, id},
                                 {u"parent_node_id"_s, QJsonValue()},
                                 {u"real_node_id"_s, id}});
    }
    m_hub->sendOrBroadcast(
            m_run->item.clientId(),
            WsHub::message(u"progress_state"_s, {{u"prompt_id"_s, pid}, {u"nodes"_s, nodes}}));
}

void Executor::sendProgress(const QString &id, int value, int max)
{
    m_hub->sendOrBroadcast(m_run->item.clientId(),
                           WsHub::message(u"progress"_s,
                                          {{u"value"_s, value},
                                           {u"max"_s, max},
                                           {u"prompt_id"_s, m_run->item.promptId},
                                           {u"node"_s, id}}));
}

} // namespace comfyvideo::simulator
