// ServedModel: what the protocol layer knows about the model it serves: the
// name clients address it by, the context size, the chat template, the
// special tokens the template sees, the tool-call format, and a tokenizer to
// count prompt tokens before a request is queued (so that a prompt too long
// for the context is refused with a 400 instead of failing mid-stream).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hearth/chat_template.h"
#include "hearth/output_parser.h"
#include "hearth/tokenizer.h"

namespace hearth {
struct ChatSetup;
}

namespace Hearth::Server {

struct ServedModel {
    std::string id;    // "stories260K": the file name without .gguf
    std::string path;  // the GGUF file
    std::string description;
    int32_t nCtx = 0;       // the context a request gets
    int32_t nCtxTrain = 0;  // the context the model was trained at (nCtx may exceed it)
    int parallel = 1;       // sequences served at once (--parallel)
    int64_t created = 0;    // the file's modification time, Unix seconds
    std::shared_ptr<const hearth::ChatTemplate> chatTemplate;
    bool templateFromModel = false;  // false: a --chat-template-file, or ChatML because the model has none
    std::string templateNote;        // why ChatML stands in (the model's template does not parse), or ""
    hearth::ChatSpecialTokens special;
    bool stripBos = false;  // the engine adds BOS itself; drop the template's copy
    hearth::ToolCallFormat toolFormat = hearth::ToolCallFormat_auto;
    std::shared_ptr<const hearth::Tokenizer> tokenizer;  // null: prompts are not counted ahead (test engines)
    // The longest token's text in bytes (0: unknown). A prompt of B bytes is
    // at least B / maxTokenBytes tokens (byte-level and SentencePiece texts
    // are never shorter than the bytes they stand for), so a prompt far too
    // long for the context is refused before it is tokenized.
    size_t maxTokenBytes = 0;

    // True when a request's "model" names this one: its id (the alias, when
    // one is given), or its file name.
    bool matches(const std::string & name) const;
};

// What a chat session read from the GGUF header (hearth::read_chat_header:
// the template with its ChatML fallback or a --chat-template-file, special
// tokens, BOS rule, tool format, context) in the protocol layer's terms.
ServedModel servedModelOf(const std::string & path, const hearth::ChatSetup & setup,
                          std::shared_ptr<const hearth::Tokenizer> tokenizer);

}  // namespace Hearth::Server
