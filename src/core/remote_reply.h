// RemoteReply: assembles a streamed chat completion from an OpenAI-compatible
// server, one SSE event payload at a time.
//
// Each event is a chunk {"choices":[{"delta":{..},"finish_reason":..}],
// "usage":{..},"timings":{..}}. The delta's `content` and `reasoning_content`
// (or `reasoning`, vLLM's and Ollama's name) come back at once for display;
// `tool_calls` arrive in pieces keyed by `index` (the id and name in the
// first, the arguments as JSON text in fragments) and are assembled here.
// `usage` (prompt/completion tokens) and llama.cpp's or Hearth's `timings`
// fill the stats. "[DONE]" ends the stream; {"error":{..}} ends it with the
// server's message.
//
// Outside input, bounded: every payload's nesting depth is checked before it
// is parsed (hearth::k_json_max_depth), the reply's text (content, reasoning
// and tool arguments together) stops at kMaxTextChars, and at most
// kMaxToolCalls calls are kept. Any violation, a payload that is not JSON,
// or a chunk of the wrong shape stops the reply with error() set; what was
// assembled before stays (content(), reasoning()).
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include "core/conversation_types.h"

namespace Hearth {

struct RemoteDelta {
    QString content;
    QString reasoning;
};

class RemoteReply {
public:
    static constexpr qsizetype kMaxTextChars = 16 * 1024 * 1024;
    static constexpr int kMaxToolCalls = 64;

    // One event's data. False when the stream is over: [DONE], or an error.
    // `delta` receives the text this event added.
    bool consume(const QByteArray & payload, RemoteDelta & delta);

    bool done() const { return m_done; }  // "[DONE]" arrived
    bool finishReasonSeen() const { return !m_finishReason.isEmpty(); }
    QString error() const { return m_error; }  // "" when none
    const QString & content() const { return m_content; }
    const QString & reasoning() const { return m_reasoning; }
    // [{"id","name","arguments":{..}}], as a local model's calls; an argument
    // text that is not a JSON object sets error() here.
    QJsonArray toolCalls();
    // Tokens from `usage`, speeds and time to first token from `timings`
    // where the server sent them (0 otherwise); stopReason from finish_reason
    // in the app's words: "eos" for "stop" and "tool_calls", "length".
    ReplyStats stats() const;

private:
    struct Call {
        QString id;
        QString name;
        QString arguments;
    };
    bool fail(const QString & why);
    bool addText(QString & to, const QJsonValue & piece);
    bool applyToolCalls(const QJsonArray & calls);
    void applyUsage(const QJsonObject & chunk);

    QString m_content;
    QString m_reasoning;
    QList<Call> m_calls;
    qsizetype m_chars = 0;
    QString m_finishReason;
    ReplyStats m_stats;
    QString m_error;
    bool m_done = false;
};

}  // namespace Hearth
