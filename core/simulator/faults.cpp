#include "simulator/faults.h"

#include <QCoreApplication>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <limits>

namespace comfyvideo::simulator {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("FaultSet", text);
}

struct FaultKind
{
    QStringList required;
    QStringList optional;
};

const QHash<QString, FaultKind> &faultKinds()
{
    static const QHash<QString, FaultKind> kinds = {
            {u"ws-drop"_s, {{u"after"_s}, {}}},
            {u"ws-refuse"_s, {{}, {}}},
            {u"http-error"_s, {{u"route"_s}, {u"status"_s, u"count"_s}}},
            {u"hang"_s, {{u"route"_s}, {}}},
            {u"view-slow"_s, {{u"bps"_s}, {}}},
            {u"view-truncate"_s, {{u"bytes"_s}, {}}},
            {u"malformed-json"_s, {{u"route"_s}, {}}},
            {u"restart"_s, {{u"after"_s}, {}}},
            {u"oom"_s, {{u"limit"_s}, {}}},
            {u"hostile-names"_s, {{u"mode"_s}, {}}},
    };
    return kinds;
}

std::expected<qint64, QString> parseInteger(const QString &key, const QString &text, qint64 min)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || text.isEmpty() || text.front().isSpace())
        return std::unexpected(tr("value of \"%1\" is not an integer: \"%2\"").arg(key, text));
    if (value < min)
        return std::unexpected(
                tr("value of \"%1\" must be at least %2, got %3").arg(key).arg(min).arg(value));
    return value;
}

QString normalizedRoute(const QString &route)
{
    QString result = route;
    if (result == u"/api")
        return u"/"_s;
    if (result.startsWith(u"/api/"))
        result.remove(0, 4);
    return result;
}

// Applies one key=value to the fault; the key is known to be allowed for fault.name.
std::expected<void, QString> applyKey(Fault &fault, const QString &key, const QString &value)
{
    if (key == u"route") {
        if (!value.startsWith(u'/'))
            return std::unexpected(tr("route must start with \"/\": \"%1\"").arg(value));
        fault.route = normalizedRoute(value);
        return {};
    }
    if (key == u"mode") {
        static const QStringList modes = {u"traversal"_s, u"absolute"_s, u"long"_s, u"unicode"_s};
        if (!modes.contains(value))
            return std::unexpected(tr("unknown mode \"%1\" (expected one of: %2)")
                                           .arg(value, modes.join(u", "_s)));
        fault.mode = value;
        return {};
    }
    if (key == u"count") {
        if (value == u"-1") {
            fault.count = -1;
            return {};
        }
        const auto count = parseInteger(key, value, 1);
        if (!count)
            return std::unexpected(count.error());
        if (*count > std::numeric_limits<int>::max())
            return std::unexpected(tr("value of \"count\" is too large: %1").arg(value));
        fault.count = int(*count);
        return {};
    }
    if (key == u"status") {
        const auto status = parseInteger(key, value, 100);
        if (!status)
            return std::unexpected(status.error());
        if (*status > 599)
            return std::unexpected(tr("status must be between 100 and 599, got %1").arg(value));
        fault.status = int(*status);
        return {};
    }
    // after, bps, bytes, limit
    const qint64 min = (key == u"bps" || key == u"limit") ? 1 : 0;
    const auto number = parseInteger(key, value, min);
    if (!number)
        return std::unexpected(number.error());
    fault.value = *number;
    return {};
}

} // namespace

std::expected<Fault, QString> FaultSet::parse(const QString &spec)
{
    const QString trimmed = spec.trimmed();
    const qsizetype colon = trimmed.indexOf(u':');
    Fault fault;
    fault.name = (colon < 0 ? trimmed : trimmed.left(colon)).trimmed();
    if (fault.name.isEmpty())
        return std::unexpected(tr("empty fault specification"));
    const auto kind = faultKinds().constFind(fault.name);
    if (kind == faultKinds().cend()) {
        QStringList names = faultKinds().keys();
        names.sort();
        return std::unexpected(
                tr("unknown fault \"%1\" (known: %2)").arg(fault.name, names.join(u", "_s)));
    }
    QSet<QString> seen;
    if (colon >= 0) {
        const QStringList pairs = trimmed.mid(colon + 1).split(u',');
        for (const QString &pair : pairs) {
            const qsizetype eq = pair.indexOf(u'=');
            const QString key = (eq < 0 ? pair : pair.left(eq)).trimmed();
            if (eq < 0)
                return std::unexpected(tr("expected key=value in \"%1\", got \"%2\"")
                                               .arg(fault.name, pair.trimmed()));
            const QString value = pair.mid(eq + 1).trimmed();
            if (!kind->required.contains(key) && !kind->optional.contains(key)) {
                const QStringList allowed = kind->required + kind->optional;
                return std::unexpected(
                        tr("fault \"%1\" has no key \"%2\" (allowed: %3)")
                                .arg(fault.name,
                                     key,
                                     allowed.isEmpty() ? tr("none") : allowed.join(u", "_s)));
            }
            if (seen.contains(key))
                return std::unexpected(tr("key \"%1\" given twice").arg(key));
            seen.insert(key);
            if (const auto applied = applyKey(fault, key, value); !applied)
                return std::unexpected(tr("fault \"%1\": %2").arg(fault.name, applied.error()));
        }
    }
    for (const QString &key : kind->required) {
        if (!seen.contains(key))
            return std::unexpected(tr("fault \"%1\" needs \"%2=...\"").arg(fault.name, key));
    }
    return fault;
}

std::expected<void, QString> FaultSet::add(const QString &spec)
{
    auto fault = parse(spec);
    if (!fault)
        return std::unexpected(fault.error());
    add(*fault);
    return {};
}

void FaultSet::add(const Fault &fault)
{
    m_faults.append(fault);
}

void FaultSet::clear()
{
    m_faults.clear();
}

std::optional<Fault> FaultSet::find(const QString &name) const
{
    for (const Fault &fault : m_faults) {
        if (fault.name == name)
            return fault;
    }
    return std::nullopt;
}

std::optional<int> FaultSet::takeHttpError(const QString &route)
{
    for (qsizetype i = 0; i < m_faults.size(); ++i) {
        Fault &fault = m_faults[i];
        if (fault.name != u"http-error" || fault.count == 0 || !routeMatches(fault.route, route))
            continue;
        const int status = fault.status;
        if (fault.count > 0 && --fault.count == 0)
            m_faults.removeAt(i);
        return status;
    }
    return std::nullopt;
}

bool FaultSet::hangs(const QString &route) const
{
    return std::ranges::any_of(m_faults, [&](const Fault &fault) {
        return fault.name == u"hang" && routeMatches(fault.route, route);
    });
}

bool FaultSet::malformsJson(const QString &route) const
{
    return std::ranges::any_of(m_faults, [&](const Fault &fault) {
        return fault.name == u"malformed-json" && routeMatches(fault.route, route);
    });
}

bool FaultSet::routeMatches(const QString &faultRoute, const QString &path)
{
    const QStringList want = normalizedRoute(faultRoute).split(u'/', Qt::SkipEmptyParts);
    const QStringList have = path.split(u'/', Qt::SkipEmptyParts);
    if (want.size() > have.size())
        return false;
    for (qsizetype i = 0; i < want.size(); ++i) {
        const QString &segment = want.at(i);
        const bool wildcard = segment.startsWith(u'{') && segment.endsWith(u'}');
        if (!wildcard && segment != have.at(i))
            return false;
    }
    return true;
}

} // namespace comfyvideo::simulator
