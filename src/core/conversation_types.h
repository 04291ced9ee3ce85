// Plain value types of the conversation store: a conversation, its messages
// (a tree through parentId) and the figures recorded for a generated reply.
//
// Role and state are stored on disk as the lower-case words returned by
// roleName()/stateName(); those words must never change (old databases and
// JSON exports hold them). Both enums carry meta-data (Q_ENUM_NS) so the QML
// compares them as values (`Message.User`, src/app/qml_enums.h), not words.
#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <optional>

namespace Hearth {

namespace MessageEnums {
Q_NAMESPACE

enum class MessageRole { System, User, Assistant, Tool };
Q_ENUM_NS(MessageRole)

// Streaming: the reply is being generated (saved every ~0.5 s).
// Interrupted: the app stopped while it streamed; it can be continued or regenerated.
enum class MessageState { Complete, Streaming, Interrupted };
Q_ENUM_NS(MessageState)

}  // namespace MessageEnums

using MessageEnums::MessageRole;
using MessageEnums::MessageState;

QString roleName(MessageRole role);  // "system", "user", "assistant", "tool"
std::optional<MessageRole> roleFromName(const QString & name);
QString stateName(MessageState state);  // "complete", "streaming", "interrupted"
std::optional<MessageState> stateFromName(const QString & name);

// What produced an assistant reply; empty for other roles.
struct GenerationInfo {
    QString modelFile;     // file name of the GGUF, e.g. "qwen3-0.6b-q8_0.gguf"
    QString modelSha256;   // lower-case hex
    QJsonObject sampling;  // {"temperature":0.7,"top_p":0.9,...}
    qint64 seed = -1;      // -1: not recorded

    bool operator==(const GenerationInfo &) const = default;
};

struct ReplyStats {
    int promptTokens = 0;
    int generatedTokens = 0;
    double promptTokensPerSecond = 0;
    double generationTokensPerSecond = 0;
    double timeToFirstTokenMs = 0;
    QString stopReason;  // "eos", "length", "context_full", "stop", "user", "error", ...
    // From the first reasoning text to the first answer text (or the end);
    // 0: the reply had no reasoning block, or it was not measured.
    double thinkingMs = 0;

    bool operator==(const ReplyStats &) const = default;
};

struct Message {
    qint64 id = 0;
    qint64 conversationId = 0;
    qint64 parentId = 0;  // 0: a root message
    MessageRole role = MessageRole::User;
    QString content;
    QString reasoning;
    QJsonArray toolCalls;    // [{"id":..,"name":..,"arguments":{..}}] as the model emitted them
    QJsonArray toolResults;  // for role Tool: [{"call_id":..,"name":..,"result":..}]
    QDateTime createdAt;     // UTC, millisecond precision
    MessageState state = MessageState::Complete;
    GenerationInfo generation;
    ReplyStats stats;
};

struct Conversation {
    qint64 id = 0;
    QString title;
    QDateTime createdAt;
    QDateTime updatedAt;
    QString model;
    QString systemPrompt;
    QJsonObject sampling;
    bool pinned = false;
    qint64 activeLeafId = 0;  // 0: no messages yet
    QDateTime deletedAt;      // null unless soft-deleted (waiting for undo or purge)
    QDateTime importedAt;     // null unless it came from an import (JsonImporter sets it)
};

// A whole conversation with every branch; messages in creation order, so a
// parent always comes before its children.
struct ConversationTree {
    Conversation conversation;
    QList<Message> messages;
};

struct SearchHit {
    qint64 conversationId = 0;
    qint64 messageId = 0;
    QString conversationTitle;
    MessageRole role = MessageRole::User;
    QString snippet;  // matched terms wrapped in [ and ]
};

// A thinking time as people read it: "0.4 s", "12 s", "2 min 5 s"; "" for <= 0.
QString durationText(double ms);

// Milliseconds since the epoch <-> UTC date-times, the on-disk form.
qint64 toStoredTime(const QDateTime & t);
QDateTime fromStoredTime(qint64 ms);

}  // namespace Hearth
