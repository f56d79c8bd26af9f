#include "request/lighter.h"

#include "request/validation.h"

#include <QCoreApplication>

#include <algorithm>

namespace comfyvideo::request {

namespace {

constexpr int MinLighterSide = 256;
constexpr int MinSvdFrames = 8;

// Three quarters of a side, rounded down to a multiple of 8, not below MinLighterSide; a side
// already at or below that floor stays as it is.
int smallerSide(int side)
{
    if (side <= MinLighterSide)
        return side;
    const int scaled = side * 3 / 4 / limits::SideStep * limits::SideStep;
    return std::max(MinLighterSide, scaled);
}

bool reduceSize(GenerationRequest *request, QString *description)
{
    const int width = smallerSide(request->width);
    const int height = smallerSide(request->height);
    if (width == request->width && height == request->height)
        return false;
    if (description) {
        *description = QCoreApplication::translate("LighterRequest", "%1×%2 instead of %3×%4")
                               .arg(width)
                               .arg(height)
                               .arg(request->width)
                               .arg(request->height);
    }
    request->width = width;
    request->height = height;
    return true;
}

bool halveFrames(GenerationRequest *request, int minFrames, QString *description)
{
    if (request->frames <= minFrames)
        return false;
    const int frames = std::max(minFrames, request->frames / 2);
    if (description) {
        *description = QCoreApplication::translate("LighterRequest", "%1 frames instead of %2")
                               .arg(frames)
                               .arg(request->frames);
    }
    request->frames = frames;
    return true;
}

// The motion module's window never longer than the clip; the overlap stays inside the window.
void fitContext(GenerationRequest *request)
{
    request->contextLength = std::min(request->contextLength, request->frames);
    if (request->contextLength >= 1)
        request->contextOverlap = std::min(request->contextOverlap, request->contextLength - 1);
}

} // namespace

std::optional<GenerationRequest> lighterRequest(const GenerationRequest &request,
                                                QString *description)
{
    GenerationRequest lighter = request;
    switch (request.kind) {
    case Kind::AnimateDiff:
        if (!halveFrames(&lighter, limits::AnimateDiffMinFrames, description)
            && !reduceSize(&lighter, description)) {
            return std::nullopt;
        }
        fitContext(&lighter);
        return lighter;
    case Kind::Svd:
        if (!reduceSize(&lighter, description)
            && !halveFrames(&lighter, MinSvdFrames, description)) {
            return std::nullopt;
        }
        fitContext(&lighter); // unused by SVD, but kept consistent for a switch of kinds
        return lighter;
    }
    return std::nullopt;
}

} // namespace comfyvideo::request
