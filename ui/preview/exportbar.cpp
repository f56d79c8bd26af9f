#include "preview/exportbar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace comfyvideo::ui {

namespace {

QPushButton *makeButton(QWidget *parent, const QString &text, const QString &toolTip)
{
    auto *button = new QPushButton(text, parent);
    button->setAccessibleName(QString(text).remove(QLatin1Char('&')).remove(u'…'));
    button->setToolTip(toolTip);
    return button;
}

} // namespace

ExportBar::ExportBar(QWidget *parent)
    : QWidget(parent)
{
    m_exportButton = makeButton(
            this, tr("&Export MP4…"), tr("Save the video as an H.264 MP4 that plays everywhere"));
    m_openFolderButton
            = makeButton(this, tr("Open &folder"), tr("Show the folder that holds the video"));
    m_copyPathButton
            = makeButton(this, tr("Copy &path"), tr("Copy the video's file path to the clipboard"));
    m_progress = new QProgressBar(this);
    m_progress->setAccessibleName(tr("Export progress"));
    m_progress->setFormat(tr("%v of %m frames"));
    m_cancelButton = makeButton(this, tr("Cancel"), tr("Stop the export; nothing is written"));
    m_result = new QLabel(this);
    m_result->setAccessibleName(tr("Export result"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_exportButton);
    buttons->addWidget(m_openFolderButton);
    buttons->addWidget(m_copyPathButton);
    buttons->addStretch(1);
    buttons->addWidget(m_progress, 2);
    buttons->addWidget(m_cancelButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(m_result);

    connect(m_exportButton, &QPushButton::clicked, this, &ExportBar::exportRequested);
    connect(m_cancelButton, &QPushButton::clicked, this, &ExportBar::cancelRequested);
    connect(m_openFolderButton, &QPushButton::clicked, this, &ExportBar::openFolderRequested);
    connect(m_copyPathButton, &QPushButton::clicked, this, &ExportBar::copyPathRequested);
    m_progress->hide();
    m_cancelButton->hide();
    m_result->hide();
    setVideoAvailable(false);
}

void ExportBar::setVideoAvailable(bool available)
{
    m_available = available;
    m_exportButton->setEnabled(available && !m_exporting);
    m_openFolderButton->setEnabled(available);
    m_copyPathButton->setEnabled(available);
}

void ExportBar::showExporting()
{
    m_exporting = true;
    m_exportButton->setEnabled(false);
    m_progress->setRange(0, 0); // busy until the first progress report
    m_progress->show();
    m_cancelButton->show();
    m_cancelButton->setEnabled(true);
    m_result->setText(tr("Exporting…"));
    m_result->show();
}

void ExportBar::setProgress(int framesDone, int framesTotal)
{
    if (framesTotal <= 0)
        return;
    m_progress->setRange(0, framesTotal);
    m_progress->setValue(qMin(framesDone, framesTotal));
}

void ExportBar::showResult(bool ok, const QString &text)
{
    m_exporting = false;
    m_result->setAccessibleDescription(ok ? tr("Export finished") : tr("Export failed"));
    m_progress->hide();
    m_cancelButton->hide();
    m_result->setText(text);
    m_result->show();
    setVideoAvailable(m_available);
}

void ExportBar::clearResult()
{
    if (m_exporting)
        return;
    m_result->clear();
    m_result->hide();
}

QString ExportBar::resultText() const
{
    return m_result->text();
}

bool ExportBar::isExporting() const
{
    return m_exporting;
}

} // namespace comfyvideo::ui
