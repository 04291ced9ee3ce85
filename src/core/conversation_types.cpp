#include "core/conversation_types.h"

namespace Hearth {

QString roleName(MessageRole role) {
    switch (role) {
        case MessageRole::System:
            return QStringLiteral("system");
        case MessageRole::User:
            return QStringLiteral("user");
        case MessageRole::Assistant:
            return QStringLiteral("assistant");
        case MessageRole::Tool:
            return QStringLiteral("tool");
    }
    return QStringLiteral("user");
}

std::optional<MessageRole> roleFromName(const QString & name) {
    for (MessageRole r : {MessageRole::System, MessageRole::User, MessageRole::Assistant, MessageRole::Tool})
        if (roleName(r) == name) return r;
    return std::nullopt;
}

QString stateName(MessageState state) {
    switch (state) {
        case MessageState::Complete:
            return QStringLiteral("complete");
        case MessageState::Streaming:
            return QStringLiteral("streaming");
        case MessageState::Interrupted:
            return QStringLiteral("interrupted");
    }
    return QStringLiteral("complete");
}

std::optional<MessageState> stateFromName(const QString & name) {
    for (MessageState s : {MessageState::Complete, MessageState::Streaming, MessageState::Interrupted})
        if (stateName(s) == name) return s;
    return std::nullopt;
}

QString durationText(double ms) {
    if (!(ms > 0)) return {};
    const double secs = ms / 1000.0;
    // Tenths only where they matter; whole seconds round half up.
    if (secs < 9.95) return QStringLiteral("%1 s").arg(secs, 0, 'f', 1);
    const qint64 whole = qint64(secs + 0.5);
    if (whole < 60) return QStringLiteral("%1 s").arg(whole);
    if (whole % 60 == 0) return QStringLiteral("%1 min").arg(whole / 60);
    return QStringLiteral("%1 min %2 s").arg(whole / 60).arg(whole % 60);
}

qint64 toStoredTime(const QDateTime & t) {
    return t.isValid() ? t.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
}

QDateTime fromStoredTime(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

}  // namespace Hearth
