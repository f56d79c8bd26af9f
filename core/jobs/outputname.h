#pragma once

#include "storage/jobrecord.h"

#include <QDateTime>
#include <QString>

namespace comfyvideo::jobs {

// The lowercase ASCII slug of a prompt for a file name: letters (accents dropped) and digits,
// every other run of characters one '-', no '-' at either end, at most `maxLength` characters
// (cut at a word boundary when there is one).
QString promptSlug(const QString &text, int maxLength = 40);

// "<yyyyMMdd-HHmmss>_<kind>_<slug>_<job id>" (design.md, "Outputs"). The slug comes from the
// prompt, or for an image-to-video job without one from its start image's file name; "video"
// when both give nothing.
QString outputBaseName(const storage::JobRecord &job, const QDateTime &when);

} // namespace comfyvideo::jobs
