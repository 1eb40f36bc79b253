#include "composer.h"

#include <QKeyEvent>

namespace sb {

Composer::Composer(QWidget *parent) : QPlainTextEdit(parent)
{
    setTabChangesFocus(true);
    connect(this, &QPlainTextEdit::textChanged, this, &Composer::onTextChanged);
}

void Composer::keyPressEvent(QKeyEvent *event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && !(event->modifiers() & Qt::ShiftModifier) && !m_searching) {
        emit sendRequested();
        return;
    }
    if (m_searching && enter) {
        emit quickReplyAccept();
        return;
    }
    if (m_searching && (event->key() == Qt::Key_Up || event->key() == Qt::Key_Down)) {
        emit quickReplyMove(event->key() == Qt::Key_Up ? -1 : 1);
        return;
    }
    if (enter && (event->modifiers() & Qt::ShiftModifier)) {
        insertPlainText(QStringLiteral("\n"));
        return;
    }
    if (event->key() == Qt::Key_Escape && m_searching) {
        m_searching = false;
        emit quickReplyDismissed();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

void Composer::insertQuickReply(const QString &text)
{
    m_searching = false;
    setPlainText(text);
    moveCursor(QTextCursor::End);
    emit quickReplyDismissed();
}

void Composer::onTextChanged()
{
    const QString text = toPlainText();
    const bool searching = text.startsWith(QLatin1Char('/')) && !text.contains(QLatin1Char('\n'));
    if (searching) {
        m_searching = true;
        emit quickReplySearch(text.mid(1));
    } else if (m_searching) {
        m_searching = false;
        emit quickReplyDismissed();
    }
}

} // namespace sb
