#pragma once

#include <QFlags>
#include <QMetaType>
#include <QString>

#include <optional>

namespace comfyvideo::errors {
Q_NAMESPACE

// What went wrong, as the job scheduler and the user see it. The snake_case names (kindName)
// are stable: they are stored in the job database and printed by the CLI. Add new kinds at the
// end only.
enum class ErrorKind {
    ModelNotFound,     // model_not_found: a checkpoint / motion model / VAE the server lacks
    InsufficientVram,  // insufficient_vram: GPU (or system RAM) ran out of memory
    Timeout,           // timeout: the overall limit passed, or no progress for too long
    NetworkError,      // network_error: DNS, TLS, dropped connection, proxy
    WorkerUnavailable, // worker_unavailable: nothing (or not ComfyUI) answers at the address
    InvalidParams,     // invalid_params: the settings or the workflow are wrong
    Unknown,           // unknown: a node failed for a reason we do not recognise
    MissingCustomNode, // missing_custom_node: the workflow needs a node pack the server lacks
    AuthFailed,        // auth_failed: 401/403, bad or missing token
    ServerError,       // server_error: 5xx, malformed answers, ffmpeg missing on the server
    Canceled,          // canceled: the user stopped the job
};
Q_ENUM_NS(ErrorKind)

// What the error panel may offer. A set, stored with the error.
enum class Action : quint32 {
    None = 0,
    Retry = 0x1,              // run the same job again
    RetryLighter = 0x2,       // run again with fewer frames / lower resolution
    UseFallback = 0x4,        // try the next backend of the chain
    OpenSettings = 0x8,       // server address, token, certificates, timeouts
    InstallModel = 0x10,      // Error::missingName names the model to install
    InstallCustomNode = 0x20, // Error::missingName names the node class (see customNodePack)
    CopyDetails = 0x40,       // Error::copyableDetails()
};
Q_DECLARE_FLAGS(Actions, Action)
Q_FLAG_NS(Actions)

// "model_not_found", "insufficient_vram", ... (stable; never translated).
QString kindName(ErrorKind kind);
// The inverse of kindName; std::nullopt for an unknown name.
std::optional<ErrorKind> parseKind(const QString &name);
// Every kind, in declaration order.
QList<ErrorKind> allKinds();

// "retry" ... (stable names of single actions, for JSON)
QString actionName(Action action);
std::optional<Action> parseAction(const QString &name);
QList<Action> allActions();

// Retry/fallback policy per kind (design.md, "The job's life"):
//   kind                retry (same backend)   fallback (next backend)
//   network_error       yes                    yes
//   worker_unavailable  yes                    yes
//   timeout             yes                    yes
//   server_error        yes                    yes
//   model_not_found     no                     yes
//   missing_custom_node no                     yes
//   insufficient_vram   no                     yes
//   auth_failed         no                     yes (another backend has its own credentials)
//   unknown             no                     yes (a node failing twice the same way is likely)
//   invalid_params      no                     no
//   canceled            no                     no
// A classified Error may deviate from its kind's default (a TLS failure is a network_error that
// is not retried, because a bad certificate does not heal); always read Error::retryable.
bool isRetryable(ErrorKind kind);
bool allowsFallback(ErrorKind kind);

// Command-line exit code per kind. 0 = success and 1 = any other failure are not kinds; 2 is the
// CLI's "invalid usage / invalid input" and doubles as invalid_params.
//   invalid_params 2        model_not_found 10     insufficient_vram 11   timeout 12
//   network_error 13        worker_unavailable 14  unknown 15             missing_custom_node 16
//   auth_failed 17          server_error 18        canceled 19
int exitCode(ErrorKind kind);

// The actions that make sense for a kind before anything case-specific is known.
Actions defaultActions(ErrorKind kind);

// A short translated title for the kind ("Model not found", ...).
QString kindTitle(ErrorKind kind);

} // namespace comfyvideo::errors

Q_DECLARE_OPERATORS_FOR_FLAGS(comfyvideo::errors::Actions)
