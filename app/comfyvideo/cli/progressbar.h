#pragma once

#include "comfy/progress.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QString>
#include <QTextStream>

namespace comfyvideo::cli {

// The progress of one job on stderr. On a terminal: one line redrawn in place at most ~10
// times a second, "Sampling  step 3/20  [#####...............]  42%  ETA 0:12". Elsewhere
// (a pipe, a log file): a plain line per phase, per step at most once a second, and the last
// step of every sampling run.
class ProgressBar
{
    Q_DECLARE_TR_FUNCTIONS(ProgressBar)

public:
    ProgressBar(QTextStream &stream, bool interactive);

    void update(const comfy::Progress &progress);
    // Ends the redrawn line (before anything else is written to the stream).
    void finish();

    // The text of one update, without the line ending (exposed for the plain mode).
    static QString describe(const comfy::Progress &progress, bool withBar);

private:
    bool shouldPlainPrint(const comfy::Progress &progress) const;

    QTextStream &m_stream;
    bool m_interactive;
    QElapsedTimer m_lastDraw;
    qsizetype m_drawnWidth = 0;
    comfy::Progress::Phase m_lastPhase = comfy::Progress::Phase::Done;
    int m_lastStep = -1;
    int m_lastQueuePosition = -2;
    bool m_anyDrawn = false;
    bool m_dirty = false; // a throttled update is not on screen yet
    comfy::Progress m_latest;
};

} // namespace comfyvideo::cli
