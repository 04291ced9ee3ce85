#include "hearth/tokenizer.h"

#include <optional>
#include <unordered_map>

#include "hearth/error.h"
#include "hearth/gguf.h"
#include "tokenizer/bpe.h"
#include "tokenizer/clean_spaces.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/special_split.h"
#include "tokenizer/spm.h"
#include "tokenizer/utf8.h"

namespace hearth {

namespace {

const char * const kEscapedSpace = "\xE2\x96\x81";  // U+2581

std::string escape_spaces(std::string_view text, bool add_prefix) {
    std::string out;
    out.reserve(text.size() + text.size() / 4 + 3);
    if (add_prefix) out += kEscapedSpace;
    for (char c : text) {
        if (c == ' ')
            out += kEscapedSpace;
        else
            out.push_back(c);
    }
    return out;
}

std::string unescape_spaces(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        if (text.compare(i, 3, kEscapedSpace) == 0) {
            out.push_back(' ');
            i += 3;
        } else {
            out.push_back(text[i++]);
        }
    }
    return out;
}

// A BPE token's text back to bytes through the GPT-2 alphabet (llama.cpp's
// llama_decode_text, including its marker for characters outside the alphabet).
std::string decode_byte_level(std::string_view text) {
    std::string out;
    size_t pos = 0;
    while (pos < text.size()) {
        uint32_t cpt = 0;
        if (!utf8::decode(text, pos, cpt) || cpt > 0x10FFFF) cpt = 0xFFFD;
        const int byte = utf8::unicode_to_byte(cpt);
        if (byte >= 0) {
            out.push_back(static_cast<char>(byte));
            continue;
        }
        std::string enc;
        utf8::append(enc, cpt);
        out += "[UNK_BYTE_0x";
        static const char * const hex = "0123456789abcdef";
        for (char c : enc) {
            out.push_back(hex[static_cast<uint8_t>(c) >> 4]);
            out.push_back(hex[static_cast<uint8_t>(c) & 15]);
        }
        out.append(text);
        out += "]";
    }
    return out;
}

// The copy of the (normalized) text that PCRE2 matches: same length, but code
// points PCRE2 reads differently from llama.cpp are swapped for ones it reads
// the same way: surrogates (not valid UTF-8 for PCRE2) become U+E000, and
// U+180E (whitespace to PCRE2's \s, not to llama.cpp) becomes U+200B.
std::string_view regex_subject(std::string_view text, std::string & storage) {
    bool needed = false;
    for (size_t i = 0; i + 2 < text.size() && !needed; ++i) {
        const auto b0 = static_cast<uint8_t>(text[i]);
        const auto b1 = static_cast<uint8_t>(text[i + 1]);
        needed = (b0 == 0xED && b1 >= 0xA0) || (b0 == 0xE1 && b1 == 0xA0 && static_cast<uint8_t>(text[i + 2]) == 0x8E);
    }
    if (!needed) return text;
    storage.assign(text);
    for (size_t i = 0; i + 2 < storage.size(); ++i) {
        const auto b0 = static_cast<uint8_t>(storage[i]);
        const auto b1 = static_cast<uint8_t>(storage[i + 1]);
        if (b0 == 0xED && b1 >= 0xA0)
            storage.replace(i, 3, "\xEE\x80\x80");
        else if (b0 == 0xE1 && b1 == 0xA0 && static_cast<uint8_t>(storage[i + 2]) == 0x8E)
            storage.replace(i, 3, "\xE2\x80\x8B");
    }
    return storage;
}

}  // namespace

struct Tokenizer::Impl {
    Vocab vocab;
    std::optional<RegexSplitter> splitter;  // BPE only
    std::vector<std::string> pieces;        // token_to_piece(id, special = true)
    bool spm_split_words = false;

    explicit Impl(Vocab v) : vocab(std::move(v)) {}

    std::string make_piece(int32_t id) const {
        const uint32_t attr = vocab.attr(id);
        if (attr & (TokenAttr_unknown | TokenAttr_control | TokenAttr_user_defined)) return vocab.text(id);
        if (attr & TokenAttr_normal)
            return vocab.type() == VocabType_spm ? unescape_spaces(vocab.text(id)) : decode_byte_level(vocab.text(id));
        if (attr & TokenAttr_byte) return std::string(1, static_cast<char>(vocab.token_to_byte(id)));
        return std::string();  // unused and undefined tokens render as nothing
    }

    void tokenize_spm(std::string_view text, const std::vector<Fragment> & frags, std::vector<int32_t> & out) const {
        bool prev_special = true;  // a space before the first text, as SentencePiece does
        for (const Fragment & f : frags) {
            if (f.token != token_null) {
                out.push_back(f.token);
                prev_special = true;
                continue;
            }
            const std::string escaped =
                escape_spaces(text.substr(f.offset, f.size), vocab.add_space_prefix() && prev_special);
            spm_tokenize(vocab, escaped, out, spm_split_words);
            prev_special = false;
        }
    }

    void tokenize_bpe_text(std::string_view raw, std::vector<int32_t> & out) const {
        std::string normalized_storage;
        const std::string_view text =
            utf8::normalize_lax(raw, normalized_storage) ? std::string_view(normalized_storage) : raw;
        std::string subject_storage;
        const std::string_view subject = regex_subject(text, subject_storage);
        std::vector<TextPiece> words;
        splitter->split(subject, words);
        const auto & alphabet = utf8::byte_to_unicode();
        // Words repeat (Zipf), and a word's tokens depend on the word alone, so
        // each call memoizes short words: ids[begin, begin + count) in `out`.
        struct Span {
            size_t begin;
            size_t count;
        };
        std::unordered_map<std::string_view, Span> memo;
        std::string word;
        for (const TextPiece & w : words) {
            const std::string_view raw_word = text.substr(w.begin, w.size);
            const bool cacheable = w.size <= kMemoWordBytes && memo.size() < kMemoEntries;
            if (cacheable) {
                if (auto it = memo.find(raw_word); it != memo.end()) {
                    const Span sp = it->second;
                    for (size_t i = 0; i < sp.count; ++i) out.push_back(out[sp.begin + i]);
                    continue;
                }
            }
            word.clear();
            for (char c : raw_word) word += alphabet[static_cast<uint8_t>(c)];
            const size_t before = out.size();
            bpe_tokenize_word(vocab, word, out);
            if (cacheable) memo.emplace(raw_word, Span{before, out.size() - before});
        }
    }

    static constexpr size_t kMemoWordBytes = 64;
    static constexpr size_t kMemoEntries = 1 << 16;
};

Tokenizer::Tokenizer(Vocab vocab) : m(std::make_unique<Impl>(std::move(vocab))) {
    if (m->vocab.type() == VocabType_bpe)
        m->splitter.emplace(pre_tokenizer_regexes(m->vocab.pre()));
    else
        m->spm_split_words = spm_words_are_independent(m->vocab);
    m->pieces.resize(m->vocab.n_tokens());
    for (int32_t id = 0; id < m->vocab.n_tokens(); ++id) m->pieces[id] = m->make_piece(id);
}

Tokenizer Tokenizer::from_gguf(const GgufFile & file) {
    return Tokenizer(Vocab::from_gguf(file));
}

Tokenizer::Tokenizer(Tokenizer &&) noexcept = default;
Tokenizer & Tokenizer::operator=(Tokenizer &&) noexcept = default;
Tokenizer::~Tokenizer() = default;

const Vocab & Tokenizer::vocab() const {
    return m->vocab;
}

std::vector<int32_t> Tokenizer::tokenize(std::string_view text, bool add_special, bool parse_special) const {
    const Vocab & v = m->vocab;
    std::vector<int32_t> out;
    out.reserve(text.size() / 3 + 2);
    if (add_special && v.add_bos()) out.push_back(v.token_bos());
    const std::vector<Fragment> frags = split_special(v, text, parse_special);
    if (v.type() == VocabType_spm) {
        m->tokenize_spm(text, frags, out);
    } else {
        for (const Fragment & f : frags) {
            if (f.token != token_null)
                out.push_back(f.token);
            else
                m->tokenize_bpe_text(text.substr(f.offset, f.size), out);
        }
    }
    if (add_special && v.add_eos()) out.push_back(v.token_eos());
    return out;
}

std::string Tokenizer::token_to_piece(int32_t id, bool special, int lstrip) const {
    if (!m->vocab.is_valid(id)) return std::string();
    if (!special && (m->vocab.attr(id) & (TokenAttr_unknown | TokenAttr_control))) return std::string();
    const std::string & piece = m->pieces[id];
    size_t skip = 0;
    while (static_cast<int>(skip) < lstrip && skip < piece.size() && piece[skip] == ' ') ++skip;
    return piece.substr(skip);
}

std::string Tokenizer::detokenize(std::span<const int32_t> ids, bool remove_special, bool unparse_special) const {
    const Vocab & v = m->vocab;
    bool remove_space = v.add_space_prefix();
    if (remove_special && v.add_bos() && !ids.empty() && ids.front() == v.token_bos()) {
        remove_space = false;
        ids = ids.subspan(1);
    }
    if (remove_special && v.add_eos() && !ids.empty() && ids.back() == v.token_eos()) ids = ids.first(ids.size() - 1);

    std::string text;
    for (int32_t id : ids) {
        text += token_to_piece(id, unparse_special, remove_space ? 1 : 0);
        remove_space = false;
    }
    if (v.clean_spaces()) clean_up_spaces(text);
    return text;
}

std::string Utf8StreamDecoder::push(std::string_view bytes) {
    m_pending.append(bytes);
    const size_t n = utf8::complete_prefix(m_pending);
    std::string out = m_pending.substr(0, n);
    m_pending.erase(0, n);
    return out;
}

std::string Utf8StreamDecoder::flush() {
    std::string out;
    out.swap(m_pending);
    return out;
}

DetokenizeStream::DetokenizeStream(const Tokenizer & tokenizer, bool special)
    : m_tokenizer(&tokenizer), m_special(special) {}

std::string DetokenizeStream::push(int32_t id) {
    const int lstrip = m_first && m_tokenizer->vocab().add_space_prefix() ? 1 : 0;
    m_first = false;
    return m_utf8.push(m_tokenizer->token_to_piece(id, m_special, lstrip));
}

std::string DetokenizeStream::flush() {
    return m_utf8.flush();
}

}  // namespace hearth
