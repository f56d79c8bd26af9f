#pragma once

// Helpers shared by the ComfyUI client tests (issue #4): tiny workflows, a client on a
// comfyui-sim process, and the control route.
#include "comfy/comfyclient.h"
#include "comfy/eventstream.h"
#include "comfy/workflowbuilder.h"
#include "fakes/simprocess.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

namespace comfyvideo::tests {

inline comfy::ServerConfig configFor(const SimProcess &sim)
{
    comfy::ServerConfig config;
    config.baseUrl = sim.baseUrl();
    config.requestTimeout = std::chrono::seconds(10);
    return config;
}

// 64x64, 8 frames, 4 steps.
inline request::GenerationRequest tinyAnimateDiff(quint64 seed = 1)
{
    request::GenerationRequest r;
    r.kind = request::Kind::AnimateDiff;
    r.prompt = QStringLiteral("a red fox running through snow");
    r.negativePrompt = QStringLiteral("blurry");
    r.checkpoint = QStringLiteral("v1-5-pruned-emaonly.safetensors");
    r.motionModule = QStringLiteral("mm_sd_v15_v2.ckpt");
    r.frames = 8;
    r.steps = 4;
    r.width = 64;
    r.height = 64;
    r.seed = seed;
    return r;
}

inline request::GenerationRequest tinySvd(const QString &imagePath)
{
    request::GenerationRequest r;
    r.kind = request::Kind::Svd;
    r.checkpoint = QStringLiteral("svd_xt.safetensors");
    r.referenceImage = imagePath;
    r.frames = 8;
    r.steps = 4;
    r.width = 64;
    r.height = 64;
    r.cfg = 2.5;
    r.seed = 7;
    return r;
}

// Fetches the catalog synchronously (test only) and builds for it.
inline comfy::BuiltWorkflow buildFor(comfy::ComfyClient &client,
                                     const request::GenerationRequest &request,
                                     const QString &uploadedName = {})
{
    std::optional<comfy::NodeCatalog> catalog;
    client.objectInfo([&](comfy::Result<comfy::NodeCatalog> c) {
        if (c)
            catalog = *c;
    });
    if (!QTest::qWaitFor([&] { return catalog.has_value(); }, 20000))
        return {};
    comfy::BuildOptions options = comfy::BuildOptions::forCatalog(*catalog, request);
    if (!uploadedName.isEmpty())
        options.uploadedImageName = uploadedName;
    return comfy::buildWorkflow(request, options);
}

inline bool waitConnected(comfy::ComfyClient &client, int ms = 10000)
{
    client.events()->open();
    return QTest::qWaitFor([&] { return client.events()->isConnected(); }, ms);
}

// POST /sim/faults {"add": spec} or {"clear": true}, or POST /sim/restart.
inline bool simControl(const SimProcess &sim, const QString &path, const QJsonObject &body = {})
{
    QNetworkAccessManager network;
    QNetworkRequest request(sim.url(path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = network.post(request, QJsonDocument(body).toJson());
    const bool done = QTest::qWaitFor([&] { return reply->isFinished(); }, 10000);
    const bool ok = done && reply->error() == QNetworkReply::NoError;
    delete reply;
    return ok;
}

} // namespace comfyvideo::tests
