#include "jobs/outputname.h"

#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace comfyvideo::jobs {

QString promptSlug(const QString &text, int maxLength)
{
    const QString decomposed = text.normalized(QString::NormalizationForm_KD);
    QString slug;
    bool pendingDash = false;
    for (QChar c : decomposed) {
        if (c.category() == QChar::Mark_NonSpacing)
            continue;
        const QChar lower = c.toLower();
        const bool keep = (lower >= u'a' && lower <= u'z') || (lower >= u'0' && lower <= u'9');
        if (!keep) {
            pendingDash = !slug.isEmpty();
            continue;
        }
        if (pendingDash)
            slug += u'-';
        pendingDash = false;
        slug += lower;
    }
    if (slug.size() > maxLength) {
        const qsizetype cut = slug.lastIndexOf(u'-', maxLength);
        slug.truncate(cut > maxLength / 2 ? cut : maxLength);
        while (slug.endsWith(u'-'))
            slug.chop(1);
    }
    return slug;
}

QString outputBaseName(const storage::JobRecord &job, const QDateTime &when)
{
    QString slug = promptSlug(job.request.prompt);
    if (slug.isEmpty() && !job.request.referenceImage.isEmpty())
        slug = promptSlug(QFileInfo(job.request.referenceImage).completeBaseName());
    if (slug.isEmpty())
        slug = u"video"_s;
    return when.toString(u"yyyyMMdd-HHmmss"_s) + u'_' + request::kindName(job.request.kind) + u'_'
           + slug + u'_' + QString::number(job.id);
}

} // namespace comfyvideo::jobs
