// toError(): the client's raw failure facts reach the errors module's classification.
#include "comfy/failureerror.h"

#include <QFile>
#include <QJsonDocument>
#include <QTest>

using namespace comfyvideo;
using namespace comfyvideo::comfy;
using namespace Qt::StringLiterals;
using errors::ErrorKind;

class TestFailureError : public QObject
{
    Q_OBJECT

private slots:
    void stages();
};

void TestFailureError::stages()
{
    Failure refused;
    refused.networkError = QNetworkReply::ConnectionRefusedError;
    refused.url = u"http://127.0.0.1:8188/prompt"_s;
    QCOMPARE(toError(refused).kind, ErrorKind::WorkerUnavailable);

    QFile rejection(QStringLiteral(CV_CAPTURES_DIR "/prompt_400_missing_model.json"));
    QVERIFY(rejection.open(QIODevice::ReadOnly));
    const QJsonObject capture = QJsonDocument::fromJson(rejection.readAll()).object();
    const QJsonValue body
            = capture.contains("body"_L1) ? capture.value("body"_L1) : QJsonValue(capture);
    Failure rejected;
    rejected.stage = Failure::Stage::Rejected;
    rejected.httpStatus = 400;
    rejected.body = QJsonDocument(body.toObject()).toJson();
    QCOMPARE(toError(rejected).kind, ErrorKind::ModelNotFound);

    QFile oom(QStringLiteral(CV_CAPTURES_DIR "/execution_error_oom.json"));
    QVERIFY(oom.open(QIODevice::ReadOnly));
    Failure execution;
    execution.stage = Failure::Stage::Execution;
    execution.executionError = QJsonDocument::fromJson(oom.readAll()).object();
    QCOMPARE(toError(execution).kind, ErrorKind::InsufficientVram);

    Failure lost;
    lost.stage = Failure::Stage::Lost;
    QCOMPARE(toError(lost).kind, ErrorKind::ServerError);
    QVERIFY(toError(lost).retryable);

    Failure canceled;
    canceled.stage = Failure::Stage::Canceled;
    QCOMPARE(toError(canceled).kind, ErrorKind::Canceled);

    Failure cut;
    cut.stage = Failure::Stage::Download;
    cut.httpStatus = 404;
    QVERIFY(toError(cut).kind != ErrorKind::Canceled);
    Failure disk;
    disk.stage = Failure::Stage::Download;
    disk.detail = u"file larger than the size cap"_s;
    QCOMPARE(toError(disk).kind, ErrorKind::ServerError);
    QVERIFY(!toError(disk).retryable);
}

QTEST_GUILESS_MAIN(TestFailureError)
#include "tst_failureerror.moc"
