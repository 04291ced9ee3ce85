// SearchResultModel: the sidebar's chat search, one row per matching message,
// best first, as the store's full-text search returned them.
//
// Roles (QML names): conversationId, messageId, title (the conversation's),
// role ("user", "assistant", ...), snippet (an excerpt, the matched terms
// wrapped in [ and ]).
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>
#include <QList>
#include <QVariantList>

#include "core/conversation_types.h"

namespace Hearth {

class SearchResultModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ConversationsController.searchResults holds the chat search's hits")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        ConversationIdRole = Qt::UserRole + 1,
        MessageIdRole,
        TitleRole,
        MessageRoleRole,
        SnippetRole,
    };

    explicit SearchResultModel(QObject * parent = nullptr);

    int rowCount(const QModelIndex & parent = QModelIndex()) const override;
    QVariant data(const QModelIndex & index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Replaces every row (a new answer to the query); an empty list clears it.
    void setHits(const QList<SearchHit> & hits);
    // The rows as maps keyed by role name, for C++ callers that want a copy.
    QVariantList toVariantList() const;

signals:
    void countChanged();

private:
    QList<SearchHit> m_hits;
};

}  // namespace Hearth
