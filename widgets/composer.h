#pragma once
// Where the agent writes: Enter sends, Shift+Enter starts a new line, and "/" at the start of an
// empty composer opens the quick replies with what follows as the search.

#include <QPlainTextEdit>

namespace sb {

class Composer final : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit Composer(QWidget *parent = nullptr);

signals:
    void sendRequested();
    // The text after "/" changed (empty: the slash was just typed); the popup shows matches.
    void quickReplySearch(const QString &search);
    void quickReplyDismissed();
    void quickReplyMove(int delta);
    void quickReplyAccept();

protected:
    void keyPressEvent(QKeyEvent *event) override;

public:
    // The picker took a reply: the "/search" text is replaced by it.
    void insertQuickReply(const QString &text);

private:
    void onTextChanged();
    bool m_searching = false;
};

} // namespace sb
