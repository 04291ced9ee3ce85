#include "search_result_model.h"

#include <QVariantMap>

namespace Hearth {

SearchResultModel::SearchResultModel(QObject * parent) : QAbstractListModel(parent) {}

int SearchResultModel::rowCount(const QModelIndex & parent) const {
    return parent.isValid() ? 0 : int(m_hits.size());
}

QVariant SearchResultModel::data(const QModelIndex & index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const SearchHit & hit = m_hits.at(index.row());
    switch (role) {
        case ConversationIdRole:
            return hit.conversationId;
        case MessageIdRole:
            return hit.messageId;
        case Qt::DisplayRole:
        case TitleRole:
            return hit.conversationTitle;
        case MessageRoleRole:
            return roleName(hit.role);
        case SnippetRole:
            return hit.snippet;
        default:
            return {};
    }
}

QHash<int, QByteArray> SearchResultModel::roleNames() const {
    return {{ConversationIdRole, "conversationId"},
            {MessageIdRole, "messageId"},
            {TitleRole, "title"},
            {MessageRoleRole, "role"},
            {SnippetRole, "snippet"}};
}

void SearchResultModel::setHits(const QList<SearchHit> & hits) {
    if (hits.isEmpty() && m_hits.isEmpty()) return;
    const bool countChanges = hits.size() != m_hits.size();
    beginResetModel();
    m_hits = hits;
    endResetModel();
    if (countChanges) emit countChanged();
}

QVariantList SearchResultModel::toVariantList() const {
    QVariantList rows;
    rows.reserve(m_hits.size());
    const QHash<int, QByteArray> names = roleNames();
    for (int row = 0; row < rowCount(); ++row) {
        QVariantMap map;
        for (auto it = names.cbegin(); it != names.cend(); ++it)
            map.insert(QString::fromLatin1(it.value()), data(index(row), it.key()));
        rows.append(map);
    }
    return rows;
}

}  // namespace Hearth
