#include "palettequantizer.h"

#include <algorithm>

namespace comfyvideo::media {

namespace {

constexpr int PaletteSize = 256;

constexpr int binOf(const uint8_t *rgba)
{
    return ((rgba[0] >> 3) << 10) | ((rgba[1] >> 3) << 5) | (rgba[2] >> 3);
}

// Channel c (0 red, 1 green, 2 blue) of a bin, 0..31.
constexpr int channelOf(int bin, int c)
{
    return (bin >> (10 - 5 * c)) & 0x1f;
}

} // namespace

void PaletteQuantizer::quantize(const AVFrame &rgba, AVFrame &target)
{
    buildHistogram(rgba);
    splitBoxes();
    auto *palette = reinterpret_cast<uint32_t *>(target.data[1]);
    std::fill(palette, palette + PaletteSize, 0xff000000u);
    for (size_t i = 0; i < m_boxes.size(); ++i) {
        palette[i] = averageColour(m_boxes[i]);
        for (int b = m_boxes[i].begin; b < m_boxes[i].end; ++b)
            m_lookup[size_t(m_bins[size_t(b)])] = uint8_t(i);
    }
    for (int y = 0; y < rgba.height; ++y) {
        const uint8_t *source = rgba.data[0] + ptrdiff_t(y) * rgba.linesize[0];
        uint8_t *indices = target.data[0] + ptrdiff_t(y) * target.linesize[0];
        for (int x = 0; x < rgba.width; ++x)
            indices[x] = m_lookup[size_t(binOf(source + 4 * x))];
    }
}

void PaletteQuantizer::buildHistogram(const AVFrame &rgba)
{
    m_histogram.fill(0);
    for (int y = 0; y < rgba.height; ++y) {
        const uint8_t *source = rgba.data[0] + ptrdiff_t(y) * rgba.linesize[0];
        for (int x = 0; x < rgba.width; ++x)
            ++m_histogram[size_t(binOf(source + 4 * x))];
    }
    m_bins.clear();
    for (int bin = 0; bin < BinCount; ++bin) {
        if (m_histogram[size_t(bin)])
            m_bins.push_back(bin);
    }
}

// Median cut: repeatedly halves (by pixel count, along its widest channel) the box with the
// largest pixels x extent, so both frequent and widely spread colours get palette entries.
void PaletteQuantizer::splitBoxes()
{
    m_boxes.clear();
    m_boxes.push_back(makeBox(0, int(m_bins.size())));
    while (m_boxes.size() < PaletteSize) {
        auto it = std::max_element(m_boxes.begin(), m_boxes.end(), [](const Box &a, const Box &b) {
            return a.pixels * a.extent < b.pixels * b.extent;
        });
        if (it->extent == 0)
            break; // every box is a single bin
        const int channel = it->channel;
        std::sort(m_bins.begin() + it->begin, m_bins.begin() + it->end, [channel](int a, int b) {
            return channelOf(a, channel) < channelOf(b, channel);
        });
        int64_t below = 0;
        int split = it->begin;
        while (split < it->end - 1 && below * 2 < it->pixels)
            below += m_histogram[size_t(m_bins[size_t(split++)])];
        split = std::max(split, it->begin + 1);
        const int begin = it->begin;
        const int end = it->end;
        *it = makeBox(begin, split);
        m_boxes.push_back(makeBox(split, end)); // invalidates it
    }
}

PaletteQuantizer::Box PaletteQuantizer::makeBox(int begin, int end) const
{
    Box box{begin, end, 0, 0, 0};
    std::array<int, 3> low{31, 31, 31};
    std::array<int, 3> high{0, 0, 0};
    for (int b = begin; b < end; ++b) {
        const int bin = m_bins[size_t(b)];
        box.pixels += m_histogram[size_t(bin)];
        for (size_t c = 0; c < 3; ++c) {
            low[c] = std::min(low[c], channelOf(bin, int(c)));
            high[c] = std::max(high[c], channelOf(bin, int(c)));
        }
    }
    for (size_t c = 0; c < 3; ++c) {
        if (high[c] - low[c] > box.extent) {
            box.extent = high[c] - low[c];
            box.channel = int(c);
        }
    }
    return box;
}

// The pixel-weighted mean of the box's bin centres, as opaque 0xAARRGGBB.
uint32_t PaletteQuantizer::averageColour(const Box &box) const
{
    std::array<int64_t, 3> sum{};
    for (int b = box.begin; b < box.end; ++b) {
        const int bin = m_bins[size_t(b)];
        for (int c = 0; c < 3; ++c)
            sum[size_t(c)] += int64_t((channelOf(bin, c) << 3) | 4) * m_histogram[size_t(bin)];
    }
    const int64_t pixels = std::max<int64_t>(box.pixels, 1);
    uint32_t colour = 0xff000000u;
    for (int c = 0; c < 3; ++c)
        colour |= uint32_t(std::min<int64_t>(255, sum[size_t(c)] / pixels)) << (16 - 8 * c);
    return colour;
}

} // namespace comfyvideo::media
