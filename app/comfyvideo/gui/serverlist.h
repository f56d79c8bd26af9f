#pragma once

#include <QList>
#include <QUrl>

class QSettings;

namespace comfyvideo::gui {

// The ComfyUI servers the window uses, in priority order, kept in QSettings ("servers/urls").
class ServerList
{
public:
    static QList<QUrl> load(const QSettings &settings); // valid http(s) URLs only, no duplicates
    static void save(QSettings &settings, const QList<QUrl> &urls);
};

} // namespace comfyvideo::gui
