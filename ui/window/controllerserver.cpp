#include "backends/comfybackend.h"
#include "comfy/comfyclient.h"
#include "joblist/serversdialog.h"
#include "params/paramsform.h"
#include "request/requestjson.h"
#include "window/catalogmapping.h"
#include "window/controllerprivate.h"
#include "window/mainwindow.h"

#include <QDesktopServices>
#include <QDir>
#include <QSettings>
#include <QUrl>

// The controller's server side: which server is chosen, its catalog and readiness, the
// Servers dialog, and the parameters remembered between runs.
namespace comfyvideo::ui {

namespace {
const auto LastRequestKey = QStringLiteral("window/lastRequest");
const auto ServerKey = QStringLiteral("window/server");
} // namespace

void WindowController::setServers(QList<backends::ComfyBackend *> servers)
{
    const QString chosen = d->window ? d->form()->currentServerId() : QString();
    d->context.servers = std::move(servers);
    bool demoStillThere = false;
    for (const backends::ComfyBackend *server : d->context.servers)
        demoStillThere = demoStillThere || (server && server->id() == d->demoBackendId);
    if (d->context.demo && !demoStillThere) {
        d->context.demo = false;
        d->demoBackendId.clear();
    }
    if (!d->window)
        return;
    d->showStartupBanner();
    d->publishServers(chosen);
    d->form()->setSubmitEnabled(d->canSubmit());
    d->onServerChanged();
}

backends::ComfyBackend *WindowController::Private::chosenServer() const
{
    const QString id = window ? form()->currentServerId() : QString();
    for (backends::ComfyBackend *server : context.servers) {
        if (server && server->id() == id)
            return server;
    }
    return context.servers.isEmpty() ? nullptr : context.servers.first();
}

// Gives the form the server list; keeps `preferredId` chosen when it is in the list.
void WindowController::Private::publishServers(const QString &preferredId)
{
    QList<ServerChoice> choices;
    QString current;
    for (const backends::ComfyBackend *server : context.servers) {
        if (!server)
            continue;
        ServerChoice choice;
        choice.backendId = server->id();
        choice.displayName = server->displayName();
        choice.demo = server->id() == demoBackendId;
        choices.append(choice);
        if (server->id() == preferredId)
            current = preferredId;
    }
    if (current.isEmpty() && !choices.isEmpty())
        current = choices.first().backendId;
    const QSignalBlocker blocker(form());
    form()->setServers(choices, current);
}

// A new server chosen (or the list changed): its catalog, its readiness, remember it.
void WindowController::Private::onServerChanged()
{
    if (!window)
        return;
    readiness.reset();
    form()->setReadiness(std::nullopt);
    fetchCatalog();
    scheduleReadiness();
    saveTimer.start();
}

void WindowController::Private::fetchCatalog()
{
    QObject::disconnect(catalogConnection);
    const quint64 generation = ++catalogGeneration;
    backends::ComfyBackend *server = chosenServer();
    if (!server || !window) {
        if (window)
            form()->setCatalog({});
        return;
    }
    comfy::ComfyClient *client = server->client();
    catalogConnection = QObject::connect(
            client, &comfy::ComfyClient::catalogChanged, q, [this] { fetchCatalog(); });
    QPointer<WindowController> guard(q);
    client->objectInfo([this, guard, generation](comfy::Result<comfy::NodeCatalog> result) {
        if (!guard || !window || generation != catalogGeneration)
            return;
        if (!result) {
            form()->setCatalog({}); // "Automatic" only; the readiness line says why
            return;
        }
        form()->setCatalog(catalogChoices(*result));
        emit q->catalogLoaded();
        scheduleReadiness(); // the catalog may change what the request resolves to
    });
}

void WindowController::Private::scheduleReadiness()
{
    readinessTimer.start();
}

// Asks the chosen server about the form's request; answers for older requests are dropped.
void WindowController::Private::checkReadiness()
{
    backends::ComfyBackend *server = chosenServer();
    if (!server || !window)
        return;
    const quint64 generation = ++readinessGeneration;
    QPointer<WindowController> guard(q);
    server->assess(form()->request(), [this, guard, generation](backends::Assessment assessment) {
        if (!guard || !window || generation != readinessGeneration)
            return;
        readiness = assessment;
        form()->setReadiness(assessment);
        emit q->readinessUpdated();
    });
}

void WindowController::Private::restoreParameters()
{
    request::GenerationRequest request = request::defaultRequest(request::Kind::AnimateDiff);
    if (context.settings) {
        const QByteArray saved = context.settings->value(LastRequestKey).toString().toUtf8();
        if (!saved.isEmpty()) {
            if (auto parsed = request::fromJsonText(saved))
                request = *parsed;
        }
    }
    restoring = true;
    form()->setRequest(request);
    restoring = false;
}

void WindowController::Private::saveParameters()
{
    if (!context.settings || !window)
        return;
    context.settings->setValue(LastRequestKey,
                               QString::fromUtf8(request::toJsonText(form()->request())));
    context.settings->setValue(ServerKey, form()->currentServerId());
}

void WindowController::Private::openServersDialog()
{
    if (!window)
        return;
    QList<QUrl> urls;
    for (const backends::ComfyBackend *server : context.servers) {
        if (server && server->id() != demoBackendId) // the demo server is not the person's
            urls.append(server->client()->config().baseUrl);
    }
    auto *dialog = new ServersDialog(urls, context.serverTester, window);
    dialog->setObjectName(QStringLiteral("serversDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QObject::connect(dialog, &QDialog::accepted, q, [this, dialog] {
        if (context.applyServers)
            context.applyServers(dialog->servers());
    });
    dialog->open();
}

void WindowController::Private::openOutputFolder()
{
    if (context.outputDirectory.isEmpty())
        return;
    QDir().mkpath(context.outputDirectory);
    QDesktopServices::openUrl(QUrl::fromLocalFile(context.outputDirectory));
}

void WindowController::Private::showStartupBanner()
{
    if (!context.startupProblem.isEmpty())
        window->setBanner(context.startupProblem, MainWindow::BannerLevel::Error);
    else if (context.demo)
        window->setBanner(tr("Demo server — renders a test animation, not AI."),
                          MainWindow::BannerLevel::Info);
    else if (context.servers.isEmpty())
        window->setBanner(tr("No ComfyUI server is configured: add one under Servers…"),
                          MainWindow::BannerLevel::Warning);
    else
        window->setBanner({});
}

} // namespace comfyvideo::ui
