// The body of a streamed POST /v1/chat/completions for a remote endpoint:
// the chat's history in OpenAI's message shapes, its sampling settings, its
// tools and its thinking switch.
//
// Shapes: the system prompt (the chat's setting wins over a stored system
// message, as with a local model); an assistant message's tool calls as
// [{"id","type":"function","function":{"name","arguments":"<JSON text>"}}];
// a tool message as {"role":"tool","tool_call_id","name","content"}; the
// reasoning of the turn in progress (after the last user message) as
// `reasoning_content`, which the agent loop needs and servers may ignore.
// top_k and min_p are sent too: vLLM, llama-server, Ollama and Hearth read
// them. Thinking off goes as chat_template_kwargs.enable_thinking=false.
// Continuing a reply sends its text as a last assistant message (a prefill;
// servers that do not continue one start a new turn instead).
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include "core/generation_types.h"

namespace Hearth {

QByteArray remoteChatRequest(const QString & model, const QList<Message> & history, const QString & partial,
                             const GenerationSettings & settings, qint64 seed);

}  // namespace Hearth
