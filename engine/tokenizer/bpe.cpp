#include "tokenizer/bpe.h"

#include <algorithm>
#include <queue>

#include "hearth/vocab.h"
#include "tokenizer/utf8.h"

namespace hearth {

namespace {

struct Symbol {
    int prev;
    int next;
    size_t offset;
    size_t n;  // 0 once merged into the left neighbour
};

struct Bigram {
    int left;
    int right;
    int32_t rank;
    size_t size;  // bytes of left + right when queued; a mismatch means stale
};

struct BigramOrder {
    bool operator()(const Bigram & a, const Bigram & b) const {
        return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
    }
};

class BpeSession {
public:
    BpeSession(const Vocab & vocab, std::string_view word) : m_vocab(vocab), m_word(word) {}

    void run(std::vector<int32_t> & out) {
        if (m_vocab.ignore_merges() && m_vocab.find(m_word) != token_null) {
            out.push_back(m_vocab.find(m_word));
            return;
        }
        split_chars();
        for (int i = 1; i < static_cast<int>(m_symbols.size()); ++i) try_add(i - 1, i);
        while (!m_queue.empty()) {
            const Bigram b = m_queue.top();
            m_queue.pop();
            Symbol & l = m_symbols[b.left];
            Symbol & r = m_symbols[b.right];
            // Offsets never move and symbols stay contiguous, so equal total
            // length means equal text (llama.cpp compares the strings).
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
        m_symbols.reserve(m_word.size());
        size_t offset = 0;
        int index = 0;
        while (offset < m_word.size()) {
            const size_t len = std::min(utf8::seq_len(static_cast<uint8_t>(m_word[offset])), m_word.size() - offset);
            const bool last = offset + len == m_word.size();
            m_symbols.push_back({index - 1, last ? -1 : index + 1, offset, len});
            offset += len;
            ++index;
        }
    }

    std::string_view text(const Symbol & s) const { return m_word.substr(s.offset, s.n); }

    void try_add(int left, int right) {
        if (left == -1 || right == -1) return;
        const int32_t rank = m_vocab.merge_rank(text(m_symbols[left]), text(m_symbols[right]));
        if (rank < 0) return;
        m_queue.push({left, right, rank, m_symbols[left].n + m_symbols[right].n});
    }

    void emit(const Symbol & s, std::vector<int32_t> & out) const {
        const std::string_view t = text(s);
        const int32_t id = m_vocab.find(t);
        if (id != token_null) {
            out.push_back(id);
            return;
        }
        for (char c : t) {
            const int32_t byte_id = m_vocab.find(std::string_view(&c, 1));
            if (byte_id != token_null) out.push_back(byte_id);
        }
    }

    const Vocab & m_vocab;
    std::string_view m_word;
    std::vector<Symbol> m_symbols;
    std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> m_queue;
};

}  // namespace

void bpe_tokenize_word(const Vocab & vocab, std::string_view word, std::vector<int32_t> & out) {
    BpeSession(vocab, word).run(out);
}

}  // namespace hearth
