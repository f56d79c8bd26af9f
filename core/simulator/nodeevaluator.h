#pragma once

#include "simulator/simvalue.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace comfyvideo::simulator {

struct DataDirs
{
    QString input;
    QString output;
    QString temp;
};

// The inputs of one node: literals as sent, links resolved to the producing node's value.
class NodeInputs
{
public:
    NodeInputs(const QJsonObject &inputs, const QHash<QString, NodeOutputs> &produced);

    bool isLink(const QString &name) const { return m_links.contains(name); }
    SimValue value(const QString &name) const { return m_links.value(name); }
    QJsonValue literal(const QString &name) const { return m_inputs.value(name); }
    int intValue(const QString &name, int fallback) const;
    double doubleValue(const QString &name, double fallback) const;
    QString text(const QString &name) const;  // literal string, or a Text value's text
    ClipSpec clip(const QString &name) const; // a Clip value's clip (default clip otherwise)

    // ComfyUI's current_inputs of execution_error: {name: [formatted value]}.
    QJsonObject formatted(const QStringList &order) const;

private:
    QJsonObject m_inputs;
    QHash<QString, SimValue> m_links;
};

// Resolves a LoadImage/VHS_LoadVideo file value ("x.png", "sub/x.png", "x.png [output]").
QString annotatedInputPath(const DataDirs &dirs, const QString &value);

// Outputs of the nodes that finish at once (loaders, encoders, latent makers, the sampler's
// result, decoders). Unknown classes yield opaque values of the declared output types.
NodeOutputs evaluateNode(const QString &classType,
                         const NodeInputs &inputs,
                         const QStringList &outputTypes,
                         const DataDirs &dirs);

} // namespace comfyvideo::simulator
