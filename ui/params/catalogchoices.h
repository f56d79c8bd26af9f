#pragma once

#include <QString>
#include <QStringList>

namespace comfyvideo::ui {

// What the chosen server offers, for the form's combos. Empty lists: not known (yet); the
// combos then offer only "Automatic" (an empty name: the server's catalog picks at run time).
struct CatalogChoices
{
    QStringList animateDiffCheckpoints; // SD 1.5 checkpoints (names without "svd")
    QStringList svdCheckpoints;         // names with "svd" (svd, svd_xt, ...)
    QStringList motionModules;          // animatediff_models
    QStringList samplers;               // KSampler.sampler_name
    QStringList schedulers;             // KSampler.scheduler

    bool operator==(const CatalogChoices &) const = default;
};

// One server the form can choose, as the window lists them.
struct ServerChoice
{
    QString backendId;   // Backend::id()
    QString displayName; // Backend::displayName()
    bool demo = false;   // the built-in simulator

    bool operator==(const ServerChoice &) const = default;
};

} // namespace comfyvideo::ui
