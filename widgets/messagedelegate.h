#pragma once
// Paints a conversation's messages as bubbles: the customer's on the left, ours on the right,
// internal notes in their own colour and marked as such, system lines centred; images inline,
// files with their name and size, and whether my message is still sending or failed.

#include <QStyledItemDelegate>

namespace sb {

class MessageDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit MessageDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // The name shown above messages from this sender id (agents by name, not login).
    void setNames(const QHash<QString, QString> &names) { m_names = names; }

private:
    struct Layout
    {
        QRect bubble;
        QRect header;
        QRect text;
        QRect image;
        QRect footer;
    };
    Layout layout(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    QString headerText(const QModelIndex &index) const;
    QString footerText(const QModelIndex &index) const;
    QString bodyText(const QModelIndex &index) const;

    QHash<QString, QString> m_names;
};

} // namespace sb
