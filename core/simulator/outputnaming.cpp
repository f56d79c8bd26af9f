#include "simulator/outputnaming.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace comfyvideo::simulator {

QString OutputTarget::vhsName(const QString &extension) const
{
    return u"%1_%2.%3"_s.arg(baseName).arg(counter, 5, 10, QLatin1Char('0')).arg(extension);
}

QString OutputTarget::imageName(const QString &extension) const
{
    return u"%1_%2_.%3"_s.arg(baseName).arg(counter, 5, 10, QLatin1Char('0')).arg(extension);
}

std::expected<OutputTarget, QString>
outputTarget(const QString &root, const QString &type, const QString &prefix, bool vhsCounter)
{
    OutputTarget t;
    t.type = type;
    const QString cleanPrefix = prefix.isEmpty() ? u"ComfyUI"_s : prefix;
    const qsizetype slash = cleanPrefix.lastIndexOf(u'/');
    t.subfolder = slash < 0 ? QString() : cleanPrefix.left(slash);
    t.baseName = cleanPrefix.mid(slash + 1);
    const QString rootAbs = QDir(root).absolutePath();
    const QString folder = QDir::cleanPath(rootAbs + u'/' + t.subfolder);
    if (folder != rootAbs && !folder.startsWith(rootAbs + u'/')) {
        return std::unexpected(u"Saving image outside the output folder is not allowed.\n"
                               " full_output_folder: %1\n output_dir: %2"_s.arg(folder, rootAbs));
    }
    t.folder = folder;
    QDir().mkpath(folder);
    int maxCounter = 0;
    const QRegularExpression vhs(
            u"^%1_(\\d+)\\D*\\..+$"_s.arg(QRegularExpression::escape(t.baseName)),
            QRegularExpression::CaseInsensitiveOption);
    const QStringList files = QDir(folder).entryList(QDir::Files);
    for (const QString &f : files) {
        if (vhsCounter) {
            const auto m = vhs.match(f);
            if (m.hasMatch())
                maxCounter = std::max(maxCounter, m.captured(1).toInt());
            continue;
        }
        const QString head = f.left(t.baseName.size() + 1);
        if (head != t.baseName + u'_')
            continue;
        const QString rest = f.mid(t.baseName.size() + 1);
        const qsizetype us = rest.indexOf(u'_');
        if (us > 0)
            maxCounter = std::max(maxCounter, rest.left(us).toInt());
    }
    t.counter = maxCounter + 1;
    return t;
}

QString hostileName(const QString &mode, const QString &real)
{
    const QString ext = QFileInfo(real).suffix();
    if (mode == u"traversal")
        return u"../../evil."_s + ext;
    if (mode == u"absolute")
        return u"/etc/passwd."_s + ext;
    if (mode == u"long")
        return QString(300 - ext.size() - 1, u'a') + u'.' + ext;
    if (mode == u"unicode")
        return u"\u0432\u0438\u0434\u0435\u043e_\U0001F3AC_\u65e5\u672c_00001."_s + ext;
    return real;
}

} // namespace comfyvideo::simulator
