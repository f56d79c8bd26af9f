#pragma once

#include <QStyledItemDelegate>

namespace comfyvideo::ui {

// Paints one row of the session's job list: a state badge, the prompt (or picture name)
// elided, the summary in a smaller font and a thin progress bar for active jobs. Colours come
// from the palette only; sizes from the font metrics (High-DPI safe).
class JobItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit JobItemDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter,
               const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // The smaller font of the badge and summary line, derived from `font`.
    static QFont smallFont(const QFont &font);

private:
    void paintBadge(QPainter *painter,
                    const QStyleOptionViewItem &option,
                    const QModelIndex &index,
                    const QRect &rect) const;
    void paintProgress(QPainter *painter,
                       const QStyleOptionViewItem &option,
                       double progress,
                       const QRect &rect) const;
};

} // namespace comfyvideo::ui
