#include "hearth/vocab.h"

#include <algorithm>
#include <cstdlib>

#include "hearth/error.h"
#include "hearth/gguf.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/utf8.h"
#include "tokenizer/vocab_impl.h"

namespace hearth {

namespace {

// tokenizer.ggml.token_type values, stored on disk (llama.cpp's llama_token_type).
uint32_t attr_from_token_type(int64_t type) {
    switch (type) {
        case 1:
            return TokenAttr_normal;
        case 2:
            return TokenAttr_unknown;
        case 3:
            return TokenAttr_control;
        case 4:
            return TokenAttr_user_defined;
        case 5:
            return TokenAttr_unused;
        case 6:
            return TokenAttr_byte;
        default:
            return TokenAttr_undefined;
    }
}

[[noreturn]] void fail(const Vocab::Impl & v, const std::string & what) {
    throw Error(ErrorCode_tokenizer, v.label + ": " + what);
}

const GgufArray & require_array(const GgufFile & f, const Vocab::Impl & v, const char * key, GgufType elem) {
    const GgufValue * value = f.find(key);
    if (!value) fail(v, std::string("missing ") + key);
    if (!value->is_array()) fail(v, std::string(key) + " should be an array but is " + gguf_type_name(value->type()));
    const GgufArray & a = value->as_array(key);
    if (a.elem_type != elem)
        fail(v,
             std::string(key) + " should hold " + gguf_type_name(elem) + " but holds " + gguf_type_name(a.elem_type));
    return a;
}

void read_model_kind(const GgufFile & f, Vocab::Impl & v) {
    const GgufValue * model = f.find("tokenizer.ggml.model");
    if (!model) fail(v, "missing tokenizer.ggml.model (the file has no tokenizer)");
    if (!model->is_string()) fail(v, "tokenizer.ggml.model should be a string");
    v.model_name = std::string(model->as_string());
    const GgufValue * pre = f.find("tokenizer.ggml.pre");
    if (pre && !pre->is_string()) fail(v, "tokenizer.ggml.pre should be a string");
    v.pre_name = pre ? std::string(pre->as_string()) : std::string();

    if (v.model_name == "llama") {
        v.type = VocabType_spm;
        v.bos = 1;
        v.eos = 2;
        v.unk = 0;
        v.add_space_prefix = true;
        v.add_bos = true;
        v.clean_spaces = false;
        return;
    }
    if (v.model_name != "gpt2")
        fail(v, "unsupported tokenizer model '" + v.model_name + "' (Hearth supports 'llama' and 'gpt2')");
    v.type = VocabType_bpe;
    const PreTokenizerSpec * spec = find_pre_tokenizer(v.pre_name);
    if (!spec) fail(v, "unknown pre-tokenizer tokenizer.ggml.pre = '" + v.pre_name + "'");
    v.pre = spec->pre;
    v.clean_spaces = spec->clean_spaces;
    v.ignore_merges = spec->ignore_merges;
    v.add_bos = spec->add_bos;
    v.bos = spec->no_bos ? token_null : 11;
    v.eos = 11;
}

void read_tokens(const GgufFile & f, Vocab::Impl & v) {
    const GgufArray & tokens = require_array(f, v, "tokenizer.ggml.tokens", GgufType_string);
    const size_t n = tokens.items.size();
    if (n == 0) fail(v, "tokenizer.ggml.tokens is empty");
    if (n > static_cast<size_t>(INT32_MAX)) fail(v, "tokenizer.ggml.tokens has too many entries");

    const GgufArray * scores = nullptr;
    if (const GgufValue * s = f.find("tokenizer.ggml.scores")) {
        if (!s->is_array() ||
            (s->as_array().elem_type != GgufType_float32 && s->as_array().elem_type != GgufType_int32))
            fail(v, "tokenizer.ggml.scores should be an array of f32 or i32");
        scores = &s->as_array();
        if (scores->items.size() < n) fail(v, "tokenizer.ggml.scores has fewer entries than tokenizer.ggml.tokens");
    }
    const GgufArray * types = nullptr;
    if (f.has("tokenizer.ggml.token_type")) {
        types = &require_array(f, v, "tokenizer.ggml.token_type", GgufType_int32);
        if (types->items.size() < n) fail(v, "tokenizer.ggml.token_type has fewer entries than tokenizer.ggml.tokens");
    }

    v.tokens.resize(n);
    v.token_to_id.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        Vocab::Impl::Token & t = v.tokens[i];
        t.text = std::string(tokens.items[i].as_string());
        if (t.text.empty()) t.text = "[EMPTY_" + std::to_string(i) + "]";  // as llama.cpp
        if (scores) t.score = static_cast<float>(scores->items[i].as_float());
        if (types) t.attr = attr_from_token_type(types->items[i].as_int());
        auto [it, inserted] = v.token_to_id.emplace(t.text, static_cast<int32_t>(i));
        if (!inserted)
            fail(v, "duplicate token '" + t.text + "' with ids " + std::to_string(it->second) + " and " +
                        std::to_string(i));
    }
}

void read_merges(const GgufFile & f, Vocab::Impl & v) {
    if (v.type != VocabType_bpe) return;
    const GgufArray & merges = require_array(f, v, "tokenizer.ggml.merges", GgufType_string);
    v.merge_ranks.reserve(merges.items.size());
    for (size_t i = 0; i < merges.items.size(); ++i) {
        std::string_view m = merges.items[i].as_string();
        // llama.cpp splits at the first space after the first character; a
        // line without one maps to the pair ("", "") that no lookup asks for.
        const size_t pos = m.size() > 1 ? m.find(' ', 1) : std::string_view::npos;
        std::string key = pos == std::string_view::npos ? std::string(" ") : std::string(m);
        v.merge_ranks.emplace(std::move(key), static_cast<int32_t>(i));
    }
}

void read_special_ids(const GgufFile & f, Vocab::Impl & v) {
    struct Key {
        const char * name;
        int32_t * id;
    };
    const Key keys[] = {
        {"tokenizer.ggml.bos_token_id", &v.bos},         {"tokenizer.ggml.eos_token_id", &v.eos},
        {"tokenizer.ggml.eot_token_id", &v.eot},         {"tokenizer.ggml.eom_token_id", &v.eom},
        {"tokenizer.ggml.unknown_token_id", &v.unk},     {"tokenizer.ggml.seperator_token_id", &v.sep},
        {"tokenizer.ggml.padding_token_id", &v.pad},     {"tokenizer.ggml.mask_token_id", &v.mask},
        {"tokenizer.ggml.fim_pre_token_id", &v.fim_pre}, {"tokenizer.ggml.fim_suf_token_id", &v.fim_suf},
        {"tokenizer.ggml.fim_mid_token_id", &v.fim_mid}, {"tokenizer.ggml.fim_pad_token_id", &v.fim_pad},
        {"tokenizer.ggml.fim_rep_token_id", &v.fim_rep}, {"tokenizer.ggml.fim_sep_token_id", &v.fim_sep},
        {"tokenizer.ggml.prefix_token_id", &v.fim_pre},  {"tokenizer.ggml.suffix_token_id", &v.fim_suf},
        {"tokenizer.ggml.middle_token_id", &v.fim_mid},
    };
    const int64_t n = static_cast<int64_t>(v.tokens.size());
    for (const Key & k : keys) {
        if (*k.id >= n) *k.id = token_null;  // a default outside this vocab
        const GgufValue * value = f.find(k.name);
        if (!value) continue;
        if (!value->is_integer()) fail(v, std::string(k.name) + " should be an integer");
        const int64_t id = value->as_int(k.name);
        // Out of range: llama.cpp warns and keeps the default.
        if (id >= 0 && id < n) *k.id = static_cast<int32_t>(id);
    }

    v.add_space_prefix = f.get_bool("tokenizer.ggml.add_space_prefix", v.add_space_prefix);
    v.add_bos = f.get_bool("tokenizer.ggml.add_bos_token", v.add_bos);
    v.add_eos = f.get_bool("tokenizer.ggml.add_eos_token", v.add_eos);
    if (v.add_bos && v.bos == token_null)
        fail(v, "tokenizer.ggml.add_bos_token is true but the model has no BOS token");
    if (v.add_eos && v.eos == token_null)
        fail(v, "tokenizer.ggml.add_eos_token is true but the model has no EOS token");
}

}  // namespace

Vocab Vocab::from_gguf(const GgufFile & file) {
    auto v = std::make_unique<Impl>();
    v->label = file.path();
    read_model_kind(file, *v);
    read_tokens(file, *v);
    read_merges(file, *v);
    read_special_ids(file, *v);
    vocab_finish_special(*v);
    return Vocab(std::move(v));
}

Vocab::Vocab(std::unique_ptr<Impl> impl) : m(std::move(impl)) {}
Vocab::Vocab(Vocab &&) noexcept = default;
Vocab & Vocab::operator=(Vocab &&) noexcept = default;
Vocab::~Vocab() = default;

VocabType Vocab::type() const {
    return m->type;
}
const std::string & Vocab::model_name() const {
    return m->model_name;
}
const std::string & Vocab::pre_name() const {
    return m->pre_name;
}
PreTokenizer Vocab::pre() const {
    return m->pre;
}
int32_t Vocab::n_tokens() const {
    return static_cast<int32_t>(m->tokens.size());
}

const std::string & Vocab::text(int32_t id) const {
    HEARTH_ASSERT(is_valid(id));
    return m->tokens[id].text;
}

float Vocab::score(int32_t id) const {
    HEARTH_ASSERT(is_valid(id));
    return m->tokens[id].score;
}

uint32_t Vocab::attr(int32_t id) const {
    HEARTH_ASSERT(is_valid(id));
    return m->tokens[id].attr;
}

bool Vocab::is_eog(int32_t id) const {
    return std::binary_search(m->eog_ids.begin(), m->eog_ids.end(), id);
}
const std::vector<int32_t> & Vocab::eog_ids() const {
    return m->eog_ids;
}

int32_t Vocab::token_bos() const {
    return m->bos;
}
int32_t Vocab::token_eos() const {
    return m->eos;
}
int32_t Vocab::token_eot() const {
    return m->eot;
}
int32_t Vocab::token_eom() const {
    return m->eom;
}
int32_t Vocab::token_unk() const {
    return m->unk;
}
int32_t Vocab::token_pad() const {
    return m->pad;
}
int32_t Vocab::token_sep() const {
    return m->sep;
}
int32_t Vocab::token_fim_pre() const {
    return m->fim_pre;
}
int32_t Vocab::token_fim_suf() const {
    return m->fim_suf;
}
int32_t Vocab::token_fim_mid() const {
    return m->fim_mid;
}

bool Vocab::add_bos() const {
    return m->add_bos;
}
bool Vocab::add_eos() const {
    return m->add_eos;
}
bool Vocab::add_space_prefix() const {
    return m->add_space_prefix;
}
bool Vocab::clean_spaces() const {
    return m->clean_spaces;
}
bool Vocab::ignore_merges() const {
    return m->ignore_merges;
}

int32_t Vocab::find(std::string_view text) const {
    auto it = m->token_to_id.find(text);
    return it == m->token_to_id.end() ? token_null : it->second;
}

int32_t Vocab::merge_rank(std::string_view left, std::string_view right) const {
    // One reusable key buffer per thread: this is the BPE inner loop.
    thread_local std::string key;
    key.assign(left);
    key.push_back(' ');
    key.append(right);
    auto it = m->merge_ranks.find(std::string_view(key));
    return it == m->merge_ranks.end() ? -1 : it->second;
}

int32_t Vocab::byte_to_token(uint8_t byte) const {
    if (m->type == VocabType_bpe) return find(utf8::byte_to_unicode()[byte]);
    static const char * const hex = "0123456789ABCDEF";
    const char buf[6] = {'<', '0', 'x', hex[byte >> 4], hex[byte & 15], '>'};
    const int32_t id = find(std::string_view(buf, 6));
    if (id != token_null) return id;
    return find(std::string_view(reinterpret_cast<const char *>(&byte), 1));
}

uint8_t Vocab::token_to_byte(int32_t id) const {
    HEARTH_ASSERT(is_valid(id) && is_byte(id));
    const std::string & t = m->tokens[id].text;
    // "<0xNN>"; a malformed byte token reads as 0 rather than failing decode.
    if (t.size() < 5) return 0;
    return static_cast<uint8_t>(std::strtol(t.substr(3, 2).c_str(), nullptr, 16));
}

const std::vector<int32_t> & Vocab::special_tokens() const {
    return m->special_tokens;
}

}  // namespace hearth
