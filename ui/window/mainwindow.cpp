#include "window/mainwindow.h"

#include "common/version.h"
#include "errorview/errorpanel.h"
#include "joblist/joblistpanel.h"
#include "joblist/sessionjobsmodel.h"
#include "params/paramsform.h"
#include "preview/previewpanel.h"
#include "progress/progresspanel.h"
#include "window/banner.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>

namespace comfyvideo::ui {

namespace {
const auto GeometryKey = QStringLiteral("window/geometry");
const auto MainSplitterKey = QStringLiteral("window/mainSplitter");
const auto LeftSplitterKey = QStringLiteral("window/leftSplitter");
const auto RightSplitterKey = QStringLiteral("window/rightSplitter");
} // namespace

class MainWindow::Private
{
public:
    ParamsForm *form = nullptr;
    SessionJobsModel *model = nullptr;
    JobListPanel *jobList = nullptr;
    ProgressPanel *progress = nullptr;
    ErrorPanel *error = nullptr;
    PreviewPanel *preview = nullptr;
    Banner *banner = nullptr;
    QSplitter *mainSplitter = nullptr;
    QSplitter *leftSplitter = nullptr;
    QSplitter *rightSplitter = nullptr;
    QLabel *queueStatus = nullptr;
    QAction *exportAction = nullptr;
};

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , d(std::make_unique<Private>())
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("ComfyVideo"));
    buildPanels();
    buildMenus();

    d->queueStatus = new QLabel(this);
    d->queueStatus->setObjectName(QStringLiteral("queueStatus"));
    d->queueStatus->setAccessibleName(tr("Queue status"));
    statusBar()->addPermanentWidget(d->queueStatus);
    setQueueStatus(0, 0, 0, 0);

    // A default size from the screen, never fixed pixels (restoreState() may replace it).
    if (const QScreen *screen = this->screen()) {
        const QRect available = screen->availableGeometry();
        resize(available.size() * 4 / 5);
    }
}

MainWindow::~MainWindow() = default;

void MainWindow::buildPanels()
{
    d->form = new ParamsForm;
    d->form->setObjectName(QStringLiteral("paramsForm"));
    auto *scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("paramsScroll"));
    scroll->setAccessibleName(tr("Parameters"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(d->form);

    d->model = new SessionJobsModel(this);
    d->jobList = new JobListPanel(d->model);
    d->jobList->setObjectName(QStringLiteral("jobList"));

    d->leftSplitter = new QSplitter(Qt::Vertical);
    d->leftSplitter->setObjectName(QStringLiteral("leftSplitter"));
    d->leftSplitter->addWidget(scroll);
    d->leftSplitter->addWidget(d->jobList);
    d->leftSplitter->setStretchFactor(0, 3);
    d->leftSplitter->setStretchFactor(1, 1);
    d->leftSplitter->setChildrenCollapsible(false);

    d->banner = new Banner;
    d->error = new ErrorPanel;
    d->error->setObjectName(QStringLiteral("errorPanel"));
    d->error->hide();
    d->progress = new ProgressPanel;
    d->progress->setObjectName(QStringLiteral("progressPanel"));
    auto *status = new QWidget;
    auto *statusLayout = new QVBoxLayout(status);
    statusLayout->setContentsMargins(0, 0, 0, 0);
    statusLayout->addWidget(d->banner);
    statusLayout->addWidget(d->error);
    statusLayout->addWidget(d->progress, 1);

    d->preview = new PreviewPanel;
    d->preview->setObjectName(QStringLiteral("previewPanel"));
    d->rightSplitter = new QSplitter(Qt::Vertical);
    d->rightSplitter->setObjectName(QStringLiteral("rightSplitter"));
    d->rightSplitter->addWidget(status);
    d->rightSplitter->addWidget(d->preview);
    d->rightSplitter->setStretchFactor(0, 1);
    d->rightSplitter->setStretchFactor(1, 2);
    d->rightSplitter->setChildrenCollapsible(false);

    d->mainSplitter = new QSplitter(Qt::Horizontal);
    d->mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    d->mainSplitter->addWidget(d->leftSplitter);
    d->mainSplitter->addWidget(d->rightSplitter);
    d->mainSplitter->setStretchFactor(0, 2);
    d->mainSplitter->setStretchFactor(1, 3);
    d->mainSplitter->setChildrenCollapsible(false);
    setCentralWidget(d->mainSplitter);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    d->exportAction = file->addAction(tr("&Export MP4…"), this, &MainWindow::openExportDialog);
    d->exportAction->setObjectName(QStringLiteral("exportAction"));
    d->exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    d->exportAction->setToolTip(tr("Export the video shown in the preview as an H.264 MP4"));
    QAction *folder
            = file->addAction(tr("&Open output folder"), this, &MainWindow::outputFolderRequested);
    folder->setObjectName(QStringLiteral("openFolderAction"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setShortcutContext(Qt::ApplicationShortcut);
    connect(file, &QMenu::aboutToShow, this, [this] {
        d->exportAction->setEnabled(!d->preview->videoPath().isEmpty());
    });

    QMenu *servers = menuBar()->addMenu(tr("&Servers"));
    QAction *serversAction
            = servers->addAction(tr("&Servers…"), this, &MainWindow::serversRequested);
    serversAction->setObjectName(QStringLiteral("serversAction"));
    serversAction->setShortcut(QKeySequence(tr("Ctrl+,")));
    serversAction->setToolTip(tr("Add, remove and test ComfyUI servers"));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About ComfyVideo"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::openExportDialog()
{
    const QString source = d->preview->videoPath();
    if (source.isEmpty()) {
        statusBar()->showMessage(tr("Nothing to export yet: finish or select a video first."),
                                 5000);
        return;
    }
    const QFileInfo info(source);
    auto *dialog = new QFileDialog(
            this,
            tr("Export MP4"),
            info.absoluteDir().filePath(info.completeBaseName() + QStringLiteral(".mp4")),
            tr("MP4 video (*.mp4)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("mp4"));
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &destination) {
        if (!destination.isEmpty())
            d->preview->exportTo(destination);
    });
    dialog->open();
}

void MainWindow::showAbout()
{
    auto *box = new QMessageBox(QMessageBox::Information,
                                tr("About ComfyVideo"),
                                tr("ComfyVideo %1\n\nMakes short videos on your computer; "
                                   "renders with ComfyUI (AnimateDiff and Stable Video "
                                   "Diffusion).")
                                        .arg(QLatin1String(ApplicationVersion)),
                                QMessageBox::Ok,
                                this);
    box->setObjectName(QStringLiteral("aboutBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setModal(false);
    box->show();
}

ParamsForm *MainWindow::paramsForm() const
{
    return d->form;
}

SessionJobsModel *MainWindow::jobsModel() const
{
    return d->model;
}

JobListPanel *MainWindow::jobList() const
{
    return d->jobList;
}

ProgressPanel *MainWindow::progressPanel() const
{
    return d->progress;
}

ErrorPanel *MainWindow::errorPanel() const
{
    return d->error;
}

PreviewPanel *MainWindow::previewPanel() const
{
    return d->preview;
}

void MainWindow::setBanner(const QString &text, BannerLevel level)
{
    Banner::Level bannerLevel = Banner::Level::Info;
    if (level == BannerLevel::Warning)
        bannerLevel = Banner::Level::Warning;
    else if (level == BannerLevel::Error)
        bannerLevel = Banner::Level::Error;
    d->banner->setMessage(text, bannerLevel);
}

QString MainWindow::bannerText() const
{
    return d->banner->text();
}

MainWindow::BannerLevel MainWindow::bannerLevel() const
{
    switch (d->banner->level()) {
    case Banner::Level::Warning:
        return BannerLevel::Warning;
    case Banner::Level::Error:
        return BannerLevel::Error;
    case Banner::Level::Info:
        break;
    }
    return BannerLevel::Info;
}

void MainWindow::setQueueStatus(int waiting, int active, int done, int failed)
{
    d->queueStatus->setText(tr("%1 waiting · %2 running · %3 done · %4 failed")
                                    .arg(waiting)
                                    .arg(active)
                                    .arg(done)
                                    .arg(failed));
}

QString MainWindow::queueStatusText() const
{
    return d->queueStatus->text();
}

void MainWindow::saveState(QSettings &settings) const
{
    settings.setValue(GeometryKey, saveGeometry());
    settings.setValue(MainSplitterKey, d->mainSplitter->saveState());
    settings.setValue(LeftSplitterKey, d->leftSplitter->saveState());
    settings.setValue(RightSplitterKey, d->rightSplitter->saveState());
}

void MainWindow::restoreState(const QSettings &settings)
{
    if (const QByteArray geometry = settings.value(GeometryKey).toByteArray(); !geometry.isEmpty())
        restoreGeometry(geometry);
    d->mainSplitter->restoreState(settings.value(MainSplitterKey).toByteArray());
    d->leftSplitter->restoreState(settings.value(LeftSplitterKey).toByteArray());
    d->rightSplitter->restoreState(settings.value(RightSplitterKey).toByteArray());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    emit closing();
    QMainWindow::closeEvent(event);
}

} // namespace comfyvideo::ui
