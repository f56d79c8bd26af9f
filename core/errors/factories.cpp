// Errors the client makes itself, and the node-pack lookup.

#include "errors/classification.h"
#include "errors/classifyutil.h"

#include <QCoreApplication>

namespace comfyvideo::errors {

using namespace Qt::StringLiterals;

Error makeTimeout(TimeoutKind timeoutKind, int seconds)
{
    const int minutes = seconds / 60;
    QString message;
    if (timeoutKind == TimeoutKind::Stall) {
        message = QCoreApplication::translate(
                "Errors", "ComfyUI sent no progress for %n seconds.", nullptr, seconds);
    } else if (seconds >= 120) {
        message = QCoreApplication::translate(
                "Errors", "The video was not finished within %n minutes.", nullptr, minutes);
    } else {
        message = QCoreApplication::translate(
                "Errors", "The video was not finished within %n seconds.", nullptr, seconds);
    }
    Error error = Error::make(ErrorKind::Timeout, message);
    error.technicalDetail = (timeoutKind == TimeoutKind::Stall ? u"stall timeout after "_s
                                                               : u"overall timeout after "_s)
                            + QString::number(seconds) + u" s"_s;
    if (timeoutKind == TimeoutKind::Stall) {
        error.tips << QCoreApplication::translate(
                "Errors",
                "The server may be stuck loading a model or busy with other work; "
                "check it, or raise the stall timeout in Settings.");
    } else {
        error.tips << QCoreApplication::translate(
                "Errors", "Make fewer frames or fewer steps, or raise the time limit in Settings.");
    }
    return detail::finish(error);
}

Error makeCanceled()
{
    Error error = Error::make(ErrorKind::Canceled,
                              QCoreApplication::translate("Errors", "You canceled the job."));
    return detail::finish(error);
}

Error makeInvalidParams(const QStringList &problemLines)
{
    QString message = QCoreApplication::translate("Errors", "Some settings need fixing:");
    for (const QString &line : problemLines)
        message += u"\n"_s + line;
    Error error = Error::make(ErrorKind::InvalidParams, message);
    if (!problemLines.isEmpty())
        error.inputName = problemLines.first().section(u':', 0, 0).trimmed();
    error.technicalDetail = problemLines.join(u'\n');
    error.tips << QCoreApplication::translate("Errors",
                                              "Change the marked settings and start again.");
    return detail::finish(error);
}

QString customNodePack(const QString &nodeClass)
{
    if (nodeClass.startsWith(u"ADE_"_s) || nodeClass.startsWith(u"AnimateDiff"_s))
        return u"ComfyUI-AnimateDiff-Evolved"_s;
    if (nodeClass.startsWith(u"VHS_"_s))
        return u"ComfyUI-VideoHelperSuite"_s;
    return {};
}

bool isCoreNodeClass(const QString &nodeClass)
{
    static const QStringList coreVideoNodes{u"SVD_img2vid_Conditioning"_s,
                                            u"ImageOnlyCheckpointLoader"_s,
                                            u"ImageOnlyCheckpointSave"_s,
                                            u"VideoLinearCFGGuidance"_s,
                                            u"VideoTriangleCFGGuidance"_s};
    return coreVideoNodes.contains(nodeClass);
}

} // namespace comfyvideo::errors
