#pragma once

#include <QSize>
#include <QString>

// Pictures for the params tests, written into a test's temporary folder.
namespace comfyvideo::ui::testing {

// A real PNG of `size` (a gradient), written to `path`; false when it cannot be written.
bool writePng(const QString &path, QSize size);

// Rewrites the width and height in a PNG's IHDR chunk (and the chunk's CRC), so the header
// claims `size` while the pixel data stays small.
bool patchPngHeader(const QString &path, QSize size);

} // namespace comfyvideo::ui::testing
