#pragma once

#include "errors/error.h"

#include <chrono>

namespace comfyvideo::jobs {

// What to do after an attempt failed.
struct RetryDecision
{
    enum class Action {
        Retry,    // the same backend again, after `delay`
        Fallback, // the next backend of the chain (the failed one is excluded)
        Fail,     // the job fails with the error
    };
    Action action = Action::Fail;
    std::chrono::milliseconds delay{0};
};

// The retry/fallback decision as a pure function (issue #5). It reads the actual error's
// `retryable` and `fallbackAllowed` (a classified error may deviate from its kind's default);
// invalid_params and canceled never retry nor fall back, whatever their flags say.
class RetryPolicy
{
public:
    RetryPolicy(std::chrono::milliseconds baseDelay,
                std::chrono::milliseconds maxDelay,
                double jitter = 0.2);

    // `backendAttempts`: attempts already started on the failed backend (>= 1 after a run);
    // `maxAttempts`: per backend; `remainingCandidates`: other backends of the chain the job
    // may still move to; `jitterUnit` in [0, 1): 0.5 is no jitter, 0 is -jitter, 1 is +jitter.
    RetryDecision decide(const errors::Error &error,
                         int backendAttempts,
                         int maxAttempts,
                         int remainingCandidates,
                         double jitterUnit) const;
    // The same with a random jitter.
    RetryDecision decide(const errors::Error &error,
                         int backendAttempts,
                         int maxAttempts,
                         int remainingCandidates) const;

    // The wait before retry number `retry` (1 = the first retry): base x 2^(retry-1), jittered
    // by +-jitter (jitterUnit as above), never above maxDelay.
    std::chrono::milliseconds backoff(int retry, double jitterUnit) const;
    static double randomJitterUnit();

    std::chrono::milliseconds baseDelay() const { return m_base; }
    std::chrono::milliseconds maxDelay() const { return m_max; }

private:
    std::chrono::milliseconds m_base;
    std::chrono::milliseconds m_max;
    double m_jitter;
};

} // namespace comfyvideo::jobs
