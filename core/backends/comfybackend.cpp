#include "backends/comfybackend.h"

#include "comfy/catalogdefaults.h"
#include "comfy/comfyclient.h"
#include "comfy/failureerror.h"
#include "comfy/readiness.h"
#include "errors/classification.h"

namespace comfyvideo::backends {

using errors::Error;
using errors::ErrorKind;

// The three answers one assessment waits for.
struct ComfyBackend::AssessJob
{
    request::GenerationRequest request;
    std::function<void(Assessment)> done;
    int outstanding = 3;
    comfy::Result<comfy::NodeCatalog> catalog = std::unexpected(comfy::Failure{});
    comfy::Result<comfy::SystemStats> stats = std::unexpected(comfy::Failure{});
    comfy::Result<comfy::QueueState> queue = std::unexpected(comfy::Failure{});
};

namespace {

ErrorKind kindForReason(const comfy::ReadinessReason &reason)
{
    using R = comfy::ReadinessReason;
    switch (reason.kind) {
    case R::MissingNodePack:
        return ErrorKind::MissingCustomNode;
    case R::MissingModel:
    case R::IncompatibleModel:
        return ErrorKind::ModelNotFound;
    case R::VramBelowMinimum:
        return ErrorKind::InsufficientVram;
    case R::UnsupportedOption:
    case R::VramBelowRecommended:
    case R::VramFreeLow:
    case R::NoGpu:
    case R::UnknownVram:
        break;
    }
    return ErrorKind::InvalidParams;
}

Assessment::Level levelFor(comfy::ReadinessLevel level)
{
    switch (level) {
    case comfy::ReadinessLevel::Ready:
        return Assessment::Level::Ready;
    case comfy::ReadinessLevel::ReadyWithWarnings:
        return Assessment::Level::ReadyWithWarnings;
    case comfy::ReadinessLevel::Blocked:
        break;
    }
    return Assessment::Level::Blocked;
}

} // namespace

ComfyBackend::ComfyBackend(comfy::ServerConfig config,
                           const common::SecretStore *secrets,
                           QNetworkAccessManager *network,
                           QString displayName,
                           QObject *parent)
    : Backend(parent)
    , m_client(new comfy::ComfyClient(std::move(config), secrets, network, this))
    , m_displayName(std::move(displayName))
{}

ComfyBackend::~ComfyBackend() = default;

QString ComfyBackend::id() const
{
    QString base = m_client->config().baseUrl.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery
                                                       | QUrl::RemoveFragment);
    while (base.endsWith(u'/'))
        base.chop(1);
    return QStringLiteral("comfyui:") + base;
}

QString ComfyBackend::displayName() const
{
    if (!m_displayName.isEmpty())
        return m_displayName;
    const QUrl &url = m_client->config().baseUrl;
    const int defaultPort = url.scheme() == u"https" ? 443 : 80;
    return url.host() + u':' + QString::number(url.port(defaultPort));
}

QString ComfyBackend::newRemoteId() const
{
    return comfy::ComfyClient::newPromptId();
}

BackendRun *ComfyBackend::createRun(RunSpec spec, QObject *parent)
{
    return new ComfyRun(m_client, std::move(spec), m_runOptions, parent);
}

void ComfyBackend::assess(const request::GenerationRequest &request,
                          std::function<void(Assessment)> done)
{
    auto job = std::make_shared<AssessJob>();
    job->request = request;
    job->done = std::move(done);
    // The client drops callbacks once it is gone; `this` owns it, so `this` is alive in them.
    m_client->objectInfo([this, job](comfy::Result<comfy::NodeCatalog> catalog) {
        job->catalog = std::move(catalog);
        finishAssess(job);
    });
    m_client->systemStats([this, job](comfy::Result<comfy::SystemStats> stats) {
        job->stats = std::move(stats);
        finishAssess(job);
    });
    m_client->queue([this, job](comfy::Result<comfy::QueueState> queue) {
        job->queue = std::move(queue);
        finishAssess(job);
    });
}

void ComfyBackend::finishAssess(const std::shared_ptr<AssessJob> &job)
{
    if (--job->outstanding > 0)
        return;
    Assessment a;
    // system_stats is the reachability probe (reference §10); then the catalog.
    const comfy::Failure *failure = !job->stats     ? &job->stats.error()
                                    : !job->catalog ? &job->catalog.error()
                                                    : nullptr;
    if (failure) {
        a.level = Assessment::Level::Unreachable;
        a.error = comfy::toError(*failure);
        a.reasons << a.error->userMessage;
        return job->done(a);
    }
    if (job->queue)
        a.queueDepth = int(job->queue->running.size() + job->queue->pending.size());
    const comfy::ResolvedRequest resolved
            = comfy::resolveAgainstCatalog(job->request, *job->catalog);
    a.checkpoint = resolved.request.checkpoint;
    if (resolved.request.kind == request::Kind::AnimateDiff)
        a.motionModule = resolved.request.motionModule;
    const comfy::Readiness readiness
            = comfy::assessReadiness(job->request, *job->catalog, *job->stats);
    a.level = levelFor(readiness.level);
    QStringList blocking;
    const comfy::ReadinessReason *first = nullptr;
    for (const comfy::ReadinessReason &reason : readiness.reasons) {
        a.reasons << reason.message;
        if (reason.blocking) {
            blocking << reason.message;
            if (!first)
                first = &reason;
        }
    }
    if (a.level == Assessment::Level::Blocked && first) {
        Error error = Error::make(
                kindForReason(*first),
                tr("%1 cannot run this request: %2").arg(displayName(), blocking.join(u' ')));
        error.missingName = first->missingName;
        a.error = error;
    }
    job->done(a);
}

} // namespace comfyvideo::backends
