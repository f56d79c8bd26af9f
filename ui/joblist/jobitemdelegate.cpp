#include "jobitemdelegate.h"

#include "sessionjobsmodel.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>
#include <QStyleOptionProgressBar>

#include <algorithm>
#include <cmath>

namespace comfyvideo::ui {

namespace {

using storage::JobState;

// Layout units, all derived from the font so rows scale with it and with the screen.
struct Metrics
{
    int margin;  // around the row's content
    int spacing; // between badge and text, between lines
    int barHeight;
    int lineHeight;
    int smallHeight;

    explicit Metrics(const QStyleOptionViewItem &option)
    {
        const QFontMetrics fm(option.font);
        const QFontMetrics small(JobItemDelegate::smallFont(option.font));
        margin = std::max(2, fm.height() / 4);
        spacing = std::max(2, fm.height() / 6);
        barHeight = std::max(3, fm.height() / 4);
        lineHeight = fm.height();
        smallHeight = small.height();
    }
};

// The widest badge text, so that the prompts of every row start at the same x.
int badgeWidth(const QFont &font)
{
    const QFontMetrics fm(font);
    int widest = 0;
    for (const JobState state : storage::allStates())
        widest = std::max(widest, fm.horizontalAdvance(SessionJobsModel::stateText(state)));
    return widest + fm.height();
}

QColor badgeColour(const QStyleOptionViewItem &option, JobState state)
{
    const QPalette &pal = option.palette;
    if (option.state & QStyle::State_Selected)
        return pal.color(QPalette::HighlightedText);
    switch (state) {
    case JobState::Queued:
    case JobState::Canceled:
        return pal.color(QPalette::Disabled, QPalette::Text);
    case JobState::Completed:
        return pal.color(QPalette::Link);
    case JobState::Failed:
        return pal.color(QPalette::LinkVisited);
    default:
        return pal.color(QPalette::Highlight);
    }
}

} // namespace

JobItemDelegate::JobItemDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{}

QFont JobItemDelegate::smallFont(const QFont &font)
{
    QFont small = font;
    if (font.pointSizeF() > 0)
        small.setPointSizeF(std::max(1.0, font.pointSizeF() * 0.85));
    else if (font.pixelSize() > 0)
        small.setPixelSize(std::max(1, int(std::lround(font.pixelSize() * 0.85))));
    return small;
}

QSize JobItemDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    // Every row has the same height (room for the bar even when there is none): uniform rows
    // keep a long list cheap and stop rows jumping when a job starts or ends.
    const Metrics m(option);
    const int height
            = 2 * m.margin + m.lineHeight + m.spacing + m.smallHeight + m.spacing + m.barHeight;
    const int width = badgeWidth(smallFont(option.font)) + m.spacing
                      + QFontMetrics(option.font).averageCharWidth() * 28 + 2 * m.margin;
    return {width, height};
}

void JobItemDelegate::paint(QPainter *painter,
                            const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();

    // Background, selection and focus as the style draws them, without the default text.
    opt.text.clear();
    opt.icon = {};
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const Metrics m(option);
    const QRect content = option.rect.adjusted(m.margin, m.margin, -m.margin, -m.margin);
    const QFont small = smallFont(option.font);
    const int badgeW = badgeWidth(small);
    const QRect badge(content.left(), content.top(), badgeW, m.lineHeight);
    const int textLeft = badge.right() + 1 + m.spacing;
    const QRect line1(textLeft, content.top(), content.right() - textLeft + 1, m.lineHeight);
    const QRect line2(textLeft, line1.bottom() + 1 + m.spacing, line1.width(), m.smallHeight);

    painter->save();
    paintBadge(painter, option, index, badge);

    const bool selected = option.state & QStyle::State_Selected;
    const QPalette::ColorGroup group
            = (option.state & QStyle::State_Enabled) ? QPalette::Normal : QPalette::Disabled;
    painter->setPen(
            option.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text));
    painter->setFont(option.font);
    const QString display = index.data(Qt::DisplayRole).toString();
    painter->drawText(line1,
                      Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(option.font).elidedText(display, Qt::ElideRight, line1.width()));

    painter->setFont(small);
    painter->setPen(option.palette.color(
            group, selected ? QPalette::HighlightedText : QPalette::PlaceholderText));
    const QString summary = index.data(SessionJobsModel::SummaryRole).toString();
    painter->drawText(line2,
                      Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(small).elidedText(summary, Qt::ElideRight, line2.width()));
    painter->restore();

    const double progress = index.data(SessionJobsModel::ProgressRole).toDouble();
    if (progress >= 0) {
        const QRect bar(textLeft, line2.bottom() + 1 + m.spacing, line1.width(), m.barHeight);
        paintProgress(painter, option, progress, bar);
    }
}

void JobItemDelegate::paintBadge(QPainter *painter,
                                 const QStyleOptionViewItem &option,
                                 const QModelIndex &index,
                                 const QRect &rect) const
{
    const auto state = JobState(index.data(SessionJobsModel::StateRole).toInt());
    const QColor colour = badgeColour(option, state);
    const QFont small = smallFont(option.font);
    const qreal radius = QFontMetrics(small).height() / 3.0;

    painter->setRenderHint(QPainter::Antialiasing, true);
    QPen pen(colour);
    pen.setWidthF(std::max(1.0, QFontMetricsF(small).lineWidth()));
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius);
    painter->setFont(small);
    painter->drawText(
            rect, Qt::AlignCenter, index.data(SessionJobsModel::StateTextRole).toString());
    painter->setRenderHint(QPainter::Antialiasing, false);
}

void JobItemDelegate::paintProgress(QPainter *painter,
                                    const QStyleOptionViewItem &option,
                                    double progress,
                                    const QRect &rect) const
{
    QStyleOptionProgressBar bar;
    if (option.widget)
        bar.initFrom(option.widget);
    bar.state = option.state | QStyle::State_Horizontal;
    bar.palette = option.palette;
    bar.rect = rect;
    bar.minimum = 0;
    bar.maximum = 1000;
    bar.progress = int(std::lround(std::clamp(progress, 0.0, 1.0) * 1000));
    bar.textVisible = false;
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
}

} // namespace comfyvideo::ui
