#pragma once

#include "backends/backend.h"
#include "backends/comfyrun.h"
#include "comfy/serverconfig.h"

class QNetworkAccessManager;

namespace comfyvideo::common {
class SecretStore;
}

namespace comfyvideo::comfy {
class ComfyClient;
}

namespace comfyvideo::backends {

// The Backend port for one ComfyUI server (issue #4): readiness from its catalog (cached by
// the client), system stats and queue; runs submitted, tracked, canceled and re-attached by
// prompt id through ComfyRun.
class ComfyBackend : public Backend
{
    Q_OBJECT
public:
    // `secrets` (may be null when the server needs none) and `network` (null: the client makes
    // its own) must outlive the backend. `displayName` empty: host:port.
    ComfyBackend(comfy::ServerConfig config,
                 const common::SecretStore *secrets,
                 QNetworkAccessManager *network = nullptr,
                 QString displayName = {},
                 QObject *parent = nullptr);
    ~ComfyBackend() override;

    QString id() const override; // "comfyui:" + the base URL without a trailing slash
    QString displayName() const override;
    BackendType type() const override { return BackendType::ComfyUI; }

    void assess(const request::GenerationRequest &request,
                std::function<void(Assessment)> done) override;
    QString newRemoteId() const override;
    BackendRun *createRun(RunSpec spec, QObject *parent) override;

    // Timing of the runs created from now on (poll interval, lost confirmation, ...).
    void setRunOptions(ComfyRun::Options options) { m_runOptions = std::move(options); }
    const ComfyRun::Options &runOptions() const { return m_runOptions; }
    comfy::ComfyClient *client() const { return m_client; }

private:
    struct AssessJob;
    void finishAssess(const std::shared_ptr<AssessJob> &job);

    comfy::ComfyClient *m_client;
    QString m_displayName;
    ComfyRun::Options m_runOptions;
};

} // namespace comfyvideo::backends
