#include "tools/screenshots/screenshotdriver.h"

#include "errorview/errorpanel.h"
#include "gui/guiapp.h"
#include "params/paramsform.h"
#include "preview/previewpanel.h"
#include "progress/progresspanel.h"
#include "window/mainwindow.h"

#include <QComboBox>
#include <QDir>
#include <QGuiApplication>
#include <QMediaPlayer>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QSpinBox>

namespace comfyvideo::tests {

using namespace std::chrono_literals;

ScreenshotDriver::ScreenshotDriver(gui::GuiApp *app, QString outDir, QObject *parent)
    : QObject(parent)
    , m_app(app)
    , m_outDir(std::move(outDir))
{
    m_poll.setInterval(200ms);
    connect(&m_poll, &QTimer::timeout, this, &ScreenshotDriver::poll);
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(240s);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("timed out in state %1").arg(m_steps.value(m_current).name));
    });
}

void ScreenshotDriver::start()
{
    QDir().mkpath(m_outDir);
    buildSteps();
    m_current = 0;
    m_deadline.start();
    m_poll.start();
}

void ScreenshotDriver::buildSteps()
{
    ui::MainWindow *window = m_app->window();
    auto *generate = window->findChild<QPushButton *>(QStringLiteral("generate"));
    auto click = [generate] {
        if (generate)
            generate->click();
    };
    m_steps = {
            {QStringLiteral("01-empty"),
             [] {},
             [window] { // the catalog arrived (Generate waits for a prompt)
                 const auto *checkpoint
                         = window->findChild<QComboBox *>(QStringLiteral("checkpoint"));
                 return checkpoint && checkpoint->count() > 0;
             },
             1000},
            {QStringLiteral("02-running-with-preview"),
             [this, click] {
                 fill(384, 16, 20);
                 QTimer::singleShot(300, this, click); // after the form validated
             },
             [window] {
                 return window->progressPanel()->hasPreview()
                        && window->progressPanel()->progressPercent() >= 35;
             },
             300},
            {QStringLiteral("03-finished-with-video"),
             [] {},
             [window] {
                 return window->previewPanel()->player()->playbackState()
                        == QMediaPlayer::PlayingState;
             },
             700},
            {QStringLiteral("04-error-with-tips"),
             [this, click] {
                 fill(768, 24, 20); // above the simulator's --fault oom:limit
                 QTimer::singleShot(300, this, click);
             },
             [window] {
                 return window->errorPanel()->isVisible()
                        && !window->errorPanel()->tipTexts().isEmpty();
             },
             600},
    };
}

void ScreenshotDriver::fill(int side, int frames, int steps)
{
    ui::MainWindow *window = m_app->window();
    if (auto *prompt = window->findChild<QPlainTextEdit *>(QStringLiteral("prompt")))
        prompt->setPlainText(QStringLiteral("A paper boat drifting on a calm pond at dawn"));
    const QList<std::pair<QString, int>> values{{QStringLiteral("width"), side},
                                                {QStringLiteral("height"), side},
                                                {QStringLiteral("frames"), frames},
                                                {QStringLiteral("steps"), steps}};
    for (const auto &[name, value] : values) {
        if (auto *spin = window->findChild<QSpinBox *>(name))
            spin->setValue(value);
    }
}

void ScreenshotDriver::poll()
{
    if (m_current < 0 || m_current >= m_steps.size())
        return;
    Step &step = m_steps[m_current];
    if (!m_entered) {
        if (!m_app->controller())
            return; // the store is still opening
        m_entered = true;
        step.enter();
        return;
    }
    if (!step.ready())
        return;
    m_poll.stop();
    const QString name = step.name;
    QTimer::singleShot(step.settleMs, this, [this, name] {
        grab(name);
        ++m_current;
        m_entered = false;
        if (m_current >= m_steps.size()) {
            m_deadline.stop();
            emit finished(true, {});
        } else {
            m_poll.start();
        }
    });
}

void ScreenshotDriver::grab(const QString &name)
{
    ui::MainWindow *window = m_app->window();
    QPixmap pixmap;
    // The screen, not the widget: a widget grab leaves the video surface empty.
    if (QScreen *screen = window->screen()) {
        const QRect frame = window->frameGeometry();
        pixmap = screen->grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height());
    }
    if (pixmap.isNull())
        pixmap = window->grab();
    const QString path = QDir(m_outDir).filePath(name + QStringLiteral(".png"));
    if (!pixmap.save(path)) {
        fail(QStringLiteral("cannot write %1").arg(path));
        return;
    }
    m_written.append(path);
}

void ScreenshotDriver::fail(const QString &message)
{
    m_poll.stop();
    m_deadline.stop();
    m_current = int(m_steps.size());
    emit finished(false, message);
}

} // namespace comfyvideo::tests
