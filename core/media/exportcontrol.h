#pragma once

// What the export steps (remux, transcode) share with VideoExporter's worker (internal to
// core/media): a cancel flag polled once per packet or frame, and a progress callback.

#include <atomic>
#include <functional>

namespace comfyvideo::media {

struct ExportControl
{
    const std::atomic<bool> *canceled = nullptr;
    std::function<void(int framesDone)> progress; // called on the worker thread

    bool isCanceled() const { return canceled && canceled->load(std::memory_order_relaxed); }
    void report(int framesDone) const
    {
        if (progress)
            progress(framesDone);
    }
};

} // namespace comfyvideo::media
