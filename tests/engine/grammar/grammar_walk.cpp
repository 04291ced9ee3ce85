#include "grammar_walk.h"

#include <random>
#include <vector>

#include "hearth/grammar_filter.h"

namespace grammar_test {

std::string random_document(const std::shared_ptr<const hearth::Grammar> & grammar, uint64_t seed, int32_t budget) {
    static const std::shared_ptr<const hearth::TokenTrie> bytes = [] {
        std::vector<std::string> pieces;
        for (int b = 0; b < 256; ++b) pieces.push_back(std::string(1, char(b)));
        pieces.push_back("");  // 256: the end token
        return hearth::TokenTrie::from_pieces(pieces, {256});
    }();
    hearth::GrammarTokenFilter filter(grammar, bytes);
    std::mt19937_64 rng(seed);
    std::vector<uint8_t> allowed;
    std::vector<int32_t> ids;
    std::string out;
    for (int32_t left = budget; left > 0; --left) {
        filter.fill_mask(allowed, left);
        ids.clear();
        for (int32_t id = 0; id < int32_t(allowed.size()); ++id)
            if (allowed[size_t(id)]) ids.push_back(id);
        if (ids.empty()) return {};
        const int32_t id = ids[rng() % ids.size()];
        if (id == 256) return out;
        if (!filter.accept(id)) return {};
        out += char(id);
        if (filter.terminal()) return out;
    }
    return filter.accepting() ? out : std::string();
}

}  // namespace grammar_test
