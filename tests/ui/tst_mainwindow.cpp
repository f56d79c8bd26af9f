#include "errorview/errorpanel.h"
#include "joblist/joblistpanel.h"
#include "params/paramsform.h"
#include "preview/previewpanel.h"
#include "progress/progresspanel.h"
#include "window/mainwindow.h"

#include <QAction>
#include <QLabel>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace comfyvideo::ui;

// The window shell (issue 6): its panels, banner, menus, status line, remembered state and
// accessible names.
class tst_MainWindow : public QObject
{
    Q_OBJECT
private slots:
    void allPanelsPresent();
    void bannerShowsAndHides();
    void stateSurvivesANewWindow();
    void everyFocusableWidgetHasAnAccessibleName();
    void serversActionEmitsServersRequested();
    void queueStatusText();
    void closeEmitsClosing();
    void defaultSizeComesFromTheScreen();
};

void tst_MainWindow::allPanelsPresent()
{
    MainWindow window;
    const QList<QWidget *> panels{window.paramsForm(),
                                  window.jobList(),
                                  window.progressPanel(),
                                  window.errorPanel(),
                                  window.previewPanel()};
    for (QWidget *panel : panels) {
        QVERIFY(panel);
        QVERIFY2(window.isAncestorOf(panel), panel->metaObject()->className());
    }
    QVERIFY(window.jobsModel());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.paramsForm()->isVisible());
    QVERIFY(window.progressPanel()->isVisible());
    QVERIFY(window.previewPanel()->isVisible());
    QVERIFY(window.jobList()->isVisible());
    QVERIFY(!window.errorPanel()->isVisible()); // hidden until an error is shown
}

void tst_MainWindow::bannerShowsAndHides()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *banner = window.findChild<QWidget *>(QStringLiteral("banner"));
    QVERIFY(banner);
    QVERIFY(!banner->isVisible());
    QVERIFY(window.bannerText().isEmpty());

    const QString demo = QStringLiteral("Demo server — renders a test animation, not AI.");
    window.setBanner(demo);
    QVERIFY(banner->isVisible());
    QCOMPARE(window.bannerText(), demo);
    QCOMPARE(window.bannerLevel(), MainWindow::BannerLevel::Info);
    auto *text = banner->findChild<QLabel *>(QStringLiteral("bannerText"));
    QVERIFY(text);
    QCOMPARE(text->text(), demo);

    window.setBanner(QStringLiteral("The disk is full"), MainWindow::BannerLevel::Error);
    QCOMPARE(window.bannerLevel(), MainWindow::BannerLevel::Error);
    QCOMPARE(window.bannerText(), QStringLiteral("The disk is full"));
    QCOMPARE(banner->backgroundRole(), QPalette::Highlight);

    window.setBanner({});
    QVERIFY(!banner->isVisible());
    QVERIFY(window.bannerText().isEmpty());
}

void tst_MainWindow::stateSurvivesANewWindow()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);

    MainWindow first;
    first.show();
    QVERIFY(QTest::qWaitForWindowExposed(&first));
    const QRect available = first.screen()->availableGeometry();
    const QSize size = QSize(available.width() * 3 / 5, available.height() * 3 / 5)
                               .expandedTo(first.minimumSizeHint());
    const QRect wanted(available.topLeft() + QPoint(available.width() / 10, available.height() / 8),
                       size);
    first.setGeometry(wanted);
    QTRY_COMPARE(first.geometry().size(), wanted.size());
    auto *mainSplitter = first.findChild<QSplitter *>(QStringLiteral("mainSplitter"));
    auto *leftSplitter = first.findChild<QSplitter *>(QStringLiteral("leftSplitter"));
    QVERIFY(mainSplitter && leftSplitter);
    const int width = mainSplitter->width();
    mainSplitter->setSizes({width / 3, width - width / 3});
    const int height = leftSplitter->height();
    leftSplitter->setSizes({height / 2, height - height / 2});
    const QList<int> mainSizes = mainSplitter->sizes();
    const QList<int> leftSizes = leftSplitter->sizes();
    const QRect savedGeometry = first.geometry();
    first.saveState(settings);
    settings.sync();
    QVERIFY(settings.contains(QStringLiteral("window/geometry")));

    MainWindow second;
    QVERIFY(second.geometry() != savedGeometry);
    second.restoreState(settings);
    second.show();
    QVERIFY(QTest::qWaitForWindowExposed(&second));
    QTRY_COMPARE(second.geometry(), savedGeometry);
    QTRY_COMPARE(second.findChild<QSplitter *>(QStringLiteral("mainSplitter"))->sizes(), mainSizes);
    QTRY_COMPARE(second.findChild<QSplitter *>(QStringLiteral("leftSplitter"))->sizes(), leftSizes);
}

void tst_MainWindow::everyFocusableWidgetHasAnAccessibleName()
{
    MainWindow window;
    window.setBanner(QStringLiteral("Notice"));
    // The error panel with every action, so its buttons are checked too.
    auto error = comfyvideo::errors::Error::make(comfyvideo::errors::ErrorKind::InsufficientVram,
                                                 QStringLiteral("The GPU ran out of memory."));
    error.tips = {QStringLiteral("Use fewer frames.")};
    ErrorPanel::Options options;
    options.canRetryLighter = true;
    options.lighterDescription = QStringLiteral("8 frames instead of 16");
    options.otherServerAvailable = true;
    window.errorPanel()->showError(7, error, options);
    window.errorPanel()->show();
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QSet<const QWidget *> buddies;
    for (const QLabel *label : window.findChildren<QLabel *>()) {
        if (label->buddy())
            buddies.insert(label->buddy());
    }
    // A named widget whose focus goes to an inner editor (a spin box's line edit) names it.
    const auto named = [&](const QWidget *widget) {
        return !widget->accessibleName().trimmed().isEmpty() || buddies.contains(widget);
    };
    const auto coveredByProxy = [&](const QWidget *widget) {
        if (widget->focusProxy() && named(widget->focusProxy()))
            return true;
        for (const QWidget *owner = widget->parentWidget(); owner; owner = owner->parentWidget()) {
            if (owner->focusProxy() == widget)
                return named(owner);
        }
        return false;
    };
    QStringList missing;
    int checked = 0;
    for (const QWidget *widget : window.findChildren<QWidget *>()) {
        if (widget->focusPolicy() == Qt::NoFocus || !widget->isVisible())
            continue;
        ++checked;
        if (named(widget) || coveredByProxy(widget))
            continue;
        missing << QStringLiteral("%1 '%2' in %3")
                           .arg(QLatin1String(widget->metaObject()->className()),
                                widget->objectName(),
                                widget->parentWidget() ? QLatin1String(
                                        widget->parentWidget()->metaObject()->className())
                                                       : QLatin1String("-"));
    }
    QVERIFY2(checked > 5, "too few focusable widgets: is the window built?");
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QStringLiteral("; "))));
}

void tst_MainWindow::serversActionEmitsServersRequested()
{
    MainWindow window;
    QSignalSpy spy(&window, &MainWindow::serversRequested);
    auto *action = window.findChild<QAction *>(QStringLiteral("serversAction"));
    QVERIFY(action);
    QCOMPARE(action->shortcut(), QKeySequence(QStringLiteral("Ctrl+,")));
    action->trigger();
    QCOMPARE(spy.count(), 1);

    QSignalSpy folder(&window, &MainWindow::outputFolderRequested);
    auto *open = window.findChild<QAction *>(QStringLiteral("openFolderAction"));
    QVERIFY(open);
    open->trigger();
    QCOMPARE(folder.count(), 1);
    auto *exportAction = window.findChild<QAction *>(QStringLiteral("exportAction"));
    QVERIFY(exportAction);
    QCOMPARE(exportAction->shortcut(), QKeySequence(QStringLiteral("Ctrl+E")));
}

void tst_MainWindow::queueStatusText()
{
    MainWindow window;
    window.setQueueStatus(3, 1, 12, 1);
    const QString expected = QStringLiteral("3 waiting · 1 running · 12 done · 1 failed");
    QCOMPARE(window.queueStatusText(), expected);
    auto *label = window.statusBar()->findChild<QLabel *>(QStringLiteral("queueStatus"));
    QVERIFY(label);
    QCOMPARE(label->text(), expected);
    window.setQueueStatus(0, 0, 0, 0);
    QCOMPARE(label->text(), QStringLiteral("0 waiting · 0 running · 0 done · 0 failed"));
}

void tst_MainWindow::closeEmitsClosing()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy spy(&window, &MainWindow::closing);
    QVERIFY(window.close());
    QCOMPARE(spy.count(), 1);
}

void tst_MainWindow::defaultSizeComesFromTheScreen()
{
    MainWindow window;
    const QSize available = window.screen()->availableGeometry().size();
    QCOMPARE(window.size(), available * 4 / 5);
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
