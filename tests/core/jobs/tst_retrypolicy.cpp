#include "errors/classification.h"
#include "jobs/retrypolicy.h"

#include <QTest>

using namespace comfyvideo;
using namespace std::chrono_literals;
using Action = jobs::RetryDecision::Action;
using errors::ErrorKind;

Q_DECLARE_METATYPE(comfyvideo::errors::ErrorKind)

class tst_RetryPolicy : public QObject
{
    Q_OBJECT
private slots:
    void defaultPolicyPerKind_data();
    void defaultPolicyPerKind();
    void readsTheActualErrorFlags();
    void invalidParamsAndCanceledNeverMoveOn();
    void backoffDoublesWithJitterAndCap();
    void randomJitterStaysInBounds();
};

void tst_RetryPolicy::defaultPolicyPerKind_data()
{
    QTest::addColumn<ErrorKind>("kind");
    QTest::addColumn<int>("firstFailure"); // backendAttempts 1 of 2, one other backend
    QTest::addColumn<int>("lastFailure");  // backendAttempts 2 of 2, one other backend
    QTest::addColumn<int>("nowhereToGo");  // backendAttempts 2 of 2, no other backend
    const auto R = int(Action::Retry), F = int(Action::Fallback), X = int(Action::Fail);
    QTest::newRow("network_error") << ErrorKind::NetworkError << R << F << X;
    QTest::newRow("worker_unavailable") << ErrorKind::WorkerUnavailable << R << F << X;
    QTest::newRow("timeout") << ErrorKind::Timeout << R << F << X;
    QTest::newRow("server_error") << ErrorKind::ServerError << R << F << X;
    QTest::newRow("model_not_found") << ErrorKind::ModelNotFound << F << F << X;
    QTest::newRow("missing_custom_node") << ErrorKind::MissingCustomNode << F << F << X;
    QTest::newRow("insufficient_vram") << ErrorKind::InsufficientVram << F << F << X;
    QTest::newRow("auth_failed") << ErrorKind::AuthFailed << F << F << X;
    QTest::newRow("unknown") << ErrorKind::Unknown << F << F << X;
    QTest::newRow("invalid_params") << ErrorKind::InvalidParams << X << X << X;
    QTest::newRow("canceled") << ErrorKind::Canceled << X << X << X;
    QCOMPARE(errors::allKinds().size(), 11); // a new kind needs a row here
}

void tst_RetryPolicy::defaultPolicyPerKind()
{
    QFETCH(ErrorKind, kind);
    QFETCH(int, firstFailure);
    QFETCH(int, lastFailure);
    QFETCH(int, nowhereToGo);
    const jobs::RetryPolicy policy(1s, 60s);
    const errors::Error error = errors::Error::make(kind, QStringLiteral("x"));
    QCOMPARE(int(policy.decide(error, 1, 2, 1, 0.5).action), firstFailure);
    QCOMPARE(int(policy.decide(error, 2, 2, 1, 0.5).action), lastFailure);
    QCOMPARE(int(policy.decide(error, 2, 2, 0, 0.5).action), nowhereToGo);
    const auto first = policy.decide(error, 1, 2, 1, 0.5);
    if (first.action == Action::Retry)
        QCOMPARE(first.delay, 1000ms);
    else
        QCOMPARE(first.delay, 0ms);
}

void tst_RetryPolicy::readsTheActualErrorFlags()
{
    const jobs::RetryPolicy policy(1s, 60s);
    // A TLS failure: a network_error that is not retried (a bad certificate does not heal).
    errors::Error tls = errors::Error::make(ErrorKind::NetworkError, QStringLiteral("tls"));
    tls.retryable = false;
    QCOMPARE(policy.decide(tls, 1, 2, 1, 0.5).action, Action::Fallback);
    // A 409 server_error: neither retried nor falling back.
    errors::Error conflict = errors::Error::make(ErrorKind::ServerError, QStringLiteral("409"));
    conflict.retryable = false;
    conflict.fallbackAllowed = false;
    QCOMPARE(policy.decide(conflict, 1, 2, 3, 0.5).action, Action::Fail);
    // An unknown error made retryable by its classifier.
    errors::Error odd = errors::Error::make(ErrorKind::Unknown, QStringLiteral("odd"));
    odd.retryable = true;
    QCOMPARE(policy.decide(odd, 1, 3, 0, 0.5).action, Action::Retry);
    // The classified timeout is retryable.
    QCOMPARE(
            policy.decide(errors::makeTimeout(errors::TimeoutKind::Stall, 60), 1, 2, 0, 0.5).action,
            Action::Retry);
    // maxAttempts 1: no retry at all.
    QCOMPARE(
            policy.decide(errors::makeTimeout(errors::TimeoutKind::Stall, 60), 1, 1, 0, 0.5).action,
            Action::Fail);
}

void tst_RetryPolicy::invalidParamsAndCanceledNeverMoveOn()
{
    const jobs::RetryPolicy policy(1s, 60s);
    errors::Error invalid = errors::makeInvalidParams({QStringLiteral("steps: too many")});
    invalid.retryable = true; // even when a caller got the flags wrong
    invalid.fallbackAllowed = true;
    QCOMPARE(policy.decide(invalid, 1, 5, 5, 0.5).action, Action::Fail);
    errors::Error canceled = errors::makeCanceled();
    canceled.retryable = true;
    QCOMPARE(policy.decide(canceled, 1, 5, 5, 0.5).action, Action::Fail);
}

void tst_RetryPolicy::backoffDoublesWithJitterAndCap()
{
    const jobs::RetryPolicy policy(5s, 60s);
    QCOMPARE(policy.backoff(1, 0.5), 5000ms);
    QCOMPARE(policy.backoff(2, 0.5), 10000ms);
    QCOMPARE(policy.backoff(3, 0.5), 20000ms);
    QCOMPARE(policy.backoff(4, 0.5), 40000ms);
    QCOMPARE(policy.backoff(5, 0.5), 60000ms);    // capped
    QCOMPARE(policy.backoff(1000, 0.5), 60000ms); // no overflow
    QCOMPARE(policy.backoff(1, 0.0), 4000ms);     // -20 %
    QCOMPARE(policy.backoff(1, 1.0), 6000ms);     // +20 %
    QCOMPARE(policy.backoff(5, 1.0), 60000ms);    // capped after the jitter too
    QCOMPARE(policy.backoff(0, 0.5), 5000ms);     // nonsense counts as the first retry
    const auto second
            = policy.decide(errors::Error::make(ErrorKind::NetworkError, {}), 2, 3, 0, 0.5);
    QCOMPARE(second.action, Action::Retry);
    QCOMPARE(second.delay, 10000ms);
}

void tst_RetryPolicy::randomJitterStaysInBounds()
{
    const jobs::RetryPolicy policy(1s, 60s);
    bool sawDifferent = false;
    std::chrono::milliseconds first{-1};
    for (int i = 0; i < 200; ++i) {
        const double unit = jobs::RetryPolicy::randomJitterUnit();
        QVERIFY(unit >= 0.0 && unit < 1.0);
        const auto delay = policy.backoff(2, unit);
        QVERIFY(delay >= 1600ms && delay <= 2400ms);
        if (first.count() >= 0 && delay != first)
            sawDifferent = true;
        first = delay;
    }
    QVERIFY(sawDifferent);
}

QTEST_GUILESS_MAIN(tst_RetryPolicy)
#include "tst_retrypolicy.moc"
