#pragma once

#include <QMainWindow>
#include <memory>

class QSettings;

namespace comfyvideo::ui {

class ParamsForm;
class JobListPanel;
class ProgressPanel;
class ErrorPanel;
class PreviewPanel;
class SessionJobsModel;

// The main window (issue 6): a thin shell that composes the panels. Left: the parameters form
// (scrollable) above the session's job list. Right: a banner line (demo server, store or lock
// problems), the error panel, the progress panel and the video preview. Menus: File (Export
// MP4…, Open output folder, Quit), Servers…, Help (About). The status bar shows queue counts.
// Remembers its geometry and splitter sizes (saveState/restoreState). Follows the system palette
// and High-DPI (no fixed pixel sizes or colours; sizes from fontMetrics()).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    ParamsForm *paramsForm() const;
    SessionJobsModel *jobsModel() const;
    JobListPanel *jobList() const;
    ProgressPanel *progressPanel() const;
    ErrorPanel *errorPanel() const;
    PreviewPanel *previewPanel() const;

    // The banner at the top of the right side; empty text hides it. Demo mode shows
    // tr("Demo server — renders a test animation, not AI.").
    enum class BannerLevel { Info, Warning, Error };
    void setBanner(const QString &text, BannerLevel level = BannerLevel::Info);
    QString bannerText() const;
    BannerLevel bannerLevel() const;
    void setQueueStatus(int waiting, int active, int done, int failed);
    QString queueStatusText() const;

    void saveState(QSettings &settings) const;
    void restoreState(const QSettings &settings);

signals:
    void serversRequested();
    void outputFolderRequested();
    void closing(); // before the window closes (the controller saves what it must)

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildPanels();
    void buildMenus();
    void openExportDialog();
    void showAbout();

    class Private;
    std::unique_ptr<Private> d;
};

} // namespace comfyvideo::ui
