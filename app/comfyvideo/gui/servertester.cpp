#include "gui/servertester.h"

#include "comfy/comfyclient.h"
#include "comfy/failureerror.h"
#include "comfy/nodecatalog.h"

#include <QRegularExpression>
#include <cmath>

namespace comfyvideo::gui {

namespace {

// "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync" -> "NVIDIA GeForce RTX 4090"
QString deviceLabel(const QString &name)
{
    QString label = name;
    static const QRegularExpression prefix(QStringLiteral("^[a-z]+:\\d+\\s+"));
    label.remove(prefix);
    const qsizetype allocator = label.lastIndexOf(QLatin1String(" : "));
    if (allocator > 0)
        label.truncate(allocator);
    return label.trimmed();
}

} // namespace

void ServerTester::test(const QUrl &url,
                        const common::SecretStore *secrets,
                        QNetworkAccessManager *network,
                        Answer answer,
                        QObject *parent)
{
    auto *tester = new ServerTester(url, secrets, network, std::move(answer), parent);
    tester->run();
}

ServerTester::ServerTester(const QUrl &url,
                           const common::SecretStore *secrets,
                           QNetworkAccessManager *network,
                           Answer answer,
                           QObject *parent)
    : QObject(parent)
    , m_answer(std::move(answer))
{
    comfy::ServerConfig config;
    config.baseUrl = url;
    config.requestTimeout = std::chrono::seconds(10);
    config.objectInfoTimeout = std::chrono::seconds(60);
    m_client = new comfy::ComfyClient(config, secrets, network, this);
}

void ServerTester::run()
{
    m_client->systemStats([this](comfy::Result<comfy::SystemStats> stats) {
        if (!stats) {
            finish(false, comfy::toError(stats.error()).userMessage);
            return;
        }
        m_client->objectInfo([this, stats = *stats](comfy::Result<comfy::NodeCatalog> catalog) {
            if (!catalog) {
                finish(false, comfy::toError(catalog.error()).userMessage);
                return;
            }
            const int models = int(catalog->models(QStringLiteral("checkpoints")).size()
                                   + catalog->models(QStringLiteral("animatediff_models")).size());
            finish(true, summary(stats, models));
        });
    });
}

void ServerTester::finish(bool ok, const QString &message)
{
    if (m_answer) {
        const Answer answer = std::exchange(m_answer, {});
        answer(ok, message);
    }
    deleteLater();
}

QString ServerTester::summary(const comfy::SystemStats &stats, int modelCount)
{
    QStringList parts;
    parts << (stats.comfyuiVersion.isEmpty()
                      ? QStringLiteral("ComfyUI")
                      : QStringLiteral("ComfyUI %1").arg(stats.comfyuiVersion));
    if (!stats.devices.isEmpty()) {
        const comfy::SystemStats::Device &device = stats.devices.constFirst();
        const QString label = deviceLabel(device.name);
        if (!label.isEmpty())
            parts << label;
        if (device.vramTotal > 0) {
            const double gb = double(device.vramTotal) / (1024.0 * 1024.0 * 1024.0);
            parts << tr("%1 GB VRAM").arg(std::lround(gb));
        }
    }
    parts << (modelCount == 1 ? tr("1 model") : tr("%1 models").arg(modelCount));
    return parts.join(QStringLiteral(" · "));
}

} // namespace comfyvideo::gui
