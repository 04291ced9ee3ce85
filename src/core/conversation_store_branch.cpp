// ConversationStore: the chat view's branch loads. One statement walks up the
// tree from a start message and returns each message with its sibling
// figures, so opening a 2000-message chat is one indexed query rather than
// one siblings() query per row.
#include <QSqlQuery>
#include <limits>

#include "core/conversation_store.h"
#include "core/message_row.h"
#include "core/store_sql.h"

namespace Hearth {

QList<BranchMessage> ConversationStore::selectBranch(const QString & start, qint64 startId, int limit,
                                                     qint64 stopAt) const {
    const int depthLimit = limit > 0 ? limit : std::numeric_limits<int>::max();
    // path(id, depth): depth 0 is the newest message; descending depth gives
    // oldest -> newest. The siblings of m share its parent (IS: NULL for the
    // roots, which share the conversation); both counts use the parent index.
    const QString sql = QStringLiteral(
                            "WITH RECURSIVE path(id, depth) AS ("
                            "  %1"
                            "  UNION ALL"
                            "  SELECT p.parent_id, path.depth + 1 FROM messages p JOIN path ON p.id = path.id"
                            "  WHERE p.parent_id IS NOT NULL AND path.depth + 1 < ? AND path.id != ?)"
                            " SELECT %2,"
                            "  (SELECT COUNT(*) FROM messages s WHERE s.parent_id IS m.parent_id"
                            "     AND s.conversation_id = m.conversation_id),"
                            "  (SELECT COUNT(*) FROM messages s WHERE s.parent_id IS m.parent_id"
                            "     AND s.conversation_id = m.conversation_id AND (s.created_at < m.created_at"
                            "     OR (s.created_at = m.created_at AND s.id < m.id)))"
                            " FROM messages m JOIN path ON m.id = path.id ORDER BY path.depth DESC")
                            .arg(start, MessageRow::columns());
    QSqlQuery q = StoreSql::run(m_db, sql, {startId, depthLimit, stopAt});
    QList<BranchMessage> rows;
    while (q.next()) {
        BranchMessage row{MessageRow::fromQuery(q)};
        row.siblingCount = q.value(MessageRow::kColumnCount).toInt();
        row.siblingIndex = q.value(MessageRow::kColumnCount + 1).toInt();
        rows.append(row);
    }
    return rows;
}

QList<BranchMessage> ConversationStore::activeBranch(qint64 conversationId, int limit, qint64 stopAt) const {
    return selectBranch(
        QStringLiteral("SELECT active_leaf_id, 0 FROM conversations WHERE id = ? AND active_leaf_id IS NOT NULL"),
        conversationId, limit, stopAt);
}

QList<BranchMessage> ConversationStore::branchAbove(qint64 messageId, int limit) const {
    return selectBranch(QStringLiteral("SELECT parent_id, 0 FROM messages WHERE id = ? AND parent_id IS NOT NULL"),
                        messageId, limit, 0);
}

}  // namespace Hearth
