#include "progress/progresspanel.h"

#include "progress/previewimagelabel.h"
#include "progress/progresstexts.h"
#include "progress/statusbadge.h"

#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace comfyvideo::ui {

namespace {

constexpr int BarMaximum = 1000;

QLabel *makeLabel(const QString &accessibleName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setAccessibleName(accessibleName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

// How long an ended job ran: its last progress, else its record's timestamps.
std::optional<std::chrono::milliseconds>
elapsedOf(const std::optional<backends::JobProgress> &progress,
          const QDateTime &started,
          const QDateTime &finished)
{
    if (progress && progress->elapsed.count() > 0)
        return progress->elapsed;
    if (started.isValid() && finished.isValid() && started <= finished)
        return std::chrono::milliseconds(started.msecsTo(finished));
    return std::nullopt;
}

// What the title names the job by: its prompt, or for image-to-video its start image.
QString subjectOf(const storage::JobRecord &job)
{
    const QString prompt = job.prompt.isEmpty() ? job.request.prompt : job.prompt;
    if (!prompt.trimmed().isEmpty() || job.request.kind != request::Kind::Svd)
        return prompt;
    return QFileInfo(job.request.referenceImage).fileName();
}

} // namespace

class ProgressPanel::Private
{
public:
    explicit Private(ProgressPanel *q);

    void buildHeader(QVBoxLayout *layout);
    void buildFacts(QVBoxLayout *layout);
    void buildDetails(QVBoxLayout *layout);
    void resetProgress();
    void showProgressTexts();
    void showIdleTexts();
    void updateTitle();
    void setBar(double overall);

    ProgressPanel *q;
    qint64 jobId = 0;
    std::optional<storage::JobState> state;
    QString prompt;
    QDateTime started;
    QDateTime finished;
    std::optional<backends::JobProgress> progress;
    QStringList lines;
    int refreshes = 0;

    StatusBadge *badge = nullptr;
    QLabel *title = nullptr;
    QPushButton *cancel = nullptr;
    QLabel *phase = nullptr;
    QLabel *step = nullptr;
    QLabel *frames = nullptr;
    QLabel *node = nullptr;
    QLabel *timing = nullptr;
    QProgressBar *bar = nullptr;
    PreviewImageLabel *preview = nullptr;
    QToolButton *detailsToggle = nullptr;
    QPlainTextEdit *log = nullptr;
};

ProgressPanel::Private::Private(ProgressPanel *q)
    : q(q)
{
    auto *layout = new QVBoxLayout(q);
    buildHeader(layout);
    buildFacts(layout);
    preview = new PreviewImageLabel(q);
    layout->addWidget(preview, 1);
    buildDetails(layout);
}

void ProgressPanel::Private::buildHeader(QVBoxLayout *layout)
{
    auto *row = new QHBoxLayout;
    badge = new StatusBadge(q);
    title = makeLabel(ProgressPanel::tr("Job"), q);
    title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    cancel = new QPushButton(ProgressPanel::tr("&Cancel job"), q);
    cancel->setAccessibleName(ProgressPanel::tr("Cancel job"));
    cancel->setToolTip(ProgressPanel::tr("Stop this job on its server"));
    cancel->setEnabled(false);
    QObject::connect(cancel, &QPushButton::clicked, q, [this] {
        if (jobId != 0)
            emit this->q->cancelRequested(jobId);
    });
    row->addWidget(badge);
    row->addWidget(title, 1);
    row->addWidget(cancel);
    layout->addLayout(row);
}

void ProgressPanel::Private::buildFacts(QVBoxLayout *layout)
{
    phase = makeLabel(ProgressPanel::tr("Phase"), q);
    QFont bold = phase->font();
    bold.setBold(true);
    phase->setFont(bold);
    step = makeLabel(ProgressPanel::tr("Step"), q);
    frames = makeLabel(ProgressPanel::tr("Frames"), q);
    node = makeLabel(ProgressPanel::tr("Current node"), q);
    timing = makeLabel(ProgressPanel::tr("Elapsed and remaining time"), q);

    auto *grid = new QGridLayout;
    grid->addWidget(phase, 0, 0);
    grid->addWidget(step, 0, 1);
    grid->addWidget(frames, 0, 2);
    grid->addWidget(node, 1, 0, 1, 2);
    grid->addWidget(timing, 1, 2);
    grid->setColumnStretch(0, 2);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(2, 1);
    layout->addLayout(grid);

    bar = new QProgressBar(q);
    bar->setRange(0, BarMaximum);
    bar->setFormat(ProgressPanel::tr("%p%"));
    bar->setAccessibleName(ProgressPanel::tr("Job progress"));
    layout->addWidget(bar);
}

void ProgressPanel::Private::buildDetails(QVBoxLayout *layout)
{
    detailsToggle = new QToolButton(q);
    detailsToggle->setText(ProgressPanel::tr("&Details"));
    detailsToggle->setCheckable(true);
    detailsToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    detailsToggle->setArrowType(Qt::RightArrow);
    detailsToggle->setAutoRaise(true);
    detailsToggle->setAccessibleName(ProgressPanel::tr("Show job details"));
    detailsToggle->setToolTip(ProgressPanel::tr("Show or hide the job's event log"));
    log = new QPlainTextEdit(q);
    log->setReadOnly(true);
    log->setLineWrapMode(QPlainTextEdit::NoWrap);
    log->setAccessibleName(ProgressPanel::tr("Job event log"));
    log->setMinimumHeight(log->fontMetrics().height() * 5);
    log->setVisible(false);
    QObject::connect(detailsToggle, &QToolButton::toggled, q, [this](bool open) {
        detailsToggle->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
        log->setVisible(open);
        if (open && jobId != 0)
            emit this->q->detailsRequested(jobId);
    });
    layout->addWidget(detailsToggle, 0, Qt::AlignLeft);
    layout->addWidget(log);
}

void ProgressPanel::Private::resetProgress()
{
    progress.reset();
    preview->clearImage();
    setBar(0.0);
    for (QLabel *label : {phase, step, frames, node, timing})
        label->clear();
}

void ProgressPanel::Private::setBar(double overall)
{
    bar->setValue(static_cast<int>(std::lround(std::clamp(overall, 0.0, 1.0) * BarMaximum)));
}

void ProgressPanel::Private::showProgressTexts()
{
    const backends::JobProgress &p = *progress;
    phase->setText(progresstexts::phase(p));
    step->setText(progresstexts::step(p));
    frames->setText(progresstexts::frames(p));
    node->setText(progresstexts::node(p));
    timing->setText(progresstexts::timing(p));
    setBar(p.overall);
}

// Before the first progress value, and after the job has ended.
void ProgressPanel::Private::showIdleTexts()
{
    if (!state)
        return;
    if (storage::isTerminal(*state)) {
        phase->setText(progresstexts::terminalPhase(*state));
        if (*state == storage::JobState::Completed)
            setBar(1.0);
        if (const auto took = elapsedOf(progress, started, finished))
            timing->setText(ProgressPanel::tr("Elapsed %1").arg(progresstexts::duration(*took)));
        step->setText(progress ? progresstexts::step(*progress) : QString());
        node->clear();
        return;
    }
    if (!progress) {
        phase->setText(*state == storage::JobState::Queued
                               ? ProgressPanel::tr("Waiting for a free server")
                               : StatusBadge::displayName(*state));
    }
}

void ProgressPanel::Private::updateTitle()
{
    if (jobId == 0) {
        title->clear();
        title->setToolTip({});
        return;
    }
    const QString head = ProgressPanel::tr("Job #%1").arg(jobId);
    const QString oneLine = QString(prompt).replace(u'\n', u' ').simplified();
    const QString full = oneLine.isEmpty() ? head : ProgressPanel::tr("%1 — %2").arg(head, oneLine);
    const int width = std::max(title->width(), title->fontMetrics().averageCharWidth() * 20);
    title->setText(title->fontMetrics().elidedText(full, Qt::ElideRight, width));
    title->setToolTip(full);
}

ProgressPanel::ProgressPanel(QWidget *parent)
    : QWidget(parent)
    , d(std::make_unique<Private>(this))
{
    setAccessibleName(tr("Job progress"));
}

ProgressPanel::~ProgressPanel() = default;

void ProgressPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    d->updateTitle();
}

qint64 ProgressPanel::jobId() const
{
    return d->jobId;
}

void ProgressPanel::showJob(const storage::JobRecord &job)
{
    const bool switched = job.id != d->jobId;
    const bool restarted
            = d->state && storage::isTerminal(*d->state) && !storage::isTerminal(job.state);
    if (switched) {
        d->lines.clear();
        d->log->clear();
    }
    if (switched || restarted)
        d->resetProgress();
    d->jobId = job.id;
    d->state = job.state;
    d->prompt = subjectOf(job);
    d->started = job.submittedAt.isValid() ? job.submittedAt : job.createdAt;
    d->finished = job.finishedAt;
    d->badge->setState(job.state);
    d->cancel->setEnabled(job.id != 0 && !storage::isTerminal(job.state));
    d->updateTitle();
    d->showIdleTexts();
}

void ProgressPanel::setProgress(const backends::JobProgress &progress)
{
    if (d->jobId == 0 || (d->state && storage::isTerminal(*d->state)))
        return; // nothing shown, or a late value for a job that has ended
    if (d->progress && *d->progress == progress)
        return;
    d->progress = progress;
    d->preview->setImageData(progress.previewBytes, progress.previewMimeType);
    d->showProgressTexts();
    ++d->refreshes;
}

void ProgressPanel::setEvents(const QList<storage::JobEvent> &events)
{
    d->lines.clear();
    for (const storage::JobEvent &event : events)
        d->lines.append(progresstexts::eventLine(event));
    d->log->setPlainText(d->lines.join(u'\n'));
}

void ProgressPanel::appendEvent(const storage::JobEvent &event)
{
    if (event.jobId != 0 && event.jobId != d->jobId)
        return;
    const QString line = progresstexts::eventLine(event);
    d->lines.append(line);
    d->log->appendPlainText(line);
}

void ProgressPanel::clear()
{
    d->jobId = 0;
    d->state.reset();
    d->prompt.clear();
    d->started = {};
    d->finished = {};
    d->resetProgress();
    d->lines.clear();
    d->log->clear();
    d->badge->setState(std::nullopt);
    d->cancel->setEnabled(false);
    d->updateTitle();
}

QString ProgressPanel::phaseText() const
{
    return d->phase->text();
}

QString ProgressPanel::stepText() const
{
    return d->step->text();
}

QString ProgressPanel::etaText() const
{
    return d->timing->text();
}

QString ProgressPanel::badgeText() const
{
    return d->badge->text();
}

int ProgressPanel::progressPercent() const
{
    return static_cast<int>(std::lround(d->bar->value() * 100.0 / BarMaximum));
}

bool ProgressPanel::hasPreview() const
{
    return d->preview->hasImage();
}

int ProgressPanel::refreshCount() const
{
    return d->refreshes;
}

bool ProgressPanel::cancelEnabled() const
{
    return d->cancel->isEnabled();
}

QStringList ProgressPanel::eventLines() const
{
    return d->lines;
}

} // namespace comfyvideo::ui
