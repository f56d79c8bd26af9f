#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace comfyvideo::ui {

// The preview's file row (a pure view): Export MP4…, Open folder, Copy path; while exporting
// a progress bar and Cancel; then a result line ("Exported to <path>" or the error).
class ExportBar : public QWidget
{
    Q_OBJECT
public:
    explicit ExportBar(QWidget *parent = nullptr);

    void setVideoAvailable(bool available);
    void showExporting(); // progress bar + Cancel, Export disabled
    void setProgress(int framesDone, int framesTotal);
    void showResult(bool ok, const QString &text);
    void clearResult();

    QString resultText() const;
    bool isExporting() const;

signals:
    void exportRequested();
    void cancelRequested();
    void openFolderRequested();
    void copyPathRequested();

private:
    QPushButton *m_exportButton = nullptr;
    QPushButton *m_openFolderButton = nullptr;
    QPushButton *m_copyPathButton = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QLabel *m_result = nullptr;
    bool m_available = false;
    bool m_exporting = false;
};

} // namespace comfyvideo::ui
