#pragma once

#include "errors/error.h"

#include <QAbstractSocket>
#include <QByteArray>
#include <QJsonObject>
#include <QNetworkReply>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

// Pure functions that turn raw failures into an Error. None of them throws or crashes on hostile
// input: anything unexpected becomes a server_error or unknown with the raw text in
// technicalDetail. Every technicalDetail passes through redactSecrets().
namespace comfyvideo::errors {

// The data of a websocket "execution_error" message, or of the "execution_error" entry in a
// /history status.messages list (protocol §3.2, §7). In this order:
//  - exception_type "ExecutionBlocked" -> unknown (a flow-control node stopped the run);
//  - out of memory (exception type ending in OutOfMemoryError, "out of memory" anywhere,
//    "Allocation on device" at the start, CPU "not enough memory: you tried to allocate")
//    -> insufficient_vram, with ComfyUI's "This error means you ran out of memory..." tips
//    suffix stripped from the message;
//  - "Model in folder 'f' with filename 'x' not found." / FileNotFoundError -> model_not_found
//    naming x; "Could not detect model type of: /p/x" -> model_not_found naming x (the file is
//    there but unusable: another checkpoint or another server helps, a retry does not);
//  - AnimateDiff frame limits and motion-module/checkpoint mismatches -> invalid_params;
//  - ffmpeg missing or failing on the server -> server_error, not retried;
//  - DependencyCycleError -> invalid_params;
//  - anything else -> unknown, naming the node.
// Custom-node exception types carry a module path; only the part after the last '.' is matched.
Error classifyExecutionError(const QJsonObject &executionErrorData);

// The data of an "execution_interrupted" message we did not ask for (someone pressed Cancel in
// ComfyUI's own page, or another client interrupted the running prompt). This is a server_error
// that may be retried and may fall back: our user still wants the video. When we asked for the
// interrupt, use makeCanceled() instead.
Error makeInterrupted(const QJsonObject &executionInterruptedData = {});

// The "status" object of a /history/{prompt_id} entry ({status_str, completed, messages}):
// std::nullopt when it reports success (or is still empty); otherwise the classified
// execution_error, or for an execution_interrupted makeCanceled() when `cancelRequested` (we
// interrupted it) and makeInterrupted() when not; an "error" status without either message is
// an unknown error.
std::optional<Error> classifyHistoryStatus(const QJsonObject &status, bool cancelRequested);

// A non-200 answer to POST /prompt (protocol §2.1, §4, §7), any server generation:
//  - 400 prompt_outputs_failed_validation: value_not_in_list on a model input -> model_not_found
//    naming the model (alternatives = the installed ones when the server listed them);
//    custom_validation_failed on LoadImage / VHS_LoadVideo -> invalid_params (uploaded file
//    missing); range, missing input, type mismatch, ... -> invalid_params naming node and input;
//  - 400 invalid_prompt "Cannot execute because node X does not exist." and [new]
//    missing_node_type -> missing_custom_node naming X and its node pack;
//  - 400 prompt_no_outputs, invalid_prompt (no class_type), dependency_cycle -> invalid_params;
//  - 400 no_prompt (object form, and the old {"error": "no prompt"} string form) and
//    invalid_prompt_id -> unknown (a ComfyVideo bug, not the user's settings);
//  - 401/403 -> auth_failed; 409 (prompt_id already exists) -> server_error, neither retried nor
//    falling back (the server may already run that prompt: re-attach to it); 413 ->
//    invalid_params (upload too large); 500 plain text -> server_error (or missing_custom_node
//    when the text names a KeyError on a node class, as servers before 2024-05-20 did);
//    other statuses as classifyNetworkError; a malformed body -> server_error.
// node_errors may be an object or an array.
Error classifyPromptRejection(int httpStatus, const QByteArray &body);

// A failed HTTP request or websocket. `httpStatus` is the HTTP status if an answer arrived
// (0 otherwise), `body` its body, `url` the address asked (shown without user info or query).
//  - OperationCanceledError -> canceled; TimeoutError -> timeout;
//  - ConnectionRefusedError -> worker_unavailable ("ComfyUI is not running at <url>"), retried:
//    a server being restarted comes back;
//  - HostNotFoundError, RemoteHostClosedError, temporary failures, proxy errors -> network_error;
//  - SslHandshakeFailedError and other TLS failures -> network_error, NOT retried;
//  - 401/403 -> auth_failed; 404/405 -> worker_unavailable ("is this a ComfyUI server?"), not
//    retried; 400 with a ComfyUI body -> classifyPromptRejection; 413 -> invalid_params;
//    429, 502, 503, 504 -> worker_unavailable (retried); other 5xx -> server_error (retried).
Error classifyNetworkError(QNetworkReply::NetworkError error,
                           int httpStatus,
                           const QString &errorString,
                           const QByteArray &body = {},
                           const QUrl &url = {});

// A failed websocket (QWebSocket::errorOccurred reports QAbstractSocket::SocketError): mapped
// onto the QNetworkReply codes above and classified the same way (refused -> worker_unavailable,
// TLS -> network_error not retried, socket timeout -> timeout, ...).
Error classifySocketError(QAbstractSocket::SocketError error,
                          const QString &errorString,
                          const QUrl &url = {});

enum class TimeoutKind {
    Overall, // the job's time limit passed
    Stall,   // no progress arrived for a while
};

// A timeout measured by the client.
Error makeTimeout(TimeoutKind timeoutKind, int seconds);

// The user canceled the job.
Error makeCanceled();

// Our own validation refused the request: one "field: message" line per problem.
Error makeInvalidParams(const QStringList &problemLines);

// The node pack that provides a node class, for the install hint: "ComfyUI-AnimateDiff-Evolved"
// for ADE_*, "ComfyUI-VideoHelperSuite" for VHS_*; empty when unknown. isCoreNodeClass() is true
// for the core video nodes (SVD...) that only an older ComfyUI lacks.
QString customNodePack(const QString &nodeClass);
bool isCoreNodeClass(const QString &nodeClass);

} // namespace comfyvideo::errors
