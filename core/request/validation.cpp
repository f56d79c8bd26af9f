#include "request/validation.h"

#include <QCoreApplication>

#include <cmath>
#include <limits>

namespace comfyvideo::request {

namespace {

using namespace Qt::StringLiterals;

// Shows a finite double the way a person would type it ("7.25", "150", "-0.1").
QString number(double value)
{
    return QString::number(value, 'g', 10);
}

class Checker
{
public:
    explicit Checker(const GenerationRequest &request)
        : m_request(request)
    {}

    FieldProblems run()
    {
        if (m_request.kind == Kind::AnimateDiff)
            checkPrompt();
        checkFrames();
        checkShared();
        if (m_request.kind == Kind::AnimateDiff)
            checkAnimateDiff();
        else
            checkSvd();
        return m_problems;
    }

private:
    void add(const QString &field, const QString &message)
    {
        m_problems.append(FieldProblem{field, message});
    }

    // `message` holds %1 (min), %2 (max) and %3 (the value).
    void intRange(const QString &field, int value, int min, int max, const QString &message)
    {
        if (value < min || value > max)
            add(field, message.arg(min).arg(max).arg(value));
    }

    void doubleRange(const QString &field,
                     double value,
                     double min,
                     double max,
                     const QString &message,
                     const QString &notFinite)
    {
        if (!std::isfinite(value))
            add(field, notFinite.arg(min).arg(max));
        else if (value < min || value > max)
            add(field, message.arg(min).arg(max).arg(number(value)));
    }

    void checkPrompt()
    {
        if (m_request.prompt.trimmed().isEmpty())
            add(u"prompt"_s,
                QCoreApplication::translate(
                        "RequestValidation",
                        "Describe the video in the prompt; AnimateDiff needs a prompt."));
    }

    void checkFrames()
    {
        if (m_request.kind == Kind::AnimateDiff) {
            intRange(
                    u"frames"_s,
                    m_request.frames,
                    limits::AnimateDiffMinFrames,
                    limits::AnimateDiffMaxFrames,
                    QCoreApplication::translate(
                            "RequestValidation",
                            "Frames must be between %1 and %2 for AnimateDiff; you asked for %3."));
        } else {
            intRange(u"frames"_s,
                     m_request.frames,
                     limits::SvdMinFrames,
                     limits::SvdMaxFrames,
                     QCoreApplication::translate(
                             "RequestValidation",
                             "Frames must be between %1 and %2 for SVD; you asked for %3."));
        }
    }

    void checkShared()
    {
        intRange(u"fps"_s,
                 m_request.fps,
                 limits::MinFps,
                 limits::MaxFps,
                 QCoreApplication::translate(
                         "RequestValidation",
                         "Frames per second must be between %1 and %2; you asked for %3."));
        intRange(u"steps"_s,
                 m_request.steps,
                 limits::MinSteps,
                 limits::MaxSteps,
                 QCoreApplication::translate("RequestValidation",
                                             "Steps must be between %1 and %2; you asked for %3."));
        doubleRange(u"cfg"_s,
                    m_request.cfg,
                    limits::MinCfg,
                    limits::MaxCfg,
                    QCoreApplication::translate("RequestValidation",
                                                "CFG must be between %1 and %2; you asked for %3."),
                    QCoreApplication::translate(
                            "RequestValidation",
                            "CFG is not a number; enter a value between %1 and %2."));
        if (m_request.sampler.trimmed().isEmpty())
            add(u"sampler"_s,
                QCoreApplication::translate("RequestValidation",
                                            "Choose a sampler (for example euler)."));
        if (m_request.scheduler.trimmed().isEmpty())
            add(u"scheduler"_s,
                QCoreApplication::translate("RequestValidation",
                                            "Choose a scheduler (for example normal or karras)."));
        checkSide(u"width"_s,
                  m_request.width,
                  QCoreApplication::translate(
                          "RequestValidation",
                          "Width must be between %1 and %2 pixels; you asked for %3."),
                  QCoreApplication::translate(
                          "RequestValidation",
                          "Width must be a multiple of %1; you asked for %2. Try %3 or %4."));
        checkSide(u"height"_s,
                  m_request.height,
                  QCoreApplication::translate(
                          "RequestValidation",
                          "Height must be between %1 and %2 pixels; you asked for %3."),
                  QCoreApplication::translate(
                          "RequestValidation",
                          "Height must be a multiple of %1; you asked for %2. Try %3 or %4."));
        intRange(u"crf"_s,
                 m_request.crf,
                 0,
                 limits::MaxCrf,
                 QCoreApplication::translate("RequestValidation",
                                             "Quality (CRF) must be between %1 (best) and %2 "
                                             "(smallest file); you asked for %3."));
    }

    void checkSide(const QString &field, int value, const QString &range, const QString &step)
    {
        if (value < limits::MinSide || value > limits::MaxSide) {
            add(field, range.arg(limits::MinSide).arg(limits::MaxSide).arg(value));
        } else if (value % limits::SideStep != 0) {
            const int below = value - value % limits::SideStep;
            add(field,
                step.arg(limits::SideStep).arg(value).arg(below).arg(below + limits::SideStep));
        }
    }

    void checkAnimateDiff()
    {
        if (m_request.betaSchedule.trimmed().isEmpty())
            add(u"betaSchedule"_s,
                QCoreApplication::translate(
                        "RequestValidation",
                        "Choose a beta schedule (autoselect suits most motion modules)."));
        intRange(u"contextLength"_s,
                 m_request.contextLength,
                 1,
                 limits::MaxContextLength,
                 QCoreApplication::translate(
                         "RequestValidation",
                         "Context length must be between %1 and %2 frames; you asked for %3."));
        checkOverlap();
        intRange(u"contextStride"_s,
                 m_request.contextStride,
                 1,
                 limits::MaxContextStride,
                 QCoreApplication::translate(
                         "RequestValidation",
                         "Context stride must be between %1 and %2; you asked for %3."));
        if (m_request.closedLoop && m_request.contextSchedule != ContextSchedule::LoopedUniform)
            add(u"closedLoop"_s,
                QCoreApplication::translate("RequestValidation",
                                            "A seamless loop needs the looped uniform context "
                                            "schedule; choose it or turn the loop off."));
    }

    void checkOverlap()
    {
        if (m_request.contextOverlap < 0) {
            add(u"contextOverlap"_s,
                QCoreApplication::translate("RequestValidation",
                                            "Context overlap cannot be negative; you asked for %1.")
                        .arg(m_request.contextOverlap));
        } else if (m_request.contextLength >= 1
                   && m_request.contextLength <= limits::MaxContextLength
                   && m_request.contextOverlap >= m_request.contextLength) {
            add(u"contextOverlap"_s,
                QCoreApplication::translate("RequestValidation",
                                            "Context overlap must be smaller than the context "
                                            "length (%1); you asked for %2.")
                        .arg(m_request.contextLength)
                        .arg(m_request.contextOverlap));
        }
    }

    void checkSvd()
    {
        m_problems.append(validateReferenceImage(m_request.referenceImage));
        intRange(u"motionBucketId"_s,
                 m_request.motionBucketId,
                 limits::MinMotionBucket,
                 limits::MaxMotionBucket,
                 QCoreApplication::translate("RequestValidation",
                                             "Motion bucket must be between %1 and %2 (higher "
                                             "means more motion); you asked for %3."));
        doubleRange(u"augmentationLevel"_s,
                    m_request.augmentationLevel,
                    0.0,
                    limits::MaxAugmentation,
                    QCoreApplication::translate(
                            "RequestValidation",
                            "Augmentation must be between %1 and %2; you asked for %3."),
                    QCoreApplication::translate(
                            "RequestValidation",
                            "Augmentation is not a number; enter a value between %1 and %2."));
        doubleRange(u"minCfg"_s,
                    m_request.minCfg,
                    limits::MinCfg,
                    limits::MaxCfg,
                    QCoreApplication::translate(
                            "RequestValidation",
                            "Minimum CFG must be between %1 and %2; you asked for %3."),
                    QCoreApplication::translate(
                            "RequestValidation",
                            "Minimum CFG is not a number; enter a value between %1 and %2."));
        intRange(u"conditioningFps"_s,
                 m_request.conditioningFps,
                 limits::MinConditioningFps,
                 limits::MaxConditioningFps,
                 QCoreApplication::translate("RequestValidation",
                                             "Conditioning frames per second must be between %1 "
                                             "and %2; you asked for %3."));
    }

    const GenerationRequest &m_request;
    FieldProblems m_problems;
};

QString shortened(const QString &text)
{
    constexpr qsizetype MaxShown = 40;
    return text.size() <= MaxShown ? text : text.left(MaxShown) + QChar(0x2026);
}

bool allDigits(QStringView text)
{
    for (const QChar c : text) {
        if (c < u'0' || c > u'9')
            return false;
    }
    return !text.isEmpty();
}

} // namespace

FieldProblems validate(const GenerationRequest &request)
{
    return Checker(request).run();
}

bool parseSeed(const QString &text, quint64 *out, QString *error)
{
    constexpr quint64 Max = std::numeric_limits<quint64>::max();
    const QString maxText = QString::number(Max);
    const QString t = text.trimmed();
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (t.isEmpty())
        return fail(QCoreApplication::translate("RequestValidation",
                                                "Enter a seed: a whole number from 0 to %1.")
                            .arg(maxText));
    if (t.startsWith(u'-') && allDigits(QStringView(t).mid(1)))
        return fail(QCoreApplication::translate(
                            "RequestValidation",
                            "The seed cannot be negative (%1); use a whole number from 0 to %2.")
                            .arg(shortened(t), maxText));
    if (!allDigits(t))
        return fail(QCoreApplication::translate("RequestValidation",
                                                "The seed “%1” is not a whole number; "
                                                "use only the digits 0-9, from 0 to %2.")
                            .arg(shortened(t), maxText));
    quint64 value = 0;
    for (const QChar c : t) {
        const auto digit = quint64(c.unicode() - u'0');
        if (value > (Max - digit) / 10)
            return fail(
                    QCoreApplication::translate("RequestValidation",
                                                "The seed %1 is too large; the largest seed is %2.")
                            .arg(shortened(t), maxText));
        value = value * 10 + digit;
    }
    if (out)
        *out = value;
    return true;
}

QString formatProblems(const FieldProblems &problems)
{
    QStringList lines;
    for (const FieldProblem &p : problems)
        lines.append(p.field.isEmpty() ? p.message : p.field + u": "_s + p.message);
    return lines.join(u'\n');
}

} // namespace comfyvideo::request
