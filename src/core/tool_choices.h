// ToolChoices: what one chat decided about its tools, kept in the
// conversation database (table conversation_tools, schema v5), so a chat
// reopened, or the app restarted, offers the model the same tools and runs
// the same ones without asking. The rows go with their conversation (ON
// DELETE CASCADE); a soft-deleted chat that is restored keeps them.
//
//   offered  the tools the chat turned on or off for the model; a tool not
//            named here follows the app-wide default for new chats
//   always   the tools the user chose "Always allow this tool in this chat" for
//
// Same thread as the ConversationStore whose database it is given. Errors
// throw hearth::Error (ErrorCode_io), as the store's do.
#pragma once

#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QString>

namespace Hearth {

struct ToolChoices {
    QHash<QString, bool> offered;  // the chat's own choice per tool
    QSet<QString> always;
    bool operator==(const ToolChoices &) const = default;
};

namespace ToolChoiceStore {

ToolChoices load(const QSqlDatabase & db, qint64 conversationId);
// Replaces the conversation's rows with `choices`, in one transaction.
void save(QSqlDatabase db, qint64 conversationId, const ToolChoices & choices);

}  // namespace ToolChoiceStore

}  // namespace Hearth
