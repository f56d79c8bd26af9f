#pragma once

#include "comfy/comfytypes.h"

#include <QObject>
#include <QUrl>
#include <functional>

class QNetworkAccessManager;

namespace comfyvideo::common {
class SecretStore;
}
namespace comfyvideo::comfy {
class ComfyClient;
}

namespace comfyvideo::gui {

// The Servers dialog's Test: a temporary ComfyClient asks /system_stats and /object_info and
// answers once with a one-line summary ("ComfyUI 0.3.64 · NVIDIA GeForce RTX 4090 · 24 GB VRAM
// · 5 models") or the error's plain message. Deletes itself after answering (or with `parent`,
// then without answering).
class ServerTester : public QObject
{
    Q_OBJECT
public:
    using Answer = std::function<void(bool ok, const QString &message)>;

    static void test(const QUrl &url,
                     const common::SecretStore *secrets,
                     QNetworkAccessManager *network,
                     Answer answer,
                     QObject *parent);

    // "ComfyUI 0.3.64 · <device> · 24 GB VRAM · 5 models" (parts left out when unknown).
    static QString summary(const comfy::SystemStats &stats, int modelCount);

private:
    ServerTester(const QUrl &url,
                 const common::SecretStore *secrets,
                 QNetworkAccessManager *network,
                 Answer answer,
                 QObject *parent);
    void run();
    void finish(bool ok, const QString &message);

    comfy::ComfyClient *m_client;
    Answer m_answer;
};

} // namespace comfyvideo::gui
