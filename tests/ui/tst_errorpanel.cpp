#include "errors/classification.h"
#include "errorview/errorpanel.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace comfyvideo;
using namespace Qt::StringLiterals;
using errors::ErrorKind;
using ui::ErrorPanel;

namespace {

errors::Error outOfMemory()
{
    errors::Error error = errors::Error::make(ErrorKind::InsufficientVram,
                                              u"The GPU ran out of memory while sampling."_s);
    error.nodeId = u"9"_s;
    error.nodeType = u"KSampler"_s;
    error.tips = {u"Make fewer frames."_s, u"Use a smaller size."_s};
    error.technicalDetail = u"torch.cuda.OutOfMemoryError: CUDA out of memory."_s;
    return error;
}

ErrorPanel::Options lighterAndOtherServer()
{
    ErrorPanel::Options options;
    options.canRetryLighter = true;
    options.lighterDescription = u"16 frames instead of 32"_s;
    options.otherServerAvailable = true;
    return options;
}

QPushButton *buttonNamed(ErrorPanel &panel, const QString &name)
{
    return panel.findChild<QPushButton *>(name);
}

} // namespace

class TestErrorPanel : public QObject
{
    Q_OBJECT

private slots:
    void startsHidden();
    void outOfMemoryOffersLighterRetry();
    void invalidParamsOffersNoLighterOrOtherServer();
    void canceledOffersNoRetry();
    void settingsOnlyWhenTheErrorAsks();
    void actionsEmitWithJobId_data();
    void actionsEmitWithJobId();
    void copyDetailsFillsClipboard();
    void dismissHidesAndEmits();
    void showingAnotherErrorReplacesTips();
    void interactiveWidgetsHaveAccessibleNamesAndTips();
};

void TestErrorPanel::startsHidden()
{
    ErrorPanel panel;
    QCOMPARE(panel.jobId(), 0);
    QVERIFY(panel.isHidden());
    QVERIFY(panel.visibleActions().isEmpty());
}

void TestErrorPanel::outOfMemoryOffersLighterRetry()
{
    ErrorPanel panel;
    panel.showError(42, outOfMemory(), lighterAndOtherServer());
    QVERIFY(!panel.isHidden());
    QCOMPARE(panel.jobId(), 42);
    QCOMPARE(panel.visibleActions(),
             (QStringList{u"retry"_s, u"retry_lighter"_s, u"other_server"_s, u"copy_details"_s}));
    QVERIFY(panel.titleText().startsWith(errors::kindTitle(ErrorKind::InsufficientVram)));
    QVERIFY(panel.titleText().contains(u"KSampler (node 9)"_s));
    QCOMPARE(panel.messageText(), u"The GPU ran out of memory while sampling."_s);
    QCOMPARE(panel.tipTexts(), outOfMemory().tips);
    // The tips are on screen as labels, not only in the accessor.
    int shownTips = 0;
    for (const QLabel *label : panel.findChildren<QLabel *>()) {
        if (label->text().contains(u"Make fewer frames."_s) && label->isVisibleTo(&panel))
            ++shownTips;
    }
    QCOMPARE(shownTips, 1);
    QVERIFY(buttonNamed(panel, u"retry_lighter"_s)
                    ->toolTip()
                    .contains(u"16 frames instead of 32"_s));
    QVERIFY(buttonNamed(panel, u"retry_lighter"_s)->isVisibleTo(&panel));
    QVERIFY(!buttonNamed(panel, u"open_settings"_s)->isVisibleTo(&panel));

    // No lighter request exists: the button goes.
    ErrorPanel::Options noLighter = lighterAndOtherServer();
    noLighter.canRetryLighter = false;
    noLighter.lighterDescription.clear();
    panel.showError(42, outOfMemory(), noLighter);
    QVERIFY(!buttonNamed(panel, u"retry_lighter"_s)->toolTip().contains(u"16 frames"_s));
    QVERIFY(!panel.visibleActions().contains(u"retry_lighter"_s));
    QVERIFY(!buttonNamed(panel, u"retry_lighter"_s)->isVisibleTo(&panel));
}

void TestErrorPanel::invalidParamsOffersNoLighterOrOtherServer()
{
    ErrorPanel panel;
    const errors::Error error = errors::makeInvalidParams({u"frames: must be 8..128"_s});
    QCOMPARE(error.kind, ErrorKind::InvalidParams);
    panel.showError(3, error, lighterAndOtherServer()); // the options alone do not add them
    const QStringList actions = panel.visibleActions();
    QVERIFY(!actions.contains(u"retry_lighter"_s));
    QVERIFY(!actions.contains(u"other_server"_s));
    QVERIFY(actions.contains(u"copy_details"_s));
    QCOMPARE(panel.titleText(), errors::kindTitle(ErrorKind::InvalidParams));
}

void TestErrorPanel::canceledOffersNoRetry()
{
    ErrorPanel panel;
    panel.showError(5, errors::makeCanceled(), lighterAndOtherServer());
    QVERIFY(!panel.visibleActions().contains(u"retry"_s));
    QVERIFY(panel.visibleActions().contains(u"copy_details"_s));
    QSignalSpy retry(&panel, &ErrorPanel::retryRequested);
    panel.trigger(u"retry"_s); // a hidden action does nothing
    QCOMPARE(retry.count(), 0);
}

void TestErrorPanel::settingsOnlyWhenTheErrorAsks()
{
    ErrorPanel panel;
    errors::Error error = errors::Error::make(ErrorKind::WorkerUnavailable,
                                              u"Nothing answers at http://127.0.0.1:1."_s);
    QVERIFY(error.actions.testFlag(errors::Action::OpenSettings));
    panel.showError(8, error, {});
    QVERIFY(panel.visibleActions().contains(u"open_settings"_s));
    QVERIFY(!panel.visibleActions().contains(u"other_server"_s)); // no other server configured

    error.actions.setFlag(errors::Action::OpenSettings, false);
    panel.showError(8, error, {});
    QVERIFY(!panel.visibleActions().contains(u"open_settings"_s));

    error.fallbackAllowed = false; // this error must not move to another server
    ErrorPanel::Options other;
    other.otherServerAvailable = true;
    panel.showError(8, error, other);
    QVERIFY(!panel.visibleActions().contains(u"other_server"_s));
}

void TestErrorPanel::actionsEmitWithJobId_data()
{
    QTest::addColumn<QString>("action");
    QTest::addRow("retry") << u"retry"_s;
    QTest::addRow("retry_lighter") << u"retry_lighter"_s;
    QTest::addRow("other_server") << u"other_server"_s;
    QTest::addRow("open_settings") << u"open_settings"_s;
    QTest::addRow("copy_details") << u"copy_details"_s;
}

void TestErrorPanel::actionsEmitWithJobId()
{
    QFETCH(QString, action);
    ErrorPanel panel;
    errors::Error error = errors::Error::make(ErrorKind::Timeout, u"No progress for 10 minutes."_s);
    QVERIFY(error.actions.testFlag(errors::Action::OpenSettings));
    panel.showError(77, error, lighterAndOtherServer());
    QVERIFY(panel.visibleActions().contains(action));

    QSignalSpy retry(&panel, &ErrorPanel::retryRequested);
    QSignalSpy lighter(&panel, &ErrorPanel::retryLighterRequested);
    QSignalSpy other(&panel, &ErrorPanel::otherServerRequested);
    QSignalSpy settings(&panel, &ErrorPanel::settingsRequested);
    QSignalSpy copied(&panel, &ErrorPanel::detailsCopied);
    // Through the real button, as a click would.
    QTest::mouseClick(buttonNamed(panel, action), Qt::LeftButton);

    const QHash<QString, QSignalSpy *> spies{{u"retry"_s, &retry},
                                             {u"retry_lighter"_s, &lighter},
                                             {u"other_server"_s, &other},
                                             {u"open_settings"_s, &settings},
                                             {u"copy_details"_s, &copied}};
    for (auto it = spies.cbegin(); it != spies.cend(); ++it)
        QCOMPARE(it.value()->count(), it.key() == action ? 1 : 0);
    if (action != u"open_settings"_s)
        QCOMPARE(spies.value(action)->at(0).at(0).toLongLong(), 77);

    // trigger() goes through the same button.
    panel.trigger(action);
    QCOMPARE(spies.value(action)->count(), 2);
}

void TestErrorPanel::copyDetailsFillsClipboard()
{
    ErrorPanel panel;
    const errors::Error error = outOfMemory();
    QGuiApplication::clipboard()->setText(u"something else"_s);
    panel.showError(12, error, {});
    QSignalSpy copied(&panel, &ErrorPanel::detailsCopied);
    panel.trigger(u"copy_details"_s);
    QCOMPARE(copied.count(), 1);
    QCOMPARE(copied.at(0).at(0).toLongLong(), 12);
    QCOMPARE(QGuiApplication::clipboard()->text(), error.copyableDetails());
    QVERIFY(QGuiApplication::clipboard()->text().contains(u"CUDA out of memory"_s));
}

void TestErrorPanel::dismissHidesAndEmits()
{
    ErrorPanel panel;
    panel.show();
    panel.showError(21, outOfMemory(), {});
    QVERIFY(panel.isVisible());
    QSignalSpy dismissed(&panel, &ErrorPanel::dismissed);
    QAbstractButton *dismiss = nullptr;
    for (QAbstractButton *button : panel.findChildren<QAbstractButton *>()) {
        if (button->accessibleName() == ErrorPanel::tr("Dismiss error"))
            dismiss = button;
    }
    QVERIFY(dismiss);
    QTest::mouseClick(dismiss, Qt::LeftButton);
    QCOMPARE(dismissed.count(), 1);
    QCOMPARE(dismissed.at(0).at(0).toLongLong(), 21);
    QVERIFY(panel.isHidden());
    QCOMPARE(panel.jobId(), 0);
}

void TestErrorPanel::showingAnotherErrorReplacesTips()
{
    ErrorPanel panel;
    panel.showError(1, outOfMemory(), {});
    errors::Error other = errors::Error::make(ErrorKind::NetworkError, u"Connection reset."_s);
    other.tips = {u"Check the network."_s};
    panel.showError(2, other, {});
    QCOMPARE(panel.tipTexts(), other.tips);
    QCOMPARE(panel.jobId(), 2);
    int tipLabels = 0;
    for (const QLabel *label : panel.findChildren<QLabel *>()) {
        if (label->text().startsWith(u"• "_s))
            ++tipLabels;
    }
    QCOMPARE(tipLabels, 1);
}

void TestErrorPanel::interactiveWidgetsHaveAccessibleNamesAndTips()
{
    ErrorPanel panel;
    panel.showError(1, outOfMemory(), lighterAndOtherServer());
    const auto buttons = panel.findChildren<QAbstractButton *>();
    QVERIFY(buttons.size() >= 6);
    for (const QAbstractButton *button : buttons) {
        QVERIFY2(!button->accessibleName().isEmpty(), qPrintable(button->objectName()));
        QVERIFY2(!button->toolTip().isEmpty(), qPrintable(button->objectName()));
    }
}

QTEST_MAIN(TestErrorPanel)
#include "tst_errorpanel.moc"
