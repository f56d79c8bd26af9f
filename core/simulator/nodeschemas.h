#pragma once

#include "comfy/nodecatalog.h"
#include "simulator/simulatorconfig.h"

#include <QJsonObject>
#include <QStringList>

namespace comfyvideo::simulator {

// The /object_info schemas the simulator serves: core, SVD, AnimateDiff-Evolved and
// VideoHelperSuite nodes (from the :/simulator/nodes.json resource, derived from a real
// 0.3.64 dump), with model combos filled from the configuration and input-file combos from
// the input folder. The 2024 persona gets the older shapes.
class NodeSchemas
{
public:
    explicit NodeSchemas(const SimulatorConfig &config);

    // inputFiles: top-level file names of the input folder (sorted).
    QJsonObject objectInfo(const QStringList &inputFiles) const;
    QJsonObject nodeInfo(const QString &classType, const QStringList &inputFiles) const;
    bool hasNode(const QString &classType) const;
    bool isOutputNode(const QString &classType) const;
    QStringList outputTypes(const QString &classType) const;

    QStringList modelFolders() const;                // GET /models
    QStringList models(const QString &folder) const; // sorted; empty for unknown folders
    bool hasModelFolder(const QString &folder) const;

private:
    QJsonObject
    adapt(const QString &classType, QJsonObject info, const QStringList &inputFiles) const;
    void setCombo(QJsonObject &info, const QString &input, const QStringList &options) const;
    void makeLegacy(const QString &classType, QJsonObject &info) const;

    SimulatorConfig m_config;
    QJsonObject m_nodes;
};

} // namespace comfyvideo::simulator
