#include "jobs/retrypolicy.h"

#include <QRandomGenerator>
#include <algorithm>
#include <cmath>

namespace comfyvideo::jobs {

RetryPolicy::RetryPolicy(std::chrono::milliseconds baseDelay,
                         std::chrono::milliseconds maxDelay,
                         double jitter)
    : m_base(std::max(baseDelay, std::chrono::milliseconds(0)))
    , m_max(std::max(maxDelay, std::chrono::milliseconds(0)))
    , m_jitter(std::clamp(jitter, 0.0, 1.0))
{}

RetryDecision RetryPolicy::decide(const errors::Error &error,
                                  int backendAttempts,
                                  int maxAttempts,
                                  int remainingCandidates,
                                  double jitterUnit) const
{
    using errors::ErrorKind;
    RetryDecision decision;
    if (error.kind == ErrorKind::InvalidParams || error.kind == ErrorKind::Canceled)
        return decision;
    if (error.retryable && backendAttempts < maxAttempts) {
        decision.action = RetryDecision::Action::Retry;
        decision.delay = backoff(std::max(backendAttempts, 1), jitterUnit);
        return decision;
    }
    if (error.fallbackAllowed && remainingCandidates > 0)
        decision.action = RetryDecision::Action::Fallback;
    return decision;
}

RetryDecision RetryPolicy::decide(const errors::Error &error,
                                  int backendAttempts,
                                  int maxAttempts,
                                  int remainingCandidates) const
{
    return decide(error, backendAttempts, maxAttempts, remainingCandidates, randomJitterUnit());
}

std::chrono::milliseconds RetryPolicy::backoff(int retry, double jitterUnit) const
{
    const int exponent = std::clamp(retry, 1, 40) - 1;
    const double max = double(m_max.count());
    const double plain = std::min(double(m_base.count()) * std::ldexp(1.0, exponent), max);
    const double factor = 1.0 + m_jitter * (2.0 * std::clamp(jitterUnit, 0.0, 1.0) - 1.0);
    const double jittered = std::clamp(plain * factor, 0.0, max);
    return std::chrono::milliseconds(qint64(std::llround(jittered)));
}

double RetryPolicy::randomJitterUnit()
{
    return QRandomGenerator::global()->generateDouble();
}

} // namespace comfyvideo::jobs
