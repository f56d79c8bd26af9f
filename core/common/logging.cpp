#include "common/logging.h"

Q_LOGGING_CATEGORY(lcRequest, "comfyvideo.request", QtInfoMsg)
Q_LOGGING_CATEGORY(lcComfyHttp, "comfyvideo.comfy.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcComfyWs, "comfyvideo.comfy.ws", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWorkflow, "comfyvideo.comfy.workflow", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMedia, "comfyvideo.media", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSimulator, "comfyvideo.simulator", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApp, "comfyvideo.app", QtInfoMsg)
