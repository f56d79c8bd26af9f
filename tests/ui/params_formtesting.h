#pragma once

// Small helpers for tst_paramsform: find the form's fields by object name, a valid request,
// the readiness line's text, an assessment.

#include "backends/backend.h"
#include "params/paramsform.h"
#include "params/readinessline.h"
#include "request/generationrequest.h"

namespace comfyvideo::ui::testing {

using backends::Assessment;
using request::GenerationRequest;
using request::Kind;

template<typename T>
inline T *child(const ParamsForm &form, const char *name)
{
    return form.findChild<T *>(QLatin1String(name));
}

inline GenerationRequest validAnimateDiff()
{
    GenerationRequest r = request::defaultRequest(Kind::AnimateDiff);
    r.prompt = QStringLiteral("a paper boat on a rainy street");
    r.seed = 7;
    return r;
}

inline QString readiness(const ParamsForm &form)
{
    const auto *line = form.findChild<ReadinessLine *>();
    return line ? line->text() : QStringLiteral("<no readiness line>");
}

inline Assessment assessment(Assessment::Level level, const QStringList &reasons)
{
    Assessment a;
    a.level = level;
    a.reasons = reasons;
    return a;
}

} // namespace comfyvideo::ui::testing
