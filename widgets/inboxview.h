#pragma once
// The inbox's table. A conversation that moves in the sort order entirely outside the rows in
// sight (a customer far down the list writes again, an answered one goes to the end) changes
// nothing on screen, yet QAbstractItemView answers every rowsMoved with a layout and a repaint of
// all visible rows; with 100,000 conversations most moves are of that kind. This view skips the
// repaint for them and does the full layout for anything else.

#include <QTableView>

namespace sb {

class InboxView final : public QTableView
{
    Q_OBJECT

public:
    explicit InboxView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    void doItemsLayout() override;

    // How many layouts were skipped because only unseen rows had moved (for tests and benchmarks).
    int skippedLayouts() const { return m_skipped; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void onRowsMoved(int first, int last, int destination);
    void needLayout() { m_layoutNeeded = true; }

    QList<QMetaObject::Connection> m_connections;
    bool m_unseenMovesOnly = false; // since the last layout, only rows out of sight moved
    bool m_layoutNeeded = true;     // since the last layout, something else asked for one
    int m_skipped = 0;
};

} // namespace sb
