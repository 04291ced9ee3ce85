#include "core/conversation_types.h"

namespace Hearth {

QString roleName(MessageRole role) {
    switch (role) {
    case MessageRole::System: return QStringLiteral("system");
    case MessageRole::User: return QStringLiteral("user");
    case MessageRole::Assistant: return QStringLiteral("assistant");
    case MessageRole::Tool: return QStringLiteral("tool");
    }
    return QStringLiteral("user");
}

std::optional<MessageRole> roleFromName(const QString &name) {
    for (MessageRole r : {MessageRole::System, MessageRole::User, MessageRole::Assistant, MessageRole::Tool})
        if (roleName(r) == name) return r;
    return std::nullopt;
}

QString stateName(MessageState state) {
    switch (state) {
    case MessageState::Complete: return QStringLiteral("complete");
    case MessageState::Streaming: return QStringLiteral("streaming");
    case MessageState::Interrupted: return QStringLiteral("interrupted");
    }
    return QStringLiteral("complete");
}

std::optional<MessageState> stateFromName(const QString &name) {
    for (MessageState s : {MessageState::Complete, MessageState::Streaming, MessageState::Interrupted})
        if (stateName(s) == name) return s;
    return std::nullopt;
}

qint64 toStoredTime(const QDateTime &t) {
    return t.isValid() ? t.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
}

QDateTime fromStoredTime(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC); }

}  // namespace Hearth
