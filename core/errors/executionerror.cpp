// classifyExecutionError and makeInterrupted: failures reported while a prompt runs.

#include "errors/classification.h"
#include "errors/classifyutil.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QLocale>
#include <QRegularExpression>

namespace comfyvideo::errors {

namespace {

using namespace Qt::StringLiterals;
using namespace detail;

const QString kOomTipsMarker = u"\nThis error means you ran out of memory on your GPU."_s;

// The fields of an execution_error we look at.
struct RawFailure
{
    QString type;    // last component of exception_type
    QString message; // exception_message without ComfyUI's tips suffix, trimmed
    QString fullType;
    QString nodeId;
    QString nodeType;
    QString technical;
};

QString stripOomTips(const QString &message)
{
    const qsizetype at = message.indexOf(kOomTipsMarker, 0, Qt::CaseInsensitive);
    return (at < 0 ? message : message.left(at)).trimmed();
}

QString technicalText(const QJsonObject &data, const QString &fullType, const QString &message)
{
    QStringList lines;
    lines << (fullType.isEmpty() ? message : fullType + u": "_s + message);
    const QJsonArray traceback = data.value(u"traceback"_s).toArray();
    if (!traceback.isEmpty()) {
        lines << u"Traceback (most recent call last):"_s;
        for (const QJsonValue &frame : traceback)
            lines << frame.toString().trimmed();
    }
    return lines.join(u'\n');
}

RawFailure readFailure(const QJsonObject &data)
{
    RawFailure raw;
    raw.fullType = data.value(u"exception_type"_s).toString().trimmed();
    raw.type = lastComponent(raw.fullType);
    const QString message = data.value(u"exception_message"_s).toString();
    raw.message = stripOomTips(message);
    raw.nodeId = data.value(u"node_id"_s).toVariant().toString();
    raw.nodeType = data.value(u"node_type"_s).toString();
    raw.technical = technicalText(data, raw.fullType, message.trimmed());
    return raw;
}

Error start(const RawFailure &raw, ErrorKind kind, const QString &message)
{
    Error error = Error::make(kind, message);
    error.nodeId = raw.nodeId;
    error.nodeType = raw.nodeType;
    error.technicalDetail = raw.technical;
    return error;
}

bool isOutOfMemory(const RawFailure &raw)
{
    return raw.type.endsWith(u"OutOfMemoryError"_s)
           || raw.message.contains(u"out of memory"_s, Qt::CaseInsensitive)
           || raw.message.startsWith(u"Allocation on device"_s, Qt::CaseInsensitive)
           || raw.message.contains(u"not enough memory: you tried to allocate"_s,
                                   Qt::CaseInsensitive);
}

Error outOfMemory(const RawFailure &raw)
{
    const QString where = nodeText(raw.nodeType, raw.nodeId);
    static const QRegularExpression cpuRe(
            u"not enough memory: you tried to allocate (\\d+) bytes"_s,
            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch cpu = cpuRe.match(raw.message);
    if (cpu.hasMatch()) {
        const QString size = QLocale().formattedDataSize(cpu.captured(1).toLongLong());
        Error error = start(raw,
                            ErrorKind::InsufficientVram,
                            QCoreApplication::translate(
                                    "Errors",
                                    "The server ran out of system memory (RAM) in %1: it needed %2 "
                                    "more.")
                                    .arg(where, size));
        error.tips << QCoreApplication::translate(
                "Errors",
                "Make a shorter or smaller video, or add RAM or swap space on the server.");
        error.tips << QCoreApplication::translate(
                "Errors", "Close other programs on the server that use a lot of memory.");
        return error;
    }
    Error error = start(raw,
                        ErrorKind::InsufficientVram,
                        QCoreApplication::translate(
                                "Errors", "The server's graphics card ran out of memory in %1.")
                                .arg(where));
    static const QRegularExpression triedRe(u"Tried to allocate ([0-9.]+ ?[KMGT]i?B)"_s,
                                            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch tried = triedRe.match(raw.message);
    if (tried.hasMatch()) {
        error.userMessage += u' '
                             + QCoreApplication::translate("Errors", "It needed %1 more.")
                                       .arg(tried.captured(1));
    }
    error.tips << QCoreApplication::translate(
            "Errors", "Make fewer frames or a smaller size, then try again.");
    error.tips << QCoreApplication::translate(
            "Errors",
            "For long AnimateDiff clips, use context options with a context length of 16 so "
            "only one window of frames is in memory at a time.");
    error.tips << QCoreApplication::translate(
            "Errors",
            "Close other programs that use the server's GPU, or start ComfyUI with --lowvram.");
    return error;
}

std::optional<Error> missingModel(const RawFailure &raw)
{
    static const QRegularExpression folderRe(
            u"Model in folder '([^']*)' with filename '([^']*)' not found"_s,
            QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression detectRe(u"Could not detect model type of:?\\s*([^\\n]+)"_s,
                                             QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression fileRe(u"No such file or directory:\\s*'([^']+)'"_s);
    if (const QRegularExpressionMatch m = folderRe.match(raw.message); m.hasMatch()) {
        Error error
                = start(raw,
                        ErrorKind::ModelNotFound,
                        QCoreApplication::translate(
                                "Errors", "The model %1 is no longer in the server's %2 folder.")
                                .arg(m.captured(2), m.captured(1)));
        error.missingName = m.captured(2);
        error.tips << QCoreApplication::translate(
                "Errors",
                "Refresh the model list and pick an installed model, or put the file "
                "back on the server.");
        return error;
    }
    if (const QRegularExpressionMatch m = detectRe.match(raw.message); m.hasMatch()) {
        Error error = start(raw,
                            ErrorKind::ModelNotFound,
                            QCoreApplication::translate(
                                    "Errors",
                                    "ComfyUI cannot use the checkpoint %1: it is damaged or of a "
                                    "type ComfyUI does not know.")
                                    .arg(baseName(m.captured(1))));
        error.missingName = baseName(m.captured(1));
        error.tips << QCoreApplication::translate(
                "Errors", "Pick another checkpoint, or download this one again on the server.");
        return error;
    }
    if (raw.type != u"FileNotFoundError"_s)
        return std::nullopt;
    const QRegularExpressionMatch m = fileRe.match(raw.message);
    const QString name = m.hasMatch() ? baseName(m.captured(1)) : QString();
    Error error = start(
            raw,
            ErrorKind::ModelNotFound,
            name.isEmpty()
                    ? QCoreApplication::translate("Errors",
                                                  "A file %1 needs is missing on the server.")
                              .arg(nodeText(raw.nodeType, raw.nodeId))
                    : QCoreApplication::translate("Errors", "The file %1 is missing on the server.")
                              .arg(name));
    error.missingName = name;
    error.tips << QCoreApplication::translate(
            "Errors", "Refresh the model list and pick files the server has.");
    return error;
}

std::optional<Error> animateDiffProblem(const RawFailure &raw)
{
    static const QRegularExpression framesRe(
            u"has upper limit of (\\d+) frames, but received (\\d+) latents"_s);
    static const QRegularExpression contextRe(
            u"has upper limit of (\\d+) frames for a context window, but received context "
            u"length of (\\d+)"_s);
    static const QRegularExpression mismatchRe(
            u"Motion module '([^']+)' is intended for (\\S+) models, but the provided model is "
            u"type (\\S+?)\\.?$"_s,
            QRegularExpression::MultilineOption);
    if (const QRegularExpressionMatch m = framesRe.match(raw.message); m.hasMatch()) {
        Error error = start(raw,
                            ErrorKind::InvalidParams,
                            QCoreApplication::translate("Errors",
                                                        "This motion model can make at most %1 "
                                                        "frames at once, but %2 were asked for.")
                                    .arg(m.captured(1), m.captured(2)));
        error.tips << QCoreApplication::translate(
                              "Errors",
                              "Turn on context options (a sliding window of 16 frames), or "
                              "ask for %1 frames or fewer.")
                              .arg(m.captured(1));
        return error;
    }
    if (const QRegularExpressionMatch m = contextRe.match(raw.message); m.hasMatch()) {
        Error error = start(raw,
                            ErrorKind::InvalidParams,
                            QCoreApplication::translate(
                                    "Errors",
                                    "The context length %1 is too long for this motion model "
                                    "(at most %2 frames).")
                                    .arg(m.captured(2), m.captured(1)));
        error.inputName = u"context_length"_s;
        error.tips << QCoreApplication::translate("Errors", "Set the context length to %1 or less.")
                              .arg(m.captured(1));
        return error;
    }
    if (const QRegularExpressionMatch m = mismatchRe.match(raw.message); m.hasMatch()) {
        Error error = start(raw,
                            ErrorKind::InvalidParams,
                            QCoreApplication::translate("Errors",
                                                        "The motion module %1 is made for %2 "
                                                        "checkpoints, but the checkpoint is %3.")
                                    .arg(m.captured(1), m.captured(2), m.captured(3)));
        error.tips << QCoreApplication::translate(
                              "Errors", "Pick an %1 checkpoint, or a motion module made for %2.")
                              .arg(m.captured(2), m.captured(3));
        return error;
    }
    return std::nullopt;
}

// "An error occurred in the ffmpeg prepass:\n<ffmpeg's message>" -> ffmpeg's message.
QString ffmpegReason(const QString &message)
{
    const qsizetype newline = message.indexOf(u'\n');
    if (message.startsWith(u"An error occur"_s, Qt::CaseInsensitive) && newline > 0) {
        const QString rest = firstLine(message.mid(newline + 1));
        if (!rest.isEmpty())
            return rest;
    }
    return firstLine(message);
}

std::optional<Error> ffmpegProblem(const RawFailure &raw)
{
    if (!raw.message.contains(u"ffmpeg"_s, Qt::CaseInsensitive))
        return std::nullopt;
    const bool missing = raw.message.contains(u"could not be found"_s, Qt::CaseInsensitive)
                         || raw.type == u"ProcessLookupError"_s;
    Error error = start(
            raw,
            ErrorKind::ServerError,
            missing ? QCoreApplication::translate("Errors",
                                                  "The server cannot write videos: ffmpeg is not "
                                                  "installed there.")
                    : QCoreApplication::translate("Errors",
                                                  "ffmpeg failed on the server while writing "
                                                  "the video: %1")
                              .arg(ffmpegReason(raw.message)));
    error.retryable = false;
    error.actions &= ~Actions(Action::Retry);
    error.tips << (missing ? QCoreApplication::translate(
                           "Errors",
                           "Install ffmpeg on the server (or the imageio-ffmpeg Python "
                           "package), then restart ComfyUI.")
                           : QCoreApplication::translate(
                                   "Errors",
                                   "Try another output format, or look at the "
                                   "server's log for the ffmpeg message."));
    return error;
}

Error otherFailure(const RawFailure &raw)
{
    if (raw.type == u"ExecutionBlocked"_s) {
        Error error
                = start(raw,
                        ErrorKind::Unknown,
                        QCoreApplication::translate("Errors",
                                                    "A flow-control node blocked the run in %1: %2")
                                .arg(nodeText(raw.nodeType, raw.nodeId), firstLine(raw.message)));
        return error;
    }
    if (raw.type == u"DependencyCycleError"_s
        || raw.message.contains(u"Dependency cycle detected"_s, Qt::CaseInsensitive)) {
        Error error = start(raw,
                            ErrorKind::InvalidParams,
                            QCoreApplication::translate(
                                    "Errors", "The workflow contains a loop, so it cannot run."));
        error.tips << QCoreApplication::translate(
                "Errors", "Fix the workflow template so no node depends on its own output.");
        return error;
    }
    const QString text = firstLine(raw.message);
    Error error = start(raw,
                        ErrorKind::Unknown,
                        text.isEmpty() ? QCoreApplication::translate("Errors", "%1 failed.")
                                                 .arg(nodeText(raw.nodeType, raw.nodeId))
                                       : QCoreApplication::translate("Errors", "%1 failed: %2")
                                                 .arg(nodeText(raw.nodeType, raw.nodeId), text));
    if (raw.nodeType.startsWith(u"ADE_"_s) || raw.message.contains(u"AnimateDiff"_s)
        || raw.message.contains(u"Motion module"_s, Qt::CaseInsensitive)) {
        error.tips << QCoreApplication::translate(
                "Errors", "Check the motion model, the checkpoint and the context options.");
    }
    error.tips << QCoreApplication::translate(
            "Errors", "Copy the details and look at the server's log for the full error.");
    return error;
}

} // namespace

Error classifyExecutionError(const QJsonObject &executionErrorData)
{
    const RawFailure raw = readFailure(executionErrorData);
    if (raw.type == u"ExecutionBlocked"_s)
        return finish(otherFailure(raw));
    if (isOutOfMemory(raw))
        return finish(outOfMemory(raw));
    if (std::optional<Error> error = missingModel(raw))
        return finish(*error);
    if (std::optional<Error> error = animateDiffProblem(raw))
        return finish(*error);
    if (std::optional<Error> error = ffmpegProblem(raw))
        return finish(*error);
    return finish(otherFailure(raw));
}

Error makeInterrupted(const QJsonObject &executionInterruptedData)
{
    Error error = Error::make(
            ErrorKind::ServerError,
            QCoreApplication::translate("Errors",
                                        "The video was stopped on the server: someone interrupted "
                                        "it there."));
    error.nodeId = executionInterruptedData.value(u"node_id"_s).toVariant().toString();
    error.nodeType = executionInterruptedData.value(u"node_type"_s).toString();
    error.technicalDetail = u"execution_interrupted in "_s + nodeText(error.nodeType, error.nodeId);
    error.tips << QCoreApplication::translate(
            "Errors",
            "If other people use this server, ask them not to stop running prompts, or use a "
            "server of your own.");
    return finish(error);
}

std::optional<Error> classifyHistoryStatus(const QJsonObject &status, bool cancelRequested)
{
    const QString statusText = status.value(u"status_str"_s).toString();
    if (statusText != u"error"_s)
        return std::nullopt;
    const QJsonArray messages = status.value(u"messages"_s).toArray();
    for (qsizetype i = messages.size() - 1; i >= 0; --i) {
        const QJsonArray pair = messages.at(i).toArray();
        const QString event = pair.at(0).toString();
        const QJsonObject data = pair.at(1).toObject();
        if (event == u"execution_error"_s)
            return classifyExecutionError(data);
        if (event == u"execution_interrupted"_s)
            return cancelRequested ? makeCanceled() : makeInterrupted(data);
    }
    Error error = Error::make(
            ErrorKind::Unknown,
            QCoreApplication::translate("Errors",
                                        "ComfyUI reports that the video failed, without "
                                        "saying why."));
    error.tips << QCoreApplication::translate(
            "Errors", "Look at the ComfyUI log on the server for the error.");
    return finish(error);
}

} // namespace comfyvideo::errors
