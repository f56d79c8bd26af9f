#pragma once

#include <QString>
#include <expected>

namespace comfyvideo::simulator {

// Where a saver writes its next file (reference §5.4 and SaveImage's rules).
struct OutputTarget
{
    QString folder;    // absolute folder the file goes to
    QString subfolder; // as reported ("" or "sub/dir")
    QString baseName;  // the prefix's last component
    QString type;      // "output" or "temp"
    int counter = 1;

    QString vhsName(const QString &extension) const;   // base_00001.mp4
    QString imageName(const QString &extension) const; // base_00001_.webp
};

// Splits the prefix into subfolder/base below `root`, refuses escaping prefixes with
// ComfyUI's error text, creates the folder and finds the next counter: VideoHelperSuite's
// "max existing <base>_NNNNN* + 1" when vhsCounter, else SaveImage's "<base>_NNNNN_" rule.
std::expected<OutputTarget, QString>
outputTarget(const QString &root, const QString &type, const QString &prefix, bool vhsCounter);

// The name reported instead of `real` under the hostile-names fault.
QString hostileName(const QString &mode, const QString &real);

} // namespace comfyvideo::simulator
