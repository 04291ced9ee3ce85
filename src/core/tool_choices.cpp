#include "core/tool_choices.h"

#include <QSqlQuery>

#include "core/store_sql.h"

namespace Hearth::ToolChoiceStore {

ToolChoices load(const QSqlDatabase & db, qint64 conversationId) {
    ToolChoices c;
    QSqlQuery q = StoreSql::run(
        db, QStringLiteral("SELECT tool, offered, always_allow FROM conversation_tools WHERE conversation_id = ?"),
        {conversationId});
    while (q.next()) {
        const QString tool = q.value(0).toString();
        if (!q.value(1).isNull()) c.offered.insert(tool, q.value(1).toBool());
        if (q.value(2).toBool()) c.always.insert(tool);
    }
    return c;
}

void save(QSqlDatabase db, qint64 conversationId, const ToolChoices & choices) {
    StoreSql::Transaction tx(db);
    StoreSql::run(db, QStringLiteral("DELETE FROM conversation_tools WHERE conversation_id = ?"), {conversationId});
    QSet<QString> tools = choices.always;
    for (auto it = choices.offered.begin(); it != choices.offered.end(); ++it) tools.insert(it.key());
    for (const QString & tool : tools) {
        const QVariant offered =
            choices.offered.contains(tool) ? QVariant(int(choices.offered.value(tool))) : QVariant();
        StoreSql::run(db,
                      QStringLiteral("INSERT INTO conversation_tools (conversation_id, tool, offered, always_allow)"
                                     " VALUES (?, ?, ?, ?)"),
                      {conversationId, tool, offered, int(choices.always.contains(tool))});
    }
    tx.commit();
}

}  // namespace Hearth::ToolChoiceStore
