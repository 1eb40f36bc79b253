#include "inboxdelegate.h"

#include <QPainter>
#include <QtMath>

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
    const QStaticText &line = shaped(text, font, metrics, box.width(), option.textElideMode);
    const int width = qCeil(line.size().width());
    int x = box.left();
    if (align & Qt::AlignRight)
        x = box.right() + 1 - width;
    else if (align & Qt::AlignHCenter)
        x = box.left() + (box.width() - width) / 2;
    // Centred by its own height: a line in a fallback font (Chinese) is taller than the metrics say.
    const int y = box.top() + (box.height() - qCeil(line.size().height())) / 2;
    painter->save();
    painter->setFont(font);
    painter->setPen(option.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text));
    painter->drawStaticText(QPoint(x, y), line);
    painter->restore();
}

const QStaticText &InboxDelegate::shaped(const QString &text, const QFont &font, const QFontMetrics &metrics,
                                         int width, Qt::TextElideMode mode) const
{
    const QString fontKey = font.key();
    if (fontKey != m_fontKey && !font.bold()) {
        // Another base font (the system's changed, or the screen's scale): shape again.
        m_lines.clear();
        m_fontKey = fontKey;
    }
    QString key = text;
    key += QChar(0x1f);
    key += QString::number(width);
    key += font.bold() ? QLatin1Char('b') : QLatin1Char('n');
    auto it = m_lines.find(key);
    if (it == m_lines.end()) {
        // Waiting times change every second: bounded, and cheap to rebuild.
        if (m_lines.size() > 4096)
            m_lines.clear();
        QStaticText line(metrics.elidedText(text, mode, width));
        line.setTextFormat(Qt::PlainText);
        line.setPerformanceHint(QStaticText::AggressiveCaching);
        line.prepare(QTransform(), font);
        it = m_lines.insert(key, line);
    }
    return *it;
}

} // namespace sb
