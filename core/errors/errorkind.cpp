#include "errors/errorkind.h"

#include <QCoreApplication>

#include <array>
#include <utility>

namespace comfyvideo::errors {

namespace {

using namespace Qt::StringLiterals;

struct KindInfo
{
    ErrorKind kind;
    QLatin1StringView name;
    bool retryable;
    bool fallback;
    int exitCode;
};

constexpr std::array<KindInfo, 11> kKinds{{
        {ErrorKind::ModelNotFound, "model_not_found"_L1, false, true, 10},
        {ErrorKind::InsufficientVram, "insufficient_vram"_L1, false, true, 11},
        {ErrorKind::Timeout, "timeout"_L1, true, true, 12},
        {ErrorKind::NetworkError, "network_error"_L1, true, true, 13},
        {ErrorKind::WorkerUnavailable, "worker_unavailable"_L1, true, true, 14},
        {ErrorKind::InvalidParams, "invalid_params"_L1, false, false, 2},
        {ErrorKind::Unknown, "unknown"_L1, false, true, 15},
        {ErrorKind::MissingCustomNode, "missing_custom_node"_L1, false, true, 16},
        {ErrorKind::AuthFailed, "auth_failed"_L1, false, true, 17},
        {ErrorKind::ServerError, "server_error"_L1, true, true, 18},
        {ErrorKind::Canceled, "canceled"_L1, false, false, 19},
}};

constexpr std::array<std::pair<Action, QLatin1StringView>, 7> kActions{{
        {Action::Retry, "retry"_L1},
        {Action::RetryLighter, "retry_lighter"_L1},
        {Action::UseFallback, "use_fallback"_L1},
        {Action::OpenSettings, "open_settings"_L1},
        {Action::InstallModel, "install_model"_L1},
        {Action::InstallCustomNode, "install_custom_node"_L1},
        {Action::CopyDetails, "copy_details"_L1},
}};

const KindInfo &info(ErrorKind kind)
{
    for (const KindInfo &entry : kKinds) {
        if (entry.kind == kind)
            return entry;
    }
    return kKinds[6]; // Unknown; unreachable for valid enum values
}

} // namespace

QString kindName(ErrorKind kind)
{
    return QString(info(kind).name);
}

std::optional<ErrorKind> parseKind(const QString &name)
{
    for (const KindInfo &entry : kKinds) {
        if (name == entry.name)
            return entry.kind;
    }
    return std::nullopt;
}

QList<ErrorKind> allKinds()
{
    QList<ErrorKind> kinds;
    for (const KindInfo &entry : kKinds)
        kinds.append(entry.kind);
    return kinds;
}

QString actionName(Action action)
{
    for (const auto &[value, name] : kActions) {
        if (value == action)
            return QString(name);
    }
    return {};
}

std::optional<Action> parseAction(const QString &name)
{
    for (const auto &[value, actionText] : kActions) {
        if (name == actionText)
            return value;
    }
    return std::nullopt;
}

QList<Action> allActions()
{
    QList<Action> actions;
    for (const auto &entry : kActions)
        actions.append(entry.first);
    return actions;
}

bool isRetryable(ErrorKind kind)
{
    return info(kind).retryable;
}

bool allowsFallback(ErrorKind kind)
{
    return info(kind).fallback;
}

int exitCode(ErrorKind kind)
{
    return info(kind).exitCode;
}

Actions defaultActions(ErrorKind kind)
{
    Actions actions = Action::CopyDetails;
    if (kind != ErrorKind::InvalidParams)
        actions |= Action::Retry;
    if (allowsFallback(kind))
        actions |= Action::UseFallback;
    switch (kind) {
    case ErrorKind::ModelNotFound:
        actions |= Action::InstallModel;
        break;
    case ErrorKind::MissingCustomNode:
        actions |= Action::InstallCustomNode;
        break;
    case ErrorKind::InsufficientVram:
        actions |= Action::RetryLighter;
        break;
    case ErrorKind::Timeout:
        actions |= Action::RetryLighter | Action::OpenSettings;
        break;
    case ErrorKind::NetworkError:
    case ErrorKind::WorkerUnavailable:
    case ErrorKind::AuthFailed:
        actions |= Action::OpenSettings;
        break;
    default:
        break;
    }
    return actions;
}

QString kindTitle(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::ModelNotFound:
        return QCoreApplication::translate("Errors", "Model not found");
    case ErrorKind::InsufficientVram:
        return QCoreApplication::translate("Errors", "Not enough memory");
    case ErrorKind::Timeout:
        return QCoreApplication::translate("Errors", "Timed out");
    case ErrorKind::NetworkError:
        return QCoreApplication::translate("Errors", "Network problem");
    case ErrorKind::WorkerUnavailable:
        return QCoreApplication::translate("Errors", "Server not available");
    case ErrorKind::InvalidParams:
        return QCoreApplication::translate("Errors", "Settings need fixing");
    case ErrorKind::Unknown:
        return QCoreApplication::translate("Errors", "Generation failed");
    case ErrorKind::MissingCustomNode:
        return QCoreApplication::translate("Errors", "Custom node missing");
    case ErrorKind::AuthFailed:
        return QCoreApplication::translate("Errors", "Sign-in failed");
    case ErrorKind::ServerError:
        return QCoreApplication::translate("Errors", "Server error");
    case ErrorKind::Canceled:
        return QCoreApplication::translate("Errors", "Canceled");
    }
    return QCoreApplication::translate("Errors", "Generation failed");
}

} // namespace comfyvideo::errors
