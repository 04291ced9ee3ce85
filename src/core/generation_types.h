// Value types that cross the engine bridge's thread boundary: the settings a
// conversation generates with, and what a finished reply produced.
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

#include "core/conversation_types.h"

namespace Hearth {

// Per-conversation settings, stored as the conversation's `sampling` JSON
// (systemPrompt lives in its own column).
struct GenerationSettings {
    QString systemPrompt;
    double temperature = 0.8;
    double topP = 0.95;
    int topK = 40;
    double minP = 0.05;
    // <= 0 (the default): until the model stops or the context is full; a
    // reply cut by a full context stops as "context_full" and can be continued.
    int maxTokens = 0;
    int contextSize = 0;  // 0: the model's default (min(trained, 4096)); applies when the model loads
    qint64 seed = -1;     // -1: a fresh random seed per reply (the one used is recorded)
    // What goes when the chat outgrows the context: "rolling_window",
    // "truncate_middle", "stop" (hearth/context_window.h); "": the app's default.
    QString contextOverflow;
    // The template's `tools` ([{"type":"function","function":{..}}], AgentLoop); set per request, never stored.
    QJsonArray tools;
    // The template's `enable_thinking` (passed as a chat-template kwarg, as the
    // server's chat_template_kwargs is); templates that do not read it ignore it.
    bool thinking = true;

    // {"temperature":..,"top_p":..,"top_k":..,"min_p":..,"max_tokens":..,"context_size":..,"seed":..,
    //  "context_overflow":.. (only when the chat chose one), "enable_thinking":.. (only when off)}
    QJsonObject samplingJson() const;
    // Missing keys keep their defaults.
    static GenerationSettings fromJson(const QJsonObject & sampling, const QString & systemPrompt);
    bool operator==(const GenerationSettings &) const = default;
};

struct GenerationResult {
    QString content;
    QString reasoning;
    QJsonArray toolCalls;  // [{"id":..,"name":..,"arguments":{..}}]
    ReplyStats stats;  // stopReason: "eos", "stop", "length", "context_full", "user", "error"; thinkingMs measured here
    qint64 seed = -1;  // the seed actually used
    QString error;     // non-empty when the request failed, as a sentence
    bool refused = false;  // the prompt did not fit the context: nothing was generated
};

// How a prompt was fitted into the context (hearth::choose_context_window).
struct ContextUsage {
    int promptTokens = 0;     // the prompt as sent: the kept messages (and a continued reply's text)
    int contextSize = 0;      // the loaded model's context
    int droppedMessages = 0;  // left out of the prompt by the policy
    int droppedTurns = 0;
    QString policy;             // the one applied: "rolling_window", "truncate_middle", "stop"
    bool systemPrompt = false;  // the prompt opens with a system message (always kept)
    bool operator==(const ContextUsage &) const = default;
};

}  // namespace Hearth

Q_DECLARE_METATYPE(Hearth::GenerationSettings)
Q_DECLARE_METATYPE(Hearth::GenerationResult)
Q_DECLARE_METATYPE(Hearth::ContextUsage)
Q_DECLARE_METATYPE(QList<Hearth::Message>)
