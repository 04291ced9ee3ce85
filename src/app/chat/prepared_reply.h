// PreparedReply: what the store thread hands back when a reply is about to
// start (ChatController::queueReply): its rows are written, and the prompt
// that leads to it has been read.
#pragma once

#include <QList>
#include <optional>

#include "core/conversation_types.h"

namespace Hearth {

class ConversationStore;

struct PreparedReply {
    qint64 conversationId = 0;
    qint64 replyId = 0;
    QList<Message> history;        // root -> the message the reply answers
    std::optional<Message> reply;  // as read before it started (a continued one: its old text and stats)

    // Reads the prompt for `replyId` (its active path, ending before it) and,
    // unless given, the reply itself. Runs on the store thread; throws hearth::Error.
    static PreparedReply read(ConversationStore & store, qint64 replyId, std::optional<Message> reply = std::nullopt);
};

}  // namespace Hearth
