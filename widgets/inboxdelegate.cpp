#include "inboxdelegate.h"

#include <QPainter>

namespace sb {

void InboxDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const
{
    const bool selected = option.state & QStyle::State_Selected;
    const QPalette::ColorGroup group = !(option.state & QStyle::State_Enabled) ? QPalette::Disabled
                                       : (option.state & QStyle::State_Active) ? QPalette::Active
                                                                               : QPalette::Inactive;
    if (selected) {
        painter->fillRect(option.rect, option.palette.brush(group, QPalette::Highlight));
    } else {
        const QVariant background = index.data(Qt::BackgroundRole);
        if (background.isValid())
            painter->fillRect(option.rect, qvariant_cast<QBrush>(background));
    }
    const QString text = index.data(Qt::DisplayRole).toString();
    if (text.isEmpty())
        return;
    const QVariant fontData = index.data(Qt::FontRole);
    const QFont font = fontData.isValid() ? qvariant_cast<QFont>(fontData).resolve(option.font) : option.font;
    const QFontMetrics metrics = fontData.isValid() ? QFontMetrics(font) : option.fontMetrics;
    const QVariant alignData = index.data(Qt::TextAlignmentRole);
    const Qt::Alignment align = alignData.isValid() ? Qt::Alignment(alignData.toInt())
                                                    : Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter);
    const int margin = metrics.horizontalAdvance(QLatin1Char(' '));
    const QRect box = option.rect.adjusted(margin, 0, -margin, 0);
    const QString line = metrics.elidedText(text, option.textElideMode, box.width());
    // drawText at a point takes the painter's fast path; the rectangle-and-flags form lays the
    // text out again.
    int x = box.left();
    if (align & Qt::AlignRight)
        x = box.right() + 1 - metrics.horizontalAdvance(line);
    else if (align & Qt::AlignHCenter)
        x = box.left() + (box.width() - metrics.horizontalAdvance(line)) / 2;
    const int baseline = box.top() + (box.height() - metrics.height()) / 2 + metrics.ascent();
    painter->save();
    painter->setFont(font);
    painter->setPen(option.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text));
    painter->drawText(QPoint(x, baseline), line);
    painter->restore();
}

} // namespace sb
