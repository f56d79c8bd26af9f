#pragma once

#include "simulator/executor.h"
#include "simulator/framerenderer.h"

#include <memory>

namespace comfyvideo::simulator {

// The state of the prompt the executor runs (shared by executor.cpp and executornodes.cpp).
struct Executor::Run
{
    QueueItem item;
    std::unique_ptr<ExecutionPlan> plan;
    QStringList order;
    int next = 0;
    QSet<QString> cached;
    QHash<QString, NodeOutputs> produced;
    QStringList executed;
    QJsonArray messages;
    QJsonObject outputs;
    QJsonObject meta;
    QString current;
    bool interruptRequested = false;
    QStringList progressOrder;
    QHash<QString, NodeProgress> progress;
    // sampler
    int step = 0;
    int steps = 0;
    NodeOutputs samplerOutputs;
    std::unique_ptr<FrameRenderer> previewRenderer;
};

} // namespace comfyvideo::simulator
