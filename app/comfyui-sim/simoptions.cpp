#include "simoptions.h"

#include "simulator/faults.h"

#include <QCommandLineParser>
#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace comfyvideo::app {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SimOptions", text);
}

void addLoadAndTlsOptions(QCommandLineParser &parser)
{
    parser.addOption(
            {u"model-load-ms"_s, tr("Milliseconds each model loader node takes."), u"N"_s, u"0"_s});
    parser.addOption({u"tls-cert"_s,
                      tr("Serve HTTPS and WSS with this PEM certificate chain (server first)."),
                      u"FILE"_s});
    parser.addOption(
            {u"tls-key"_s, tr("The PEM private key of --tls-cert (unencrypted)."), u"FILE"_s});
}

std::expected<void, QString> readLoadAndTls(const QCommandLineParser &parser,
                                            simulator::SimulatorConfig &c)
{
    bool ok = false;
    c.modelLoadMs = parser.value(u"model-load-ms"_s).toInt(&ok);
    if (!ok || c.modelLoadMs < 0)
        return std::unexpected(tr("--model-load-ms needs a number >= 0"));
    if (parser.isSet(u"tls-cert"_s) != parser.isSet(u"tls-key"_s))
        return std::unexpected(tr("--tls-cert and --tls-key go together"));
    c.tlsCertificateFile = parser.value(u"tls-cert"_s);
    c.tlsKeyFile = parser.value(u"tls-key"_s);
    return {};
}

} // namespace

std::expected<SimOptions, QString> parseSimOptions(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("A ComfyUI 0.3.64 protocol simulator (no GPU, no AI)."));
    parser.addHelpOption();
    const QCommandLineOption port(
            u"port"_s, tr("TCP port on 127.0.0.1 (0 = any free port)."), u"N"_s, u"8188"_s);
    const QCommandLineOption dataDir(
            u"data-dir"_s, tr("Folder holding input/, output/, temp/."), u"DIR"_s);
    const QCommandLineOption model(
            u"model"_s, tr("A model file, FOLDER/NAME (repeatable)."), u"FOLDER/NAME"_s);
    const QCommandLineOption without(
            u"without"_s, tr("Leave a node pack out: ade or vhs."), u"PACK"_s);
    const QCommandLineOption vram(
            u"vram-gb"_s, tr("VRAM reported by /system_stats."), u"N"_s, u"24"_s);
    const QCommandLineOption stepMs(
            u"step-ms"_s, tr("Milliseconds per sampler step."), u"N"_s, u"50"_s);
    const QCommandLineOption fault(u"fault"_s, tr("A fault to switch on (repeatable)."), u"SPEC"_s);
    const QCommandLineOption persona(
            u"persona"_s, tr("0.3.64 (default) or 2024."), u"NAME"_s, u"0.3.64"_s);
    const QCommandLineOption noPreviews(u"no-previews"_s, tr("Send no binary previews."));
    const QCommandLineOption noControl(u"no-control"_s, tr("Disable /sim/faults, /sim/restart."));
    parser.addOptions(
            {port, dataDir, model, without, vram, stepMs, fault, persona, noPreviews, noControl});
    addLoadAndTlsOptions(parser);
    if (!parser.parse(arguments))
        return std::unexpected(parser.errorText());
    if (parser.isSet(u"help"_s))
        return std::unexpected(parser.helpText());

    SimOptions options;
    bool ok = false;
    options.port = quint16(parser.value(port).toUInt(&ok));
    if (!ok)
        return std::unexpected(tr("--port needs a number"));
    if (!parser.isSet(dataDir))
        return std::unexpected(tr("--data-dir is required"));
    auto &c = options.config;
    c.dataDir = parser.value(dataDir);
    c.models = parser.values(model);
    for (const QString &pack : parser.values(without)) {
        if (pack == u"ade")
            c.withAnimateDiff = false;
        else if (pack == u"vhs")
            c.withVideoHelperSuite = false;
        else
            return std::unexpected(tr("--without takes ade or vhs"));
    }
    c.vramGb = parser.value(vram).toDouble(&ok);
    if (!ok)
        return std::unexpected(tr("--vram-gb needs a number"));
    c.stepMs = parser.value(stepMs).toInt(&ok);
    if (!ok || c.stepMs < 0)
        return std::unexpected(tr("--step-ms needs a number >= 0"));
    if (auto read = readLoadAndTls(parser, c); !read)
        return std::unexpected(read.error());
    for (const QString &spec : parser.values(fault)) {
        if (auto parsed = simulator::FaultSet::parse(spec); !parsed)
            return std::unexpected(parsed.error());
    }
    c.faults = parser.values(fault);
    const QString name = parser.value(persona);
    if (name == u"2024")
        c.persona = simulator::Persona::Legacy2024;
    else if (name != u"0.3.64")
        return std::unexpected(tr("--persona takes 0.3.64 or 2024"));
    c.previews = !parser.isSet(noPreviews);
    c.controlRoutes = !parser.isSet(noControl);
    return options;
}

} // namespace comfyvideo::app
