#pragma once

#include "comfy/failure.h"
#include "errors/error.h"

namespace comfyvideo::comfy {

// The one place where the client's raw failure facts become a user-facing errors::Error:
// transport and HTTP statuses -> classifyNetworkError, POST /prompt rejections ->
// classifyPromptRejection, execution_error -> classifyExecutionError, a foreign interrupt ->
// makeInterrupted, our own cancel -> makeCanceled; a lost prompt is a retryable server error
// (resubmitting helps), an unreadable answer a server error.
errors::Error toError(const Failure &failure);

} // namespace comfyvideo::comfy
