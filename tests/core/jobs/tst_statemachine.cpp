#include "jobs/statemachine.h"

#include <QTest>

using namespace comfyvideo;
using storage::JobState;

class tst_StateMachine : public QObject
{
    Q_OBJECT
private slots:
    void happyPath();
    void shortCuts();
    void failureAndRequeueFromActiveStatesOnly();
    void cancelFromEveryNonTerminalState();
    void terminalStates();
    void nothingBackwardsAlongThePipeline();
    void nextStepTowards();
};

void tst_StateMachine::happyPath()
{
    const QList<JobState> path = {JobState::Queued,
                                  JobState::Dispatching,
                                  JobState::Uploading,
                                  JobState::Submitted,
                                  JobState::Running,
                                  JobState::Fetching,
                                  JobState::Completed};
    for (qsizetype i = 0; i + 1 < path.size(); ++i)
        QVERIFY2(jobs::isAllowedTransition(path[i], path[i + 1]),
                 qPrintable(storage::stateName(path[i])));
    QVERIFY(!jobs::isAllowedTransition(JobState::Queued, JobState::Running));
    QVERIFY(!jobs::isAllowedTransition(JobState::Running, JobState::Completed));
    QVERIFY(!jobs::isAllowedTransition(JobState::Queued, JobState::Queued));
}

void tst_StateMachine::shortCuts()
{
    QVERIFY(jobs::isAllowedTransition(JobState::Dispatching, JobState::Submitted));
    QVERIFY(jobs::isAllowedTransition(JobState::Submitted, JobState::Fetching)); // cached run
    QVERIFY(!jobs::isAllowedTransition(JobState::Uploading, JobState::Running));
}

void tst_StateMachine::failureAndRequeueFromActiveStatesOnly()
{
    for (JobState s : storage::allStates()) {
        const bool active = storage::isActive(s);
        QCOMPARE(jobs::isAllowedTransition(s, JobState::Failed), active);
        if (!storage::isTerminal(s))
            QCOMPARE(jobs::isAllowedTransition(s, JobState::Queued), active);
    }
}

void tst_StateMachine::cancelFromEveryNonTerminalState()
{
    for (JobState s : storage::allStates())
        QCOMPARE(jobs::isAllowedTransition(s, JobState::Canceled), !storage::isTerminal(s));
}

void tst_StateMachine::terminalStates()
{
    QCOMPARE(jobs::allowedTargets(JobState::Completed), QList<JobState>());
    QCOMPARE(jobs::allowedTargets(JobState::Failed), QList<JobState>{JobState::Queued});
    QCOMPARE(jobs::allowedTargets(JobState::Canceled), QList<JobState>{JobState::Queued});
}

void tst_StateMachine::nothingBackwardsAlongThePipeline()
{
    for (JobState from : storage::allStates()) {
        for (JobState to : storage::allStates()) {
            if (to == JobState::Queued || to == JobState::Failed || to == JobState::Canceled)
                continue;
            if (jobs::isAllowedTransition(from, to))
                QVERIFY(jobs::pipelineRank(to) > jobs::pipelineRank(from));
        }
    }
}

void tst_StateMachine::nextStepTowards()
{
    QCOMPARE(jobs::nextStepTowards(JobState::Uploading, JobState::Running),
             std::optional(JobState::Submitted));
    QCOMPARE(jobs::nextStepTowards(JobState::Submitted, JobState::Fetching),
             std::optional(JobState::Fetching));
    QCOMPARE(jobs::nextStepTowards(JobState::Running, JobState::Completed),
             std::optional(JobState::Fetching));
    QCOMPARE(jobs::nextStepTowards(JobState::Running, JobState::Submitted), std::nullopt);
    QCOMPARE(jobs::nextStepTowards(JobState::Failed, JobState::Running), std::nullopt);
}

QTEST_GUILESS_MAIN(tst_StateMachine)
#include "tst_statemachine.moc"
