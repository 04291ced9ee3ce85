// The context overflow policy: which messages of a conversation go into the
// prompt when all of them no longer fit the context (as LM Studio offers).
//
// A conversation is pinned messages (the system prompt and anything else
// before the first user message), then turns (a user message and what follows
// it: the assistant's reply, its tool calls and their results). The last turn
// is always kept.
//   rolling window   drops the oldest turns;
//   truncate middle  keeps the first turn and drops the ones after it;
//   stop             drops nothing: the prompt fits or the caller says so.
// After a drop the prompt is refilled to at most `refill` of the budget, so
// the next turns append to an unchanged prefix (prompt reuse) until the
// context is full again; `previous_dropped` carries that choice between turns.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "hearth/chat_template.h"

namespace hearth {

enum ContextOverflow {
    ContextOverflow_rolling_window,
    ContextOverflow_truncate_middle,
    ContextOverflow_stop,
};

const char * context_overflow_name(ContextOverflow policy);  // "rolling_window", ...
// false for an unknown name (policy left unchanged).
bool context_overflow_from_name(const std::string & name, ContextOverflow & policy);

struct ContextWindow {
    std::vector<ChatMessage> messages;  // what goes into the prompt, in order
    int32_t n_tokens = 0;               // their prompt's size, from the counter
    int32_t dropped_turns = 0;          // turns left out (pass back as previous_dropped)
    int32_t dropped_messages = 0;
    bool fits = false;  // n_tokens <= budget
};

// Tokens of the prompt these messages make (render + tokenize).
using PromptTokenCounter = std::function<int32_t(const std::vector<ChatMessage> &)>;

ContextWindow choose_context_window(const std::vector<ChatMessage> & messages, ContextOverflow policy, int32_t budget,
                                    int32_t previous_dropped, const PromptTokenCounter & count, float refill = 0.75f);

}  // namespace hearth
