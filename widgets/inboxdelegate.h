#pragma once
// Paints the inbox's cells: a background (selection or how late the customer is) and one elided
// line of text. The view asks for every visible cell on each repaint, and the style's own item
// painting (a text layout and a dozen data() look-ups per cell) made a repaint of the inbox take
// about 1.4 ms; a row moving in the sort order repaints the visible rows. Lines already shaped
// (names, channels, messages: most of what a repaint draws again) are kept as QStaticText.

#include <QHash>
#include <QStaticText>
#include <QStyledItemDelegate>

namespace sb {

class InboxDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;

private:
    // The text elided to `width` in `font`, shaped once.
    const QStaticText &shaped(const QString &text, const QFont &font, const QFontMetrics &metrics, int width,
                              Qt::TextElideMode mode) const;

    mutable QHash<QString, QStaticText> m_lines;
    mutable QString m_fontKey;
};

} // namespace sb
