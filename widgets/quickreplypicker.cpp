#include "quickreplypicker.h"

#include "quickreplymodel.h"

#include <QEvent>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListView>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>

namespace sb {

QuickReplyPicker::QuickReplyPicker(QuickReplyModel *model, QWidget *parent)
    : QWidget(parent), m_search(new QLineEdit(this)), m_list(new QListView(this)),
      m_filter(new QSortFilterProxyModel(this))
{
    m_filter->setSourceModel(model);
    m_filter->setFilterRole(QuickReplyModel::SearchRole);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_list->setModel(m_filter);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_search->setClearButtonEnabled(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_search);
    layout->addWidget(m_list);
    connect(m_search, &QLineEdit::textChanged, m_filter, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_search, &QLineEdit::textChanged, this, [this] { moveHighlight(0); });
    connect(m_search, &QLineEdit::returnPressed, this, &QuickReplyPicker::pickHighlighted);
    retranslate();
    connect(m_list, &QListView::activated, this,
            [this](const QModelIndex &i) { emit picked(i.data(QuickReplyModel::TextRole).toString()); });
    connect(model, &QAbstractItemModel::modelReset, this, [this] { moveHighlight(0); });
}

void QuickReplyPicker::setSearch(const QString &search)
{
    m_search->setText(search);
}

int QuickReplyPicker::visibleCount() const
{
    return m_filter->rowCount();
}

void QuickReplyPicker::moveHighlight(int delta)
{
    const int n = m_filter->rowCount();
    if (n == 0)
        return;
    const int row = std::clamp(m_list->currentIndex().row() + delta, 0, n - 1);
    m_list->setCurrentIndex(m_filter->index(row, 0));
}

void QuickReplyPicker::pickHighlighted()
{
    QModelIndex i = m_list->currentIndex();
    if (!i.isValid())
        i = m_filter->index(0, 0);
    if (i.isValid())
        emit picked(i.data(QuickReplyModel::TextRole).toString());
}

void QuickReplyPicker::retranslate()
{
    m_search->setPlaceholderText(tr("Search quick replies"));
}

void QuickReplyPicker::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace sb
