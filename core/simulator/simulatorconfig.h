#pragma once

#include <QString>
#include <QStringList>

namespace comfyvideo::simulator {

// Which ComfyUI the simulator pretends to be.
enum class Persona {
    // ComfyUI 0.3.64 (2025-10) with ADE and VHS: the default (reference §0-§5).
    V0_3_64,
    // ComfyUI as of 2024-07-01 (after the /api prefix of 2024-06-19, before execution_success
    // and timestamps of 2024-07-21 and the execution-model inversion of 2024-08-15): no
    // progress_state, no timestamps, no execution_success, no display_node, no cached
    // `executed` replay, no history `meta`, no feature flags / type-4 previews, /features and
    // /models 404, client prompt_id ignored, old VHS format combo, old scheduler order,
    // system_stats.system with os/python_version/embedded_python only.
    Legacy2024,
};

struct SimulatorConfig
{
    QString dataDir; // holds input/, output/, temp/
    // "folder/name" entries; empty = the default model set.
    QStringList models;
    bool withAnimateDiff = true;
    bool withVideoHelperSuite = true;
    double vramGb = 24.0;
    QString deviceName = QStringLiteral("cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync");
    int stepMs = 50;      // pace of sampler steps (encoding runs as fast as FFmpeg does)
    int modelLoadMs = 0;  // gap before a loader node finishes
    bool previews = true; // like --preview-method auto
    QStringList faults;   // fault specs applied at start
    Persona persona = Persona::V0_3_64;
    bool controlRoutes = false; // POST /sim/faults, /sim/restart
    QString tlsCertificateFile; // PEM; with tlsKeyFile: serve HTTPS and WSS instead
    QString tlsKeyFile;
    int maxHistory = 10000;

    static QStringList defaultModels()
    {
        return {QStringLiteral("checkpoints/v1-5-pruned-emaonly.safetensors"),
                QStringLiteral("checkpoints/svd.safetensors"),
                QStringLiteral("checkpoints/svd_xt.safetensors"),
                QStringLiteral("animatediff_models/mm_sd_v15_v2.ckpt"),
                QStringLiteral("animatediff_models/v3_sd15_mm.ckpt")};
    }
    QStringList effectiveModels() const { return models.isEmpty() ? defaultModels() : models; }
    bool legacy() const { return persona == Persona::Legacy2024; }
};

} // namespace comfyvideo::simulator
