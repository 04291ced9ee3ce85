// What a chat needs from a model file besides its weights, read once from the
// GGUF header: the chat template (the model's, an override file, or ChatML),
// the tool-call format its output uses, the special tokens, whether the
// rendered prompt's BOS must go (the session adds its own), and the context.
// The app, the local server and hearth-cli all read it here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hearth/chat_template.h"
#include "hearth/model.h"  // kDefaultContextSize
#include "hearth/output_parser.h"

namespace hearth {

class GgufFile;
class Vocab;

// The context for a model trained at `n_ctx_train`: `requested`, or
// min(trained, kDefaultContextSize) for 0. A request past the trained context
// is kept (RoPE scaling or not, the user asked) and `warning` says so.
int32_t choose_context_size(int32_t n_ctx_train, int32_t requested, std::string * warning = nullptr);

// Drops the BOS text a template rendered at the start of `prompt` when
// `strip` (ChatSetup::strip_bos: the session adds BOS itself), so a prompt
// never starts with two. Every front door that renders a template calls it.
void strip_template_bos(std::string & prompt, const ChatSpecialTokens & special, bool strip);

struct ChatSetup {
    std::shared_ptr<const ChatTemplate> chat_template;
    bool template_from_model = false;  // false: an override file or the ChatML fallback
    std::string template_note;         // why the model's own template is not used, or ""
    ToolCallFormat tool_format = ToolCallFormat_auto;
    ChatSpecialTokens special;
    bool strip_bos = false;  // the session adds BOS itself: drop the template's copy
    int32_t n_ctx_train = 0;
    int32_t n_ctx = 0;        // choose_context_size(n_ctx_train, requested)
    std::string ctx_warning;  // set when the context exceeds the trained one

    // The prompt for `request`: the template applied, the BOS text removed when
    // the session adds it. Throws what ChatTemplate::apply throws.
    std::string render(const ChatRequest & request, const JinjaRenderOptions & options = {}) const;
};

// Throws hearth::Error for a template file that cannot be read or parsed, and
// for a vocabulary that cannot be read; a model template that does not parse
// falls back to ChatML with a note.
ChatSetup read_chat_setup(const GgufFile & file, int32_t requested_ctx, const std::string & template_file = {});
// The same with the file's vocabulary already read (a caller that keeps a
// tokenizer passes its vocab(), so the vocabulary is parsed once).
ChatSetup read_chat_setup(const GgufFile & file, const Vocab & vocab, int32_t requested_ctx,
                          const std::string & template_file = {});

}  // namespace hearth
