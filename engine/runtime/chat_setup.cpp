#include "hearth/chat_setup.h"

#include "hearth/error.h"
#include "hearth/gguf.h"
#include "hearth/model.h"
#include "hearth/vocab.h"

namespace hearth {

int32_t choose_context_size(int32_t n_ctx_train, int32_t requested, std::string * warning) {
    const int32_t trained = n_ctx_train > 0 ? n_ctx_train : 2048;
    if (requested <= 0) return std::min(trained, kDefaultContextSize);
    if (requested > trained && warning)
        *warning = "the context of " + std::to_string(requested) + " tokens exceeds the " + std::to_string(trained) +
                   " the model was trained with; expect worse output past that";
    return requested;
}

void strip_template_bos(std::string & prompt, const ChatSpecialTokens & special, bool strip) {
    if (strip && !special.bos.empty() && prompt.rfind(special.bos, 0) == 0) prompt.erase(0, special.bos.size());
}

std::string ChatSetup::render(const ChatRequest & request, const JinjaRenderOptions & options) const {
    std::string prompt = chat_template->apply(request, special, options);
    strip_template_bos(prompt, special, strip_bos);
    return prompt;
}

ChatSetup read_chat_setup(const GgufFile & file, int32_t requested_ctx, const std::string & template_file) {
    require_supported_architecture(file);  // before the tokenizer: the clearer error first
    return read_chat_setup(file, Vocab::from_gguf(file), requested_ctx, template_file);
}

ChatSetup read_chat_setup(const GgufFile & file, const Vocab & vocab, int32_t requested_ctx,
                          const std::string & template_file) {
    require_supported_architecture(file);
    ChatSetup s;
    if (!template_file.empty()) {
        s.chat_template = std::make_shared<const ChatTemplate>(ChatTemplate::from_file(template_file));
    } else {
        try {
            auto t = std::make_shared<const ChatTemplate>(ChatTemplate::from_gguf(file));
            s.template_from_model = !t->is_fallback();
            s.chat_template = std::move(t);
        } catch (const std::exception & e) {
            s.template_note = std::string("the model's chat template does not parse (") + e.what() + "); using ChatML";
            s.chat_template = std::make_shared<const ChatTemplate>(ChatTemplate::chatml());
        }
    }
    s.tool_format = tool_call_format_for_template(s.chat_template->source());
    auto text = [&](int32_t id) { return vocab.is_valid(id) ? vocab.text(id) : std::string(); };
    s.special = {text(vocab.token_bos()), text(vocab.token_eos())};
    s.strip_bos = vocab.add_bos() && !s.special.bos.empty();
    const std::string arch(file.architecture());
    s.n_ctx_train = int32_t(file.get_int(arch + ".context_length", 2048));
    s.n_ctx = choose_context_size(s.n_ctx_train, requested_ctx, &s.ctx_warning);
    return s;
}

}  // namespace hearth
