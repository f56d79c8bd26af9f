#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <expected>
#include <optional>

namespace comfyvideo::simulator {

// Switchable misbehaviour, from `comfyui-sim --fault SPEC` and from the control route
// POST /sim/faults {"add": "SPEC"} / {"clear": true}. SPEC is "name" or
// "name:key=value,key=value". Names and keys:
//   ws-drop:after=N            close each WebSocket after it was sent N messages
//   ws-refuse                  answer WebSocket upgrades with 503
//   http-error:route=/prompt,status=503,count=3   the next `count` requests to the route fail
//   hang:route=/history        requests to the route are never answered
//   view-slow:bps=100000       /view bodies are sent at that many bytes per second
//   view-truncate:bytes=1000   /view bodies stop (connection closed) after that many bytes
//   malformed-json:route=/queue   JSON answers of the route are cut in half
//   restart:after=N            after N prompts finished, forget queue + history, drop sockets
//   oom:limit=N                a prompt whose width*height*frames exceeds N fails with OOM
//   hostile-names:mode=traversal|absolute|long|unicode   output file names reported hostile
struct Fault
{
    QString name;
    QString route;    // http-error, hang, malformed-json (without "/api")
    int status = 503; // http-error
    int count = -1;   // http-error: remaining; -1 = forever
    qint64 value = 0; // ws-drop after, view-slow bps, view-truncate bytes, restart after, oom limit
    QString mode;     // hostile-names
};

class FaultSet
{
public:
    static std::expected<Fault, QString> parse(const QString &spec);

    std::expected<void, QString> add(const QString &spec);
    void add(const Fault &fault);
    void clear();

    std::optional<Fault> find(const QString &name) const;
    // http-error faults: consumes one count; returns the status to answer with.
    std::optional<int> takeHttpError(const QString &route);
    bool hangs(const QString &route) const;
    bool malformsJson(const QString &route) const;
    QList<Fault> all() const { return m_faults; }
    bool isEmpty() const { return m_faults.isEmpty(); }

    // Whether a fault's `route` applies to a request path (without "/api"): the fault route's
    // segments must be a prefix, by whole segments, of the path's segments; a "{name}" segment
    // in the fault route matches any one segment. "/history" matches "/history" and
    // "/history/abc" but not "/historyx"; "/" matches every path.
    static bool routeMatches(const QString &faultRoute, const QString &path);

private:
    QList<Fault> m_faults;
};

} // namespace comfyvideo::simulator
