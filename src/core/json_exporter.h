// JsonExporter: conversations with every branch and all metadata, in a
// versioned JSON format that JsonImporter reads back without loss.
//
// {
//   "format": "hearth.conversations", "version": 1,
//   "conversations": [{
//     "title", "model", "system_prompt", "settings": {..}, "pinned",
//     "created_at", "updated_at",            // ISO 8601 UTC with milliseconds
//     "active_leaf": 3,                       // a message id below, or null
//     "messages": [{                          // creation order: parents first
//       "id": 1, "parent": null,              // ids local to the conversation
//       "role", "content", "reasoning", "tool_calls": [..], "tool_results": [..],
//       "created_at", "state",
//       "generation": {"model_file", "model_sha256", "settings", "seed"},
//       "stats": {"prompt_tokens", "generated_tokens", "prompt_tokens_per_second",
//                 "generation_tokens_per_second", "time_to_first_token_ms", "stop_reason",
//                 "thinking_ms"}                  // 0: no reasoning or not measured
//     }]
//   }]
// }
//
// Message ids are renumbered 1..n per conversation so that the same
// conversations export to the same bytes from any database (the round trip
// export -> import -> export is byte-identical). "generation" and "stats" are
// written for assistant messages and whenever they hold anything. A seed
// beyond 2^53 is written as a decimal string, which JSON numbers cannot hold.
// Fields added later within version 1 (stats.thinking_ms) are optional on
// import, so files from earlier builds still read.
#pragma once

#include <QByteArray>
#include <QJsonObject>

#include "core/conversation_types.h"

namespace Hearth {

class JsonExporter {
public:
    static constexpr int kFormatVersion = 1;
    static const char * formatName() { return "hearth.conversations"; }

    static QJsonObject conversationToJson(const ConversationTree & tree);
    static QJsonObject toJson(const QList<ConversationTree> & trees);
    static QByteArray serialize(const QList<ConversationTree> & trees);  // indented UTF-8
};

}  // namespace Hearth
