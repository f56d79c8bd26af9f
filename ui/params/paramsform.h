#pragma once

#include "backends/backend.h"
#include "params/catalogchoices.h"
#include "request/generationrequest.h"

#include <QWidget>
#include <optional>

namespace comfyvideo::ui {

class ReferenceImageZone;

// The parameters form (issue 6): a switch between text-to-video (AnimateDiff) and
// image-to-video (SVD), every request field with its range and an inline message under the field
// (request::validate), combos from the chosen server's catalog, presets, the seed with Randomize
// and Lock, an Advanced section, the chosen server's readiness line, and Generate (Ctrl+Return) /
// Add to queue. It only edits a GenerationRequest and says what the person asked for; the window
// controller does the rest.
//
// Seed: when Lock is off, a new random seed is drawn after each Generate / Add to queue (the
// request emitted carries the seed shown when the button was pressed).
// Generate and Add to queue are disabled while validate() reports problems; the problems are
// shown under their fields as the person types (and a summary next to the buttons).
class ParamsForm : public QWidget
{
    Q_OBJECT
public:
    explicit ParamsForm(QWidget *parent = nullptr);
    ~ParamsForm() override;

    request::GenerationRequest request() const;
    void setRequest(const request::GenerationRequest &request); // emits requestChanged

    void setCatalog(const CatalogChoices &choices);
    void setServers(const QList<ServerChoice> &servers, const QString &currentBackendId);
    QString currentServerId() const;
    // nullopt: "Checking <server>…"; else ready / missing models (named) / VRAM warning /
    // unreachable, from Assessment::level and reasons.
    void setReadiness(const std::optional<backends::Assessment> &assessment);
    // While false (no server at all, the store failed) the buttons stay disabled.
    void setSubmitEnabled(bool enabled);

    bool seedLocked() const;
    // Where the reference image zone writes cropped pictures (a cache folder that exists).
    void setWorkDirectory(const QString &directory);
    ReferenceImageZone *referenceImageZone() const; // for tests

signals:
    void requestChanged(const comfyvideo::request::GenerationRequest &request);
    void serverChanged(const QString &backendId);
    void generateRequested(const comfyvideo::request::GenerationRequest &request);
    void queueRequested(const comfyvideo::request::GenerationRequest &request);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace comfyvideo::ui
