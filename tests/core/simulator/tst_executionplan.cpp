// ExecutionPlan (ComfyUI's execution order and cache signatures), the key-order scanner and
// the bounded history, checked against the capture's run.
#include "simulator/executionplan.h"
#include "simulator/history.h"
#include "simulator/jsonkeyorder.h"

#include <QFile>
#include <QJsonDocument>
#include <QtTest>

using namespace comfyvideo::simulator;
using namespace Qt::StringLiterals;

namespace {

QByteArray captureRequest()
{
    QFile file(QStringLiteral(CV_CAPTURES_DIR "/ws_animatediff_16f.jsonl"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.contains("\"path\": \"/prompt\"")) {
            const qsizetype at = line.indexOf("\"request\": ") + 11;
            return line.mid(at, line.lastIndexOf('}') - at);
        }
    }
    return {};
}

QueueItem item(const QByteArray &body)
{
    QueueItem i;
    i.promptId = u"p"_s;
    i.prompt = QJsonDocument::fromJson(body).object().value(u"prompt").toObject();
    i.outputs = {u"11"_s};
    i.order = promptKeyOrder(body);
    return i;
}

bool isOutput(const QString &c)
{
    return c == u"VHS_VideoCombine";
}

} // namespace

class TestExecutionPlan : public QObject
{
    Q_OBJECT

private slots:
    void keyOrderFollowsTheBody()
    {
        const PromptKeyOrder order = promptKeyOrder(captureRequest());
        QCOMPARE(order.nodeIds.size(), 11);
        QCOMPARE(order.nodeIds.at(9), u"10"_s);
        QCOMPARE(order.inputOrder.value(u"9"_s),
                 (QStringList{u"model"_s,
                              u"seed"_s,
                              u"steps"_s,
                              u"cfg"_s,
                              u"sampler_name"_s,
                              u"scheduler"_s,
                              u"positive"_s,
                              u"negative"_s,
                              u"latent_image"_s,
                              u"denoise"_s}));
        QVERIFY(promptKeyOrder("{not json").nodeIds.isEmpty());
    }

    void orderMatchesTheCapture()
    {
        const ExecutionPlan plan(item(captureRequest()), isOutput);
        QCOMPARE(plan.order({}),
                 (QStringList{u"1"_s,
                              u"8"_s,
                              u"7"_s,
                              u"6"_s,
                              u"4"_s,
                              u"2"_s,
                              u"3"_s,
                              u"5"_s,
                              u"9"_s,
                              u"10"_s,
                              u"11"_s}));
        QCOMPARE(plan.legacyOrder({}),
                 (QStringList{u"1"_s,
                              u"2"_s,
                              u"3"_s,
                              u"4"_s,
                              u"5"_s,
                              u"6"_s,
                              u"7"_s,
                              u"8"_s,
                              u"9"_s,
                              u"10"_s,
                              u"11"_s}));
        QSet<QString> cached;
        for (int i = 1; i <= 8; ++i)
            cached.insert(QString::number(i));
        QCOMPARE(plan.order(cached), (QStringList{u"9"_s, u"10"_s, u"11"_s}));
        cached.insert(u"9"_s);
        cached.insert(u"10"_s);
        cached.insert(u"11"_s);
        QCOMPARE(plan.order(cached), QStringList{u"11"_s}); // a cached output replays
    }

    void signaturesFollowUpstreamChanges()
    {
        QByteArray body = captureRequest();
        const ExecutionPlan a(item(body), isOutput);
        body.replace("\"seed\": 123456789", "\"seed\": 1");
        const ExecutionPlan b(item(body), isOutput);
        for (const char *same : {"1", "2", "5", "8"})
            QCOMPARE(a.signature(QString::fromLatin1(same)),
                     b.signature(QString::fromLatin1(same)));
        for (const char *changed : {"9", "10", "11"})
            QVERIFY(a.signature(QString::fromLatin1(changed))
                    != b.signature(QString::fromLatin1(changed)));
    }

    void historyIsBounded()
    {
        History history(3);
        for (int i = 0; i < 5; ++i)
            history.add(QString::number(i), QJsonObject{{u"n"_s, i}});
        QCOMPARE(history.size(), 3);
        QVERIFY(!history.contains(u"1"_s));
        QCOMPARE(history.toJson(2, -1), QByteArray(R"({"3":{"n":3}, "4":{"n":4}})"));
        QCOMPARE(history.toJson(1, 0), QByteArray(R"({"2":{"n":2}})"));
        QCOMPARE(history.toJson(u"9"_s), QByteArray("{}"));
    }
};

QTEST_GUILESS_MAIN(TestExecutionPlan)
#include "tst_executionplan.moc"
