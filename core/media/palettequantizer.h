#pragma once

// Reduces an RGBA frame to an adaptive 256-colour palette (median cut over a 5-bit-per-channel
// histogram) for the GIF encoder's PAL8 input (internal to core/media).

extern "C" {
#include <libavutil/frame.h>
}

#include <array>
#include <cstdint>
#include <vector>

namespace comfyvideo::media {

class PaletteQuantizer
{
public:
    // rgba: the frame (AV_PIX_FMT_RGBA, same size as target). target: an AV_PIX_FMT_PAL8 frame;
    // its indices (data[0]) and palette (data[1], 0xAARRGGBB) are overwritten.
    void quantize(const AVFrame &rgba, AVFrame &target);

private:
    struct Box
    {
        int begin = 0; // range in m_bins
        int end = 0;
        int64_t pixels = 0;
        int channel = 0; // the widest channel (0 red, 1 green, 2 blue) ...
        int extent = 0;  // ... and its extent in 5-bit steps; 0: one bin, cannot be split
    };

    void buildHistogram(const AVFrame &rgba);
    void splitBoxes();
    Box makeBox(int begin, int end) const;
    uint32_t averageColour(const Box &box) const;

    static constexpr int BinCount = 1 << 15; // 5 bits per channel
    std::array<uint32_t, BinCount> m_histogram{};
    std::array<uint8_t, BinCount> m_lookup{};
    std::vector<int> m_bins; // the non-empty bins, reordered while splitting
    std::vector<Box> m_boxes;
};

} // namespace comfyvideo::media
