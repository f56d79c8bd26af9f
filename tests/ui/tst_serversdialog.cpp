#include "joblist/serversdialog.h"

#include "comfy/comfyclient.h"
#include "comfy/failureerror.h"
#include "common/inmemorysecretstore.h"
#include "fakes/simprocess.h"

#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

using namespace comfyvideo;
using namespace Qt::StringLiterals;
using comfyvideo::ui::ServersDialog;

namespace {

// A tester that answers after `delayMs` with a fixed answer, like a slow server would.
ServersDialog::Tester laterTester(int delayMs, bool ok, QString message, QList<QUrl> *asked)
{
    return [=](const QUrl &url, std::function<void(bool, const QString &)> answer) {
        if (asked)
            asked->append(url);
        QTimer::singleShot(delayMs, [=] { answer(ok, message); });
    };
}

} // namespace

class tst_ServersDialog : public QObject
{
    Q_OBJECT

private slots:
    void addServer_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("url");   // expected, when valid
        QTest::addColumn<QString>("error"); // expected message, when invalid

        QTest::newRow("plain") << u"http://127.0.0.1:8188"_s << u"http://127.0.0.1:8188"_s
                               << QString();
        QTest::newRow("https with path") << u"https://gpu.example.org/comfy/"_s
                                         << u"https://gpu.example.org/comfy"_s << QString();
        QTest::newRow("trailing slash")
                << u"http://box:8188/"_s << u"http://box:8188"_s << QString();
        QTest::newRow("bare host:port")
                << u"  gpu-box:8188 "_s << u"http://gpu-box:8188"_s << QString();
        QTest::newRow("upper-case scheme")
                << u"HTTP://Box:8188"_s << u"http://box:8188"_s << QString();
        QTest::newRow("bare ipv6") << u"[::1]:8188"_s << u"http://[::1]:8188"_s << QString();
        QTest::newRow("ftp") << u"ftp://box:8188"_s << QString() << u"Use http:// or https://"_s;
        QTest::newRow("file") << u"file:///tmp/x"_s << QString() << u"Use http:// or https://"_s;
        QTest::newRow("no host") << u"http://:8188"_s << QString()
                                 << u"Add a host name, like 127.0.0.1 or gpu-box.local"_s;
        QTest::newRow("token in url") << u"https://user:secret@box"_s << QString()
                                      << u"Put tokens in the keychain, not in the URL"_s;
        QTest::newRow("query") << u"http://box:8188/?token=abc"_s << QString()
                               << u"Remove the part after \"?\": a server address has no query"_s;
        QTest::newRow("fragment") << u"http://box:8188/#x"_s << QString()
                                  << u"Remove the part after \"#\""_s;
        QTest::newRow("empty") << u"   "_s << QString()
                               << u"Type the server's address, like http://127.0.0.1:8188"_s;
        QTest::newRow("duplicate") << u"http://127.0.0.1:8188/"_s << QString()
                                   << u"This server is already in the list"_s;
    }

    void addServer()
    {
        QFETCH(QString, text);
        QFETCH(QString, url);
        QFETCH(QString, error);
        const bool duplicate = QByteArray(QTest::currentDataTag()) == "duplicate";
        QList<QUrl> initial;
        if (duplicate)
            initial << QUrl(u"http://127.0.0.1:8188"_s);
        ServersDialog dialog(initial, {});

        const bool added = dialog.addServer(text);
        QCOMPARE(added, error.isEmpty());
        QCOMPARE(dialog.inputError(), error);
        if (added) {
            QCOMPARE(dialog.servers(), QList<QUrl>{QUrl(url)});
        } else {
            QCOMPARE(dialog.servers(), initial);
        }
    }

    void typingChecksAsYouType()
    {
        ServersDialog dialog({}, {});
        auto *input = dialog.findChild<QLineEdit *>();
        QVERIFY(input);
        input->setText(u"https://me:pw@box"_s);
        QCOMPARE(dialog.inputError(), u"Put tokens in the keychain, not in the URL"_s);
        input->setText(u"https://box"_s);
        QCOMPARE(dialog.inputError(), QString());
        // Enter adds (and does not close the dialog).
        dialog.show();
        input->setFocus();
        QTest::keyClick(input, Qt::Key_Return);
        QCOMPARE(dialog.servers(), QList<QUrl>{QUrl(u"https://box"_s)});
        QVERIFY(dialog.isVisible());
        QCOMPARE(input->text(), QString());
    }

    void orderAfterMoveAndRemove()
    {
        ServersDialog dialog({QUrl(u"http://a:1"_s), QUrl(u"http://b:2"_s)}, {});
        QVERIFY(dialog.addServer(u"c:3"_s));
        QCOMPARE(
                dialog.servers(),
                (QList<QUrl>{QUrl(u"http://a:1"_s), QUrl(u"http://b:2"_s), QUrl(u"http://c:3"_s)}));
        dialog.show();
        // "c" is selected after adding: Move up twice puts it first.
        auto *up = findButton(dialog, u"Move up"_s);
        QVERIFY(up);
        QTest::mouseClick(up, Qt::LeftButton);
        QTest::mouseClick(up, Qt::LeftButton);
        QVERIFY(!up->isEnabled()); // at the top now
        QCOMPARE(
                dialog.servers(),
                (QList<QUrl>{QUrl(u"http://c:3"_s), QUrl(u"http://a:1"_s), QUrl(u"http://b:2"_s)}));
        auto *down = findButton(dialog, u"Move down"_s);
        QTest::mouseClick(down, Qt::LeftButton);
        QCOMPARE(
                dialog.servers(),
                (QList<QUrl>{QUrl(u"http://a:1"_s), QUrl(u"http://c:3"_s), QUrl(u"http://b:2"_s)}));
        dialog.removeServer(0);
        QCOMPARE(dialog.servers(), (QList<QUrl>{QUrl(u"http://c:3"_s), QUrl(u"http://b:2"_s)}));
        dialog.removeServer(5); // out of range: ignored
        QCOMPARE(dialog.servers().size(), 2);
        // A removed server can be added again.
        QVERIFY(dialog.addServer(u"http://a:1"_s));
    }

    void testShowsTestingThenTheAnswer()
    {
        QList<QUrl> asked;
        ServersDialog dialog({QUrl(u"http://a:1"_s), QUrl(u"http://b:2"_s)},
                             laterTester(20, true, u"ComfyUI 0.3.64 · NVIDIA RTX 4090"_s, &asked));
        QSignalSpy finished(&dialog, &ServersDialog::testFinished);
        QCOMPARE(dialog.statusText(1), QString());
        dialog.testServer(1);
        QCOMPARE(asked, QList<QUrl>{QUrl(u"http://b:2"_s)});
        QCOMPARE(dialog.statusText(1), u"Testing…"_s);
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(0).toInt(), 1);
        QCOMPARE(finished.first().at(1).toBool(), true);
        QCOMPARE(dialog.statusText(1), u"ComfyUI 0.3.64 · NVIDIA RTX 4090"_s);
        QCOMPARE(dialog.statusText(0), QString());
    }

    void lateAnswerForRemovedRowIsIgnored()
    {
        ServersDialog dialog({QUrl(u"http://a:1"_s), QUrl(u"http://b:2"_s)},
                             laterTester(30, false, u"Connection refused"_s, nullptr));
        QSignalSpy finished(&dialog, &ServersDialog::testFinished);
        dialog.testServer(0); // "a"
        dialog.testServer(1); // "b"
        dialog.removeServer(0);
        // Only b's answer arrives, reported for b's new row 0; a's is dropped.
        QVERIFY(finished.wait(5000));
        QTest::qWait(100); // a's answer fires too (same delay); it must change nothing
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.first().at(0).toInt(), 0);
        QCOMPARE(finished.first().at(1).toBool(), false);
        QCOMPARE(dialog.servers(), QList<QUrl>{QUrl(u"http://b:2"_s)});
        QCOMPARE(dialog.statusText(0), u"Connection refused"_s);
    }

    void answerAfterDialogIsGoneIsSafe()
    {
        std::function<void(bool, const QString &)> pending;
        {
            ServersDialog dialog({QUrl(u"http://a:1"_s)},
                                 [&](const QUrl &, std::function<void(bool, const QString &)> a) {
                                     pending = std::move(a);
                                 });
            dialog.testServer(0);
        }
        QVERIFY(pending);
        pending(true, u"late"_s); // must not touch the deleted dialog
    }

    void realTesterAgainstSimulator()
    {
        tests::SimProcess sim;
        QVERIFY2(sim.start(), qPrintable(sim.errorOutput()));
        // A port nobody listens on: bind one, note it, close it.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const QUrl dead(u"http://127.0.0.1:%1"_s.arg(probe.serverPort()));
        probe.close();

        ServersDialog dialog({sim.baseUrl(), dead}, realTester());
        QSignalSpy finished(&dialog, &ServersDialog::testFinished);
        dialog.testServer(0);
        QVERIFY(finished.wait(15000));
        QCOMPARE(finished.last().at(0).toInt(), 0);
        QCOMPARE(finished.last().at(1).toBool(), true);
        QVERIFY2(dialog.statusText(0).startsWith(u"ComfyUI"_s), qPrintable(dialog.statusText(0)));

        dialog.testServer(1);
        QVERIFY(finished.wait(15000));
        QCOMPARE(finished.last().at(0).toInt(), 1);
        QCOMPARE(finished.last().at(1).toBool(), false);
        QVERIFY(!dialog.statusText(1).isEmpty());
        QVERIFY(dialog.statusText(1) != u"Testing…"_s);
        qInfo() << "live:" << dialog.statusText(0) << "dead:" << dialog.statusText(1);
    }

private:
    static QPushButton *findButton(QDialog &dialog, const QString &accessibleName)
    {
        for (auto *button : dialog.findChildren<QPushButton *>()) {
            if (button->accessibleName() == accessibleName)
                return button;
        }
        return nullptr;
    }

    // What the window does: one GET /system_stats through the core client.
    ServersDialog::Tester realTester()
    {
        return [this](const QUrl &url, std::function<void(bool, const QString &)> answer) {
            comfy::ServerConfig config;
            config.baseUrl = url;
            config.requestTimeout = std::chrono::seconds(10);
            auto *client = new comfy::ComfyClient(config, &m_secrets, nullptr, this);
            client->systemStats([client, answer](comfy::Result<comfy::SystemStats> result) {
                if (result) {
                    QString text = u"ComfyUI %1"_s.arg(result->comfyuiVersion);
                    if (!result->devices.isEmpty())
                        text += u" · "_s + result->devices.constFirst().name;
                    answer(true, text);
                } else {
                    answer(false, comfy::toError(result.error()).userMessage);
                }
                client->deleteLater();
            });
        };
    }

    common::InMemorySecretStore m_secrets;
};

QTEST_MAIN(tst_ServersDialog)
#include "tst_serversdialog.moc"
