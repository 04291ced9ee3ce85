#include "tokenizer/spm.h"

#include <algorithm>
#include <queue>

#include "hearth/vocab.h"
#include "tokenizer/utf8.h"

namespace hearth {

namespace {

// A run of text in a doubly linked list; n == 0 once merged into its left neighbour.
struct Symbol {
    int prev;
    int next;
    size_t offset;
    size_t n;
};

struct Bigram {
    int left;
    int right;
    float score;
    size_t size;  // bytes of left + right when queued; a mismatch means stale
};

struct BigramOrder {
    bool operator()(const Bigram & a, const Bigram & b) const {
        return a.score < b.score || (a.score == b.score && a.left > b.left);
    }
};

class SpmSession {
public:
    SpmSession(const Vocab & vocab, std::string_view text) : m_vocab(vocab), m_text(text) {}

    void run(std::vector<int32_t> & out) {
        split_chars();
        for (int i = 1; i < static_cast<int>(m_symbols.size()); ++i) try_add(i - 1, i);
        while (!m_queue.empty()) {
            const Bigram b = m_queue.top();
            m_queue.pop();
            Symbol & l = m_symbols[b.left];
            Symbol & r = m_symbols[b.right];
            if (l.n == 0 || r.n == 0 || l.n + r.n != b.size) continue;
            l.n += r.n;
            r.n = 0;
            l.next = r.next;
            if (r.next >= 0) m_symbols[r.next].prev = b.left;
            try_add(l.prev, b.left);
            try_add(b.left, l.next);
        }
        for (int i = m_symbols.empty() ? -1 : 0; i != -1; i = m_symbols[i].next) emit(m_symbols[i], out);
    }

private:
    void split_chars() {
        m_symbols.reserve(m_text.size());
        size_t offset = 0;
        int index = 0;
        while (offset < m_text.size()) {
            const size_t len = std::min(utf8::seq_len(static_cast<uint8_t>(m_text[offset])), m_text.size() - offset);
            const bool last = offset + len == m_text.size();
            m_symbols.push_back({index - 1, last ? -1 : index + 1, offset, len});
            offset += len;
            ++index;
        }
    }

    void try_add(int left, int right) {
        if (left == -1 || right == -1) return;
        const size_t size = m_symbols[left].n + m_symbols[right].n;
        const int32_t id = m_vocab.find(m_text.substr(m_symbols[left].offset, size));
        if (id == token_null) return;
        m_queue.push({left, right, m_vocab.score(id), size});
    }

    // Every merged symbol is a token (only token-forming pairs merge), so only
    // single characters can miss; llama.cpp's rev_merge path never applies.
    void emit(const Symbol & s, std::vector<int32_t> & out) const {
        const std::string_view text = m_text.substr(s.offset, s.n);
        const int32_t id = m_vocab.find(text);
        if (id != token_null) {
            out.push_back(id);
            return;
        }
        for (char c : text) {
            const int32_t byte_id = m_vocab.byte_to_token(static_cast<uint8_t>(c));
            // A vocab without byte tokens: llama.cpp would throw; <unk> is the sane reading.
            const int32_t fallback = byte_id != token_null ? byte_id : m_vocab.token_unk();
            if (fallback != token_null) out.push_back(fallback);
        }
    }

    const Vocab & m_vocab;
    std::string_view m_text;
    std::vector<Symbol> m_symbols;
    std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> m_queue;
};

}  // namespace

const char * const kEscapedSpace = "\xE2\x96\x81";

void spm_tokenize(const Vocab & vocab, std::string_view text, std::vector<int32_t> & out, bool split_words) {
    if (!split_words) {
        SpmSession(vocab, text).run(out);
        return;
    }
    // Cut at symbol boundaries only (the session splits by lead byte), before
    // a U+2581 whose previous symbol is not U+2581. No merged symbol can span
    // such a cut, so the merges on either side never interact.
    size_t word_start = 0;
    bool prev_is_space = false;
    for (size_t pos = 0; pos < text.size();) {
        const size_t len = std::min(utf8::seq_len(static_cast<uint8_t>(text[pos])), text.size() - pos);
        const bool is_space = text.compare(pos, len, kEscapedSpace) == 0;
        if (is_space && pos > 0 && !prev_is_space) {
            SpmSession(vocab, text.substr(word_start, pos - word_start)).run(out);
            word_start = pos;
        }
        prev_is_space = is_space;
        pos += len;
    }
    if (word_start < text.size()) SpmSession(vocab, text.substr(word_start)).run(out);
}

bool spm_words_are_independent(const Vocab & vocab) {
    const std::string_view space = kEscapedSpace;
    for (int32_t id = 0; id < vocab.n_tokens(); ++id) {
        const std::string_view t = vocab.text(id);
        for (size_t i = t.find(space, 1); i != std::string_view::npos; i = t.find(space, i + 1))
            if (i < 3 || t.substr(i - 3, 3) != space) return false;
    }
    return true;
}

}  // namespace hearth
