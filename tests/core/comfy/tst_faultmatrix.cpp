// Every comfyui-sim fault (core/simulator/faults.h) on both personas, one prompt through
// JobTracker each: where the client can survive the fault it must succeed with a real video;
// where it cannot, the outcome and the classified error kind are pinned. One simulator process
// per persona; each row switches its faults through the control route and uses its own seed
// (no cached re-runs between rows). Built twice: AnimateDiff text-to-video (tst_faultmatrix)
// and, with CV_FAULTMATRIX_SVD, SVD image-to-video with an uploaded start frame
// (tst_faultmatrix_svd).
#include "robustnesstestutil.h"

#include "comfy/eventstream.h"
#include "media/videoprobe.h"

#include <QDir>
#include <QTemporaryDir>

using namespace comfyvideo;
using namespace comfyvideo::comfy;
using namespace comfyvideo::tests;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using Kind = JobOutcome::Kind;
using ErrorKind = errors::ErrorKind;
using Phase = Progress::Phase;

namespace {

#ifdef CV_FAULTMATRIX_SVD
constexpr bool Svd = true;
#else
constexpr bool Svd = false;
#endif

const QString StartFrame = QStringLiteral(CV_CAPTURES_DIR "/svd_input.png");

// The request of one row: AnimateDiff, or SVD from the start frame, 8 frames of 64x64.
request::GenerationRequest requestFor(quint64 seed, int steps = 4)
{
    request::GenerationRequest request = Svd ? tinySvd(StartFrame) : tinyAnimateDiff(seed);
    request.seed = seed;
    request.steps = steps;
    return request;
}

// What a row checks beyond outcome and error kind.
enum class Check {
    None,
    SocketDropped, // the socket went down mid-run and came back
    PolledOnly,    // no socket ever: the run was followed by polling
    SlowDownload,  // the download took several progress updates
    Resumed,       // the download was cut and resumed with Range
    InsideFolder,  // hostile names: nothing outside the output folder
};

struct Row
{
    const char *name;
    QStringList faults;
    Kind expected;
    std::optional<ErrorKind> error = std::nullopt; // of a Failed/Lost outcome
    Check check = Check::None;
    bool blocker = false; // another prompt runs first (and finishes first)
};

QList<Row> rows()
{
    return {
            {"ws-drop", {u"ws-drop:after=12"_s}, Kind::Succeeded, {}, Check::SocketDropped},
            {"ws-refuse", {u"ws-refuse"_s}, Kind::Succeeded, {}, Check::PolledOnly},
            {"http-error GET /history x3",
             {u"http-error:route=/history,status=500,count=3"_s},
             Kind::Succeeded},
            {"http-error GET /queue x3, no socket",
             {u"ws-refuse"_s, u"http-error:route=/queue,status=502,count=3"_s},
             Kind::Succeeded,
             {},
             Check::PolledOnly},
            {"http-error POST /prompt 500",
             {u"http-error:route=/prompt,status=500,count=1"_s},
             Kind::Failed,
             ErrorKind::ServerError},
            {"http-error GET /view 503",
             {u"http-error:route=/view,status=503,count=1"_s},
             Kind::Failed,
             ErrorKind::WorkerUnavailable},
            {"hang POST /prompt", {u"hang:route=/prompt"_s}, Kind::Failed, ErrorKind::Timeout},
            {"hang GET /view", {u"hang:route=/view"_s}, Kind::Failed, ErrorKind::Timeout},
            {"view-slow", {u"view-slow:bps=8000"_s}, Kind::Succeeded, {}, Check::SlowDownload},
            {"view-truncate", {u"view-truncate:bytes=3000"_s}, Kind::Succeeded, {}, Check::Resumed},
            // The server queued the prompt and garbled its answer: the tracker finds the prompt
            // by the id it asked for and follows it (no orphan, no second copy on a retry). The
            // 2024 server ignores client ids (see the override below).
            {"malformed-json POST /prompt", {u"malformed-json:route=/prompt"_s}, Kind::Succeeded},
            {"malformed-json GET /history", {u"malformed-json:route=/history"_s}, Kind::Succeeded},
            {"malformed-json GET /queue, no socket",
             {u"ws-refuse"_s, u"malformed-json:route=/queue"_s},
             Kind::Succeeded,
             {},
             Check::PolledOnly},
            {"restart", {u"restart:after=1"_s}, Kind::Lost, ErrorKind::ServerError, {}, true},
            {"oom", {u"oom:limit=1000"_s}, Kind::Failed, ErrorKind::InsufficientVram},
            {"hostile-names traversal",
             {u"hostile-names:mode=traversal"_s},
             Kind::Failed,
             ErrorKind::ServerError,
             Check::InsideFolder},
            {"hostile-names absolute",
             {u"hostile-names:mode=absolute"_s},
             Kind::Failed,
             ErrorKind::ServerError,
             Check::InsideFolder},
            {"hostile-names long",
             {u"hostile-names:mode=long"_s},
             Kind::Failed,
             ErrorKind::ServerError,
             Check::InsideFolder},
            {"hostile-names unicode",
             {u"hostile-names:mode=unicode"_s},
             Kind::Failed,
             ErrorKind::ServerError,
             Check::InsideFolder},
    };
}

bool queueEmpty(ComfyClient &client)
{
    const auto queue = queueOf(client);
    return queue && queue->running.isEmpty() && queue->pending.isEmpty();
}

// Replaces the simulator's faults with `faults`.
bool setFaults(const SimProcess &sim, const QStringList &faults)
{
    if (!simControl(sim, u"/sim/faults"_s, {{"clear"_L1, true}}))
        return false;
    return std::ranges::all_of(faults, [&](const QString &fault) {
        return simControl(sim, u"/sim/faults"_s, {{"add"_L1, fault}});
    });
}

// The folder layout that shows an escape: downloads go to root/a/b.
struct OutputFolder
{
    QTemporaryDir root;
    QString dir() const { return root.path() + u"/a/b"_s; }
    bool make() const { return QDir().mkpath(dir()); }
    QStringList inside() const
    {
        return QDir(dir()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    }
    bool nothingElse() const
    {
        return QDir(root.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot)
                       == QStringList{u"a"_s}
               && QDir(root.path() + u"/a"_s)
                                  .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot)
                          == QStringList{u"b"_s};
    }
};

} // namespace

class TestFaultMatrix : public QObject
{
    Q_OBJECT

private slots:
    void everyFaultBothPersonas_data();
    void everyFaultBothPersonas();
    void cleanupTestCase();

private:
    SimProcess *simFor(const QString &persona);
    BuiltWorkflow build(ComfyClient &client, const QString &persona, quint64 seed, int steps);

    void verifyFiles(const TrackedRun &run, const OutputFolder &out);
    void verifyCheck(Check check,
                     const TrackedRun &run,
                     const ComfyClient &client,
                     const QSignalSpy &connection,
                     const OutputFolder &out);

    std::map<QString, std::unique_ptr<SimProcess>> m_sims; // by persona
    std::map<QString, QString> m_uploaded; // the start frame's name on that simulator (SVD)
};

SimProcess *TestFaultMatrix::simFor(const QString &persona)
{
    std::unique_ptr<SimProcess> &sim = m_sims[persona];
    if (!sim) {
        sim = std::make_unique<SimProcess>(
                QStringList{u"--step-ms"_s, u"5"_s, u"--persona"_s, persona});
        if (!sim->start()) {
            qWarning().noquote() << sim->errorOutput();
            sim.reset();
            return nullptr;
        }
        if (Svd) {
            ComfyClient client(configFor(*sim), nullptr);
            const auto uploaded = awaitResult<UploadedImage>(
                    [&](auto done) { client.uploadImage(StartFrame, done); });
            if (!uploaded || !uploaded->has_value()) {
                sim.reset();
                return nullptr;
            }
            m_uploaded[persona] = (*uploaded)->loadImageName();
        }
    }
    return sim.get();
}

BuiltWorkflow
TestFaultMatrix::build(ComfyClient &client, const QString &persona, quint64 seed, int steps)
{
    return buildFor(client, requestFor(seed, steps), m_uploaded[persona]);
}

void TestFaultMatrix::cleanupTestCase()
{
    m_sims.clear();
}

void TestFaultMatrix::everyFaultBothPersonas_data()
{
    QTest::addColumn<QString>("persona");
    QTest::addColumn<QStringList>("faults");
    QTest::addColumn<int>("expected");
    QTest::addColumn<int>("errorKind"); // -1: no failure expected
    QTest::addColumn<int>("check");
    QTest::addColumn<bool>("blocker");
    QTest::addColumn<int>("seed");
    int seed = 100;
    for (const QString &persona : {u"0.3.64"_s, u"2024"_s}) {
        for (const Row &row : rows()) {
            Kind expected = row.expected;
            std::optional<ErrorKind> error = row.error;
            if (persona == u"2024" && row.faults.contains(u"malformed-json:route=/prompt"_s)) {
                expected = Kind::Failed; // its prompt id is not ours: nothing to find
                error = ErrorKind::ServerError;
            }
            QTest::addRow("%s %s", row.name, qPrintable(persona))
                    << persona << row.faults << int(expected) << (error ? int(*error) : -1)
                    << int(row.check) << row.blocker << (seed += 2);
        }
    }
}

void TestFaultMatrix::everyFaultBothPersonas()
{
    QFETCH(QString, persona);
    QFETCH(QStringList, faults);
    QFETCH(int, expected);
    QFETCH(int, errorKind);
    QFETCH(int, check);
    QFETCH(bool, blocker);
    QFETCH(int, seed);
    SimProcess *sim = simFor(persona);
    QVERIFY(sim);
    ServerConfig config = configFor(*sim);
    config.requestTimeout = 2s;
    config.objectInfoTimeout = 10s;
    config.downloadStallTimeout = 2s;
    {
        ComfyClient plain(config, nullptr); // the previous row's prompts are done
        QVERIFY(setFaults(*sim, {}));
        QTRY_VERIFY_WITH_TIMEOUT(queueEmpty(plain), 10000);
    }
    QVERIFY(setFaults(*sim, faults));
    ComfyClient client(config, nullptr);
    EventStream::Timing timing;
    timing.initialBackoff = 50ms;
    timing.maxBackoff = 400ms;
    client.events()->setTiming(timing);
    QSignalSpy connection(client.events(), &EventStream::connectedChanged);
    const BuiltWorkflow workflow = build(client, persona, quint64(seed), 4);
    QVERIFY(!workflow.prompt.isEmpty());
    if (blocker) { // a longer prompt first: ours waits behind it
        const QJsonObject first = build(client, persona, quint64(seed) + 1, 100).prompt;
        const auto submitted
                = awaitResult<SubmitResult>([&](auto done) { client.submit(first, done); });
        QVERIFY(submitted && submitted->has_value());
    }
    OutputFolder out;
    QVERIFY(out.make());
    JobTracker::Options options = fastTrackerOptions(out.dir());
    options.localName = u"clip.mp4"_s;
    options.unreachableTimeout = 5s;
    JobTracker tracker(&client, workflow, options);
    TrackedRun run;
    runToEnd(tracker, run, 30000);
    QVERIFY2(run.outcome, "no outcome: the tracker hangs");
    const QString failure
            = run.outcome->failure ? errorOf(*run.outcome).copyableDetails() : QString();
    QVERIFY2(int(run.outcome->kind) == expected, qPrintable(failure));
    if (errorKind >= 0) {
        QVERIFY(run.outcome->failure);
        QCOMPARE(errorOf(*run.outcome).kind, ErrorKind(errorKind));
    } else {
        QVERIFY(!run.outcome->failure);
    }
    verifyFiles(run, out);
    if (QTest::currentTestFailed())
        return;
    verifyCheck(Check(check), run, client, connection, out);
}

void TestFaultMatrix::verifyFiles(const TrackedRun &run, const OutputFolder &out)
{
    if (run.outcome->kind != Kind::Succeeded) {
        QCOMPARE(out.inside(), QStringList{}); // no partial file left behind
        return;
    }
    QVERIFY(run.outcome->download); // always a real, complete video
    QCOMPARE(out.inside(), QStringList{u"clip.mp4"_s});
    const auto info = media::probeVideo(run.outcome->download->path);
    QVERIFY2(info, info ? "" : qPrintable(info.error()));
    QCOMPARE(info->frameCount, 8);
}

void TestFaultMatrix::verifyCheck(Check check,
                                  const TrackedRun &run,
                                  const ComfyClient &client,
                                  const QSignalSpy &connection,
                                  const OutputFolder &out)
{
    switch (check) {
    case Check::None:
        break;
    case Check::SocketDropped:
        QVERIFY(connection.contains(QVariantList{false}));
        QVERIFY(client.events()->connectCount() >= 2);
        break;
    case Check::PolledOnly:
        QCOMPARE(client.events()->connectCount(), 0);
        QVERIFY(!run.outcome->historyEntry.isEmpty());
        break;
    case Check::SlowDownload: {
        const auto downloading = std::ranges::count_if(
                run.progress, [](const Progress &p) { return p.phase == Phase::Downloading; });
        QVERIFY2(downloading >= 3, qPrintable(QString::number(downloading)));
        break;
    }
    case Check::Resumed:
        QVERIFY(run.outcome->download->resumes >= 1);
        break;
    case Check::InsideFolder:
        QVERIFY(out.nothingElse());
        QVERIFY(run.outcome->video); // the server's name was seen, and only used as data
        break;
    }
}

QTEST_GUILESS_MAIN(TestFaultMatrix)
#include "tst_faultmatrix.moc"
