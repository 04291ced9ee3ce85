// Shared helpers for the conversation store tests: a temporary database and a
// sample conversation with branches, reasoning and a tool call, built with
// fixed times so the exports are byte-stable (the goldens depend on it).
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include "core/conversation_store.h"

namespace StoreTest {

// Message ids of the sample, in creation order. The tree:
//   user1 -> call (assistant, tool call) -> toolResult -> answerA
//                                                      -> answerB (regenerated) -> askTomorrow
//                                                                               -> askPorto (edit) -> porto
// The active leaf is `porto`.
struct Sample {
    qint64 conversation = 0;
    qint64 user1 = 0, call = 0, toolResult = 0, answerA = 0, answerB = 0, askTomorrow = 0, askPorto = 0, porto = 0;
};

inline QDateTime at(int seconds) {
    return QDateTime::fromMSecsSinceEpoch(Q_INT64_C(1767607200000) + qint64(seconds) * 1000,
                                          Qt::UTC);  // 2026-01-05T10:00:00Z
}

inline Hearth::Message message(Hearth::MessageRole role, const QString & content, int seconds) {
    Hearth::Message m;
    m.role = role;
    m.content = content;
    m.createdAt = at(seconds);
    return m;
}

inline Hearth::Message reply(const QString & content, int seconds, int tokens, const QString & stop) {
    Hearth::Message m = message(Hearth::MessageRole::Assistant, content, seconds);
    m.generation.modelFile = QStringLiteral("qwen3-0.6b-q8_0.gguf");
    m.generation.modelSha256 = QStringLiteral("9f1c2d3e4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0");
    m.generation.sampling = QJsonObject{{QStringLiteral("temperature"), 0.7}, {QStringLiteral("top_p"), 0.9}};
    m.generation.seed = 42;
    m.stats.promptTokens = 48;
    m.stats.generatedTokens = tokens;
    m.stats.promptTokensPerSecond = 210.5;
    m.stats.generationTokensPerSecond = 31.25;
    m.stats.timeToFirstTokenMs = 120;
    m.stats.stopReason = stop;
    return m;
}

inline Sample buildSample(Hearth::ConversationStore & store) {
    using Hearth::MessageRole;
    Hearth::Conversation c;
    c.title = QStringLiteral("Weather in Lisbon");
    c.model = QStringLiteral("qwen3-0.6b-q8_0.gguf");
    c.systemPrompt = QStringLiteral("You are a concise assistant.\nAnswer in one sentence.");
    c.sampling =
        QJsonObject{{QStringLiteral("temperature"), 0.7}, {QStringLiteral("top_p"), 0.9}, {QStringLiteral("seed"), 42}};
    c.createdAt = at(0);
    Sample s;
    s.conversation = store.createConversation(c);
    s.user1 = store.appendMessage(
        s.conversation, 0, message(MessageRole::User, QStringLiteral("What's the weather like in Lisbon today?"), 1));
    Hearth::Message call = reply(QStringLiteral("Let me check."), 5, 22, QStringLiteral("tool_call"));
    call.reasoning = QStringLiteral("The user asks about the current weather.\nI should call the weather tool.");
    call.stats.thinkingMs = 12400;  // measured: "Thought for 12 s"; porto's reasoning below is unmeasured
    call.toolCalls = QJsonArray{
        QJsonObject{{QStringLiteral("id"), QStringLiteral("call_1")},
                    {QStringLiteral("name"), QStringLiteral("get_weather")},
                    {QStringLiteral("arguments"), QJsonObject{{QStringLiteral("city"), QStringLiteral("Lisbon")}}}}};
    s.call = store.appendMessage(s.conversation, s.user1, call);
    Hearth::Message tool = message(MessageRole::Tool, QStringLiteral("18 °C, sunny"), 6);
    tool.toolResults = QJsonArray{
        QJsonObject{{QStringLiteral("call_id"), QStringLiteral("call_1")},
                    {QStringLiteral("name"), QStringLiteral("get_weather")},
                    {QStringLiteral("result"),
                     QJsonObject{{QStringLiteral("temp_c"), 18}, {QStringLiteral("sky"), QStringLiteral("sunny")}}}}};
    s.toolResult = store.appendMessage(s.conversation, s.call, tool);
    s.answerA =
        store.appendMessage(s.conversation, s.toolResult,
                            reply(QStringLiteral("It's **18 °C** and sunny in Lisbon."), 8, 12, QStringLiteral("eos")));
    s.answerB = store.appendMessage(s.conversation, s.toolResult,
                                    reply(QStringLiteral("Sunny, about 18 °C."), 20, 7, QStringLiteral("eos")));
    s.askTomorrow =
        store.appendMessage(s.conversation, s.answerB, message(MessageRole::User, QStringLiteral("And tomorrow?"), 30));
    s.askPorto = store.appendMessage(s.conversation, s.answerB,
                                     message(MessageRole::User, QStringLiteral("And tomorrow in Porto?"), 40));
    Hearth::Message porto = reply(QStringLiteral("I can only check today's weather, so I can't say for Porto."), 45, 15,
                                  QStringLiteral("eos"));
    porto.reasoning = QStringLiteral("No forecast tool is available.");
    s.porto = store.appendMessage(s.conversation, s.askPorto, porto);
    return s;
}

inline QList<qint64> ids(const QList<Hearth::Message> & messages) {
    QList<qint64> out;
    for (const Hearth::Message & m : messages) out.append(m.id);
    return out;
}

}  // namespace StoreTest
