#include "request/generationrequest.h"

#include <QCoreApplication>

#include <array>
#include <utility>

namespace comfyvideo::request {

namespace {

template<typename Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, QLatin1StringView>, N>;

constexpr NameTable<Kind, 2> KindTable{{
        {Kind::AnimateDiff, QLatin1StringView("animatediff")},
        {Kind::Svd, QLatin1StringView("svd")},
}};

constexpr NameTable<OutputFormat, 3> FormatTable{{
        {OutputFormat::H264Mp4, QLatin1StringView("h264-mp4")},
        {OutputFormat::Webm, QLatin1StringView("webm")},
        {OutputFormat::Gif, QLatin1StringView("gif")},
}};

constexpr NameTable<ContextSchedule, 3> ScheduleTable{{
        {ContextSchedule::StandardUniform, QLatin1StringView("standard-uniform")},
        {ContextSchedule::StandardStatic, QLatin1StringView("standard-static")},
        {ContextSchedule::LoopedUniform, QLatin1StringView("looped-uniform")},
}};

template<typename Enum, std::size_t N>
QString nameOf(const NameTable<Enum, N> &table, Enum value)
{
    for (const auto &[e, name] : table) {
        if (e == value)
            return QString(name);
    }
    return {};
}

template<typename Enum, std::size_t N>
bool parseName(const NameTable<Enum, N> &table, const QString &text, Enum *out)
{
    const QString wanted = text.trimmed();
    for (const auto &[e, name] : table) {
        if (wanted.compare(name, Qt::CaseInsensitive) == 0) {
            if (out)
                *out = e;
            return true;
        }
    }
    return false;
}

template<typename Enum, std::size_t N>
QStringList namesOf(const NameTable<Enum, N> &table)
{
    QStringList names;
    for (const auto &entry : table)
        names.append(QString(entry.second));
    return names;
}

} // namespace

GenerationRequest defaultRequest(Kind kind)
{
    GenerationRequest r; // the member initialisers are the AnimateDiff defaults
    r.kind = kind;
    if (kind == Kind::Svd) {
        r.frames = 25;
        r.fps = 8;
        r.steps = 20;
        r.cfg = 2.5;
        r.sampler = QStringLiteral("euler");
        r.scheduler = QStringLiteral("karras");
        r.width = 1024;
        r.height = 576;
        r.motionBucketId = 127;
        r.augmentationLevel = 0.0;
        r.minCfg = 1.0;
        r.conditioningFps = 6;
    }
    return r;
}

QString kindName(Kind kind)
{
    return nameOf(KindTable, kind);
}

QString formatName(OutputFormat f)
{
    return nameOf(FormatTable, f);
}

QString scheduleName(ContextSchedule s)
{
    return nameOf(ScheduleTable, s);
}

bool parseKind(const QString &name, Kind *out)
{
    return parseName(KindTable, name, out);
}

bool parseFormat(const QString &name, OutputFormat *out)
{
    return parseName(FormatTable, name, out);
}

bool parseSchedule(const QString &name, ContextSchedule *out)
{
    return parseName(ScheduleTable, name, out);
}

QStringList kindNames()
{
    return namesOf(KindTable);
}

QStringList formatNames()
{
    return namesOf(FormatTable);
}

QStringList scheduleNames()
{
    return namesOf(ScheduleTable);
}

QString kindDisplayName(Kind kind)
{
    switch (kind) {
    case Kind::AnimateDiff:
        return QCoreApplication::translate("GenerationRequest", "AnimateDiff (text to video)");
    case Kind::Svd:
        return QCoreApplication::translate("GenerationRequest",
                                           "Stable Video Diffusion (image to video)");
    }
    return {};
}

QString formatDisplayName(OutputFormat f)
{
    switch (f) {
    case OutputFormat::H264Mp4:
        return QCoreApplication::translate("GenerationRequest", "H.264 MP4");
    case OutputFormat::Webm:
        return QCoreApplication::translate("GenerationRequest", "WebM (VP9)");
    case OutputFormat::Gif:
        return QCoreApplication::translate("GenerationRequest", "Animated GIF");
    }
    return {};
}

QString scheduleDisplayName(ContextSchedule s)
{
    switch (s) {
    case ContextSchedule::StandardUniform:
        return QCoreApplication::translate("GenerationRequest", "Standard uniform");
    case ContextSchedule::StandardStatic:
        return QCoreApplication::translate("GenerationRequest", "Standard static");
    case ContextSchedule::LoopedUniform:
        return QCoreApplication::translate("GenerationRequest", "Looped uniform");
    }
    return {};
}

int svdDefaultFrames(const QString &checkpoint)
{
    if (checkpoint.trimmed().isEmpty())
        return 25;
    QString name = checkpoint.toLower();
    name.replace(QLatin1Char('-'), QLatin1Char('_')).replace(QLatin1Char(' '), QLatin1Char('_'));
    const bool xt = name.contains(QLatin1StringView("svd_xt"))
                    || name.contains(QLatin1StringView("svdxt"));
    return xt ? 25 : 14;
}

} // namespace comfyvideo::request
