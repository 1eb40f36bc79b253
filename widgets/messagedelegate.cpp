#include "messagedelegate.h"

#include "chatmessage.h"
#include "messagemodel.h"

#include <QApplication>
#include <QDateTime>
#include <QImage>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QTextOption>

namespace sb {

namespace {
constexpr int kMargin = 8;
constexpr int kPad = 8;
constexpr int kImageMax = 240;

ChatMessage::Sender senderOf(const QModelIndex &i)
{
    return static_cast<ChatMessage::Sender>(i.data(MessageModel::SenderRole).toInt());
}
ChatMessage::Kind kindOf(const QModelIndex &i)
{
    return static_cast<ChatMessage::Kind>(i.data(MessageModel::KindRole).toInt());
}
} // namespace

MessageDelegate::MessageDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

QString MessageDelegate::headerText(const QModelIndex &index) const
{
    const QString senderId = index.data(MessageModel::SenderIdRole).toString();
    switch (senderOf(index)) {
    case ChatMessage::Sender::Customer:
        return tr("Customer");
    case ChatMessage::Sender::System:
        return {};
    case ChatMessage::Sender::Agent:
        break;
    }
    const QString name = m_names.value(senderId, senderId);
    return kindOf(index) == ChatMessage::Kind::Note ? tr("Internal note · %1").arg(name) : name;
}

QString MessageDelegate::bodyText(const QModelIndex &index) const
{
    const QString text = index.data(MessageModel::TextRole).toString();
    if (kindOf(index) == ChatMessage::Kind::File) {
        const QString name = index.data(MessageModel::AttachmentNameRole).toString();
        const qint64 size = index.data(MessageModel::AttachmentSizeRole).toLongLong();
        const QString file = tr("📎 %1 (%2) — double-click to save")
                                 .arg(name.isEmpty() ? text : name, QLocale().formattedDataSize(size));
        return name.isEmpty() || text.isEmpty() ? file : file + QLatin1Char('\n') + text;
    }
    return text;
}

QString MessageDelegate::footerText(const QModelIndex &index) const
{
    switch (static_cast<ChatMessage::Delivery>(index.data(MessageModel::DeliveryRole).toInt())) {
    case ChatMessage::Delivery::Sending:
        return tr("Sending…");
    case ChatMessage::Delivery::Failed:
        return tr("Not sent: %1").arg(index.data(MessageModel::ErrorRole).toString());
    case ChatMessage::Delivery::Stored:
        break;
    }
    const qint64 at = index.data(MessageModel::AtRole).toLongLong();
    return at > 0 ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(at).time(), QLocale::ShortFormat)
                  : QString();
}

MessageDelegate::Layout MessageDelegate::layout(const QStyleOptionViewItem &option,
                                                const QModelIndex &index) const
{
    Layout l;
    const QFontMetrics fm(option.font);
    const int width = option.rect.width();
    const int maxBubble = std::max(160, width * 7 / 10);
    const bool system = senderOf(index) == ChatMessage::Sender::System;
    const QString body = bodyText(index);
    const QRect textBounds =
        fm.boundingRect(QRect(0, 0, maxBubble - 2 * kPad, 100000), Qt::TextWordWrap | Qt::TextWrapAnywhere,
                        body.isEmpty() ? QStringLiteral(" ") : body);
    QSize image;
    const QImage img = index.data(MessageModel::ImageRole).value<QImage>();
    if (!img.isNull())
        image = img.size()
                    .scaled(std::min(kImageMax, maxBubble - 2 * kPad), kImageMax, Qt::KeepAspectRatio)
                    .boundedTo(img.size());
    else if (kindOf(index) == ChatMessage::Kind::Image)
        image = QSize(kImageMax / 2, kImageMax / 3); // a placeholder while it loads
    const QString header = headerText(index);
    const QString footer = footerText(index);
    const int headerH = header.isEmpty() ? 0 : fm.height();
    const int footerH = footer.isEmpty() ? 0 : fm.height();
    const int showText = kindOf(index) == ChatMessage::Kind::Image &&
                                 body == index.data(MessageModel::AttachmentNameRole).toString()
                             ? 0
                             : textBounds.height();
    const int innerW = std::max(
        {textBounds.width(), image.width(), fm.horizontalAdvance(header), fm.horizontalAdvance(footer)});
    const int innerH =
        headerH + showText + (image.isValid() ? image.height() + (showText ? 4 : 0) : 0) + footerH;
    const int bw = innerW + 2 * kPad;
    const int bh = innerH + 2 * kPad;
    int x = kMargin;
    if (system)
        x = (width - bw) / 2;
    else if (index.data(MessageModel::MineRole).toBool() || senderOf(index) == ChatMessage::Sender::Agent)
        x = width - bw - kMargin;
    l.bubble = QRect(option.rect.left() + x, option.rect.top() + kMargin / 2, bw, bh);
    int y = l.bubble.top() + kPad;
    l.header = QRect(l.bubble.left() + kPad, y, innerW, headerH);
    y += headerH;
    l.text = QRect(l.bubble.left() + kPad, y, innerW, showText);
    y += showText;
    if (image.isValid()) {
        y += showText ? 4 : 0;
        l.image = QRect(QPoint(l.bubble.left() + kPad, y), image);
        y += image.height();
    }
    l.footer = QRect(l.bubble.left() + kPad, y, innerW, footerH);
    return l;
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const Layout l = layout(option, index);
    return QSize(option.rect.width(), l.bubble.height() + kMargin);
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    const Layout l = layout(option, index);
    const QPalette &pal = option.palette;
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    QColor fill;
    QColor text = pal.color(QPalette::Text);
    switch (senderOf(index)) {
    case ChatMessage::Sender::Customer:
        fill = pal.color(QPalette::AlternateBase);
        break;
    case ChatMessage::Sender::Agent:
        fill = dark ? QColor(38, 79, 120) : QColor(214, 234, 255);
        break;
    case ChatMessage::Sender::System:
        fill = Qt::transparent;
        text = pal.color(QPalette::PlaceholderText);
        break;
    }
    if (kindOf(index) == ChatMessage::Kind::Note)
        fill = dark ? QColor(92, 78, 20) : QColor(255, 243, 191);
    const auto delivery = static_cast<ChatMessage::Delivery>(index.data(MessageModel::DeliveryRole).toInt());

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QPainterPath path;
    path.addRoundedRect(l.bubble, 8, 8);
    painter->fillPath(path, fill);
    if (kindOf(index) == ChatMessage::Kind::Note) {
        painter->setPen(QPen(dark ? QColor(200, 170, 60) : QColor(220, 180, 40), 1, Qt::DashLine));
        painter->drawPath(path);
    }
    if (option.state & QStyle::State_Selected) {
        painter->setPen(QPen(pal.color(QPalette::Highlight), 2));
        painter->drawPath(path);
    }
    QFont headerFont = option.font;
    headerFont.setBold(true);
    painter->setFont(headerFont);
    painter->setPen(text);
    painter->drawText(l.header, Qt::AlignLeft | Qt::AlignVCenter, headerText(index));
    painter->setFont(option.font);
    painter->drawText(l.text, Qt::TextWordWrap | Qt::TextWrapAnywhere, bodyText(index));
    if (l.image.isValid()) {
        const QImage img = index.data(MessageModel::ImageRole).value<QImage>();
        if (img.isNull())
            painter->fillRect(l.image, pal.color(QPalette::Mid));
        else
            painter->drawImage(l.image, img);
    }
    QColor footerColor = pal.color(QPalette::PlaceholderText);
    if (delivery == ChatMessage::Delivery::Failed)
        footerColor = QColor(220, 50, 50);
    painter->setPen(footerColor);
    painter->drawText(l.footer, Qt::AlignRight | Qt::AlignVCenter, footerText(index));
    painter->restore();
}

} // namespace sb
