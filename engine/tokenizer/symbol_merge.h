// The merge loop both tokenizers share (llama.cpp's llm_symbol/llm_bigram
// scheme): a word starts as one symbol per UTF-8 character, kept in a doubly
// linked list over the word's bytes, and the best adjacent pair is merged
// until no mergeable pair is left.
//
// SentencePiece and byte-level BPE differ only in which pairs may merge and in
// their priority (SPM: the merged token's score, highest first; BPE: the merge
// rank, lowest first), which a Policy supplies:
//   std::optional<P> policy.priority(std::string_view left, std::string_view right)
//   bool policy.better(const P & a, const P & b)   // a merges before b
// Ties go to the leftmost pair, as in llama.cpp.
#pragma once

#include <algorithm>
#include <optional>
#include <queue>
#include <string_view>
#include <vector>

#include "tokenizer/utf8.h"

namespace hearth {

struct MergeSymbol {
    int prev;
    int next;
    size_t offset;
    size_t n;  // bytes; 0 once merged into the left neighbour
};

template <typename Policy>
std::vector<MergeSymbol> merge_symbols(std::string_view text, const Policy & policy) {
    using Priority = typename decltype(policy.priority(std::string_view(), std::string_view()))::value_type;
    struct Candidate {
        int left;
        int right;
        Priority priority;
        size_t size;  // bytes of left + right when queued; a mismatch means stale
    };
    auto later = [&policy](const Candidate & a, const Candidate & b) {
        if (policy.better(b.priority, a.priority)) return true;
        if (policy.better(a.priority, b.priority)) return false;
        return a.left > b.left;
    };
    std::priority_queue<Candidate, std::vector<Candidate>, decltype(later)> queue(later);

    std::vector<MergeSymbol> symbols;
    symbols.reserve(text.size());
    for (size_t offset = 0; offset < text.size();) {
        const size_t len = std::min(utf8::seq_len(static_cast<uint8_t>(text[offset])), text.size() - offset);
        const int index = static_cast<int>(symbols.size());
        symbols.push_back({index - 1, offset + len == text.size() ? -1 : index + 1, offset, len});
        offset += len;
    }
    auto piece = [&](const MergeSymbol & s) { return text.substr(s.offset, s.n); };
    auto try_add = [&](int left, int right) {
        if (left == -1 || right == -1) return;
        std::optional<Priority> p = policy.priority(piece(symbols[left]), piece(symbols[right]));
        if (p) queue.push({left, right, *p, symbols[left].n + symbols[right].n});
    };

    for (int i = 1; i < static_cast<int>(symbols.size()); ++i) try_add(i - 1, i);
    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        MergeSymbol & l = symbols[c.left];
        MergeSymbol & r = symbols[c.right];
        // Offsets never move and symbols stay contiguous, so an unchanged total
        // length means the pair is still the one that was queued.
        if (l.n == 0 || r.n == 0 || l.n + r.n != c.size) continue;
        l.n += r.n;
        r.n = 0;
        l.next = r.next;
        if (r.next >= 0) symbols[r.next].prev = c.left;
        try_add(l.prev, c.left);
        try_add(c.left, l.next);
    }
    return symbols;
}

// Visits the surviving symbols in order.
template <typename Fn>
void for_each_merged(const std::vector<MergeSymbol> & symbols, Fn && fn) {
    for (int i = symbols.empty() ? -1 : 0; i != -1; i = symbols[i].next) fn(symbols[i]);
}

}  // namespace hearth
