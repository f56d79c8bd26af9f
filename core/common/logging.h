#pragma once

#include <QLoggingCategory>

// Every developer log category of ComfyVideo, declared in one place.
// Enable with QT_LOGGING_RULES, e.g. "comfyvideo.comfy.*=true".
Q_DECLARE_LOGGING_CATEGORY(lcRequest)
Q_DECLARE_LOGGING_CATEGORY(lcComfyHttp)
Q_DECLARE_LOGGING_CATEGORY(lcComfyWs)
Q_DECLARE_LOGGING_CATEGORY(lcWorkflow)
Q_DECLARE_LOGGING_CATEGORY(lcMedia)
Q_DECLARE_LOGGING_CATEGORY(lcSimulator)
Q_DECLARE_LOGGING_CATEGORY(lcApp)
