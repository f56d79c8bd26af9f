#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <chrono>
#include <optional>

namespace comfyvideo::comfy {

// Where one prompt stands, as one value (issue #4).
struct Progress
{
    enum class Phase {
        Submitting,
        Queued,
        Loading,
        Sampling,
        Decoding,
        Encoding,
        Downloading,
        Done
    };

    Phase phase = Phase::Submitting;
    int queuePosition = -1; // 1 = next to run; 0 = running; -1 unknown
    QString nodeId;
    QString nodeClass;
    QString nodeTitle; // from the workflow's _meta.title
    int step = 0;
    int steps = 0;
    int targetFrames = 0;
    double overall = 0.0; // 0..1, weighted by phase, never decreasing
    std::chrono::milliseconds elapsed{0};
    std::optional<std::chrono::milliseconds> eta;
    QByteArray previewBytes; // latest preview image
    QString previewMimeType;
    bool operator==(const Progress &) const = default;
};

// Phase weights: queue 0, loading 5 %, sampling 80 %, decoding 5 %, encoding 5 %, downloading 5 %.
double phaseWeight(Progress::Phase phase);
// The overall fraction when `phase` is `phaseFraction` (0..1) done.
double overallFraction(Progress::Phase phase, double phaseFraction);
// The phase a node class belongs to (KSampler* -> Sampling, VAEDecode* -> Decoding, savers ->
// Encoding, everything else -> Loading).
Progress::Phase phaseForNodeClass(const QString &classType);
// Remaining time from the sampling step rate: the remaining steps at the measured rate, plus the
// phases after sampling in proportion to their weight. Nothing before two steps were seen.
std::optional<std::chrono::milliseconds>
estimateRemaining(Progress::Phase phase,
                  int step,
                  int steps,
                  std::chrono::milliseconds samplingElapsed,
                  int firstStep);
// Frame count a workflow produces: EmptyLatentImage.batch_size or
// SVD_img2vid_Conditioning.video_frames; 0 when neither is there.
int targetFramesOf(const QJsonObject &prompt);

QString phaseName(Progress::Phase phase); // translated, for the UI

} // namespace comfyvideo::comfy
