#include "runtime/prompt_lookup.h"

#include <algorithm>

namespace hearth {

std::vector<int32_t> prompt_lookup_draft(const std::vector<int32_t> & history, int32_t n_draft,
                                         const PromptLookup & lookup) {
    const int64_t size = int64_t(history.size());
    if (n_draft <= 0) return {};
    for (int64_t n = std::min<int64_t>(lookup.max_ngram, size - 1); n >= std::max(1, lookup.min_ngram); --n) {
        const int32_t * tail = history.data() + (size - n);
        // Latest match first: the nearest repetition predicts best. It ends
        // before the last token, so at least one token follows it.
        for (int64_t start = size - n - 1; start >= 0; --start) {
            if (!std::equal(tail, tail + n, history.data() + start)) continue;
            const int64_t from = start + n, to = std::min<int64_t>(size, from + n_draft);
            return std::vector<int32_t>(history.begin() + from, history.begin() + to);
        }
    }
    return {};
}

}  // namespace hearth
