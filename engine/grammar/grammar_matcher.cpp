// GrammarMatcher: the pushdown automaton over GrammarData, with its caches.
//
// A parse stack is a chain of frames, interned: frame (pos, parent) has one id
// for the whole matcher, so equal stacks compare as equal ints. `pos` is the
// next element to match in `code`; `parent` is the frame to return to when the
// alternative ends. A Ref in tail position returns straight to the caller's
// parent, so right recursion (every repetition) never deepens the stack.
//
// A frame whose element is a Ref is expanded (its closure: the frames whose
// next element is a byte set, plus frame 0, the empty stack, when the
// document may end there); closures are cached per frame. A state is the
// sorted set of such frames, interned, with a row of 256 cached transitions.
#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "grammar/grammar_data.h"
#include "hearth/grammar.h"

namespace hearth {

namespace grammar_detail {

struct MatcherCache {
    static constexpr int32_t k_unknown = GrammarMatcher::k_unknown;
    static constexpr int32_t k_empty = 0;  // the frame of the empty stack: the document is complete

    struct Frame {
        uint32_t pos;
        int32_t parent;
        int32_t depth;
        int32_t dist;  // fewest bytes to finish this stack
        int32_t closure_off = -1;
        int32_t closure_len = 0;
    };
    struct StateRec {
        uint32_t off, len;
    };

    const GrammarData & g;
    GrammarLimits limits;
    std::vector<Frame> frames;
    std::unordered_map<uint64_t, int32_t> frame_index;
    std::vector<int32_t> closures;
    std::vector<uint32_t> mark;
    uint32_t stamp = 0;
    std::vector<StateRec> states;
    std::vector<int32_t> state_frames;
    std::vector<int32_t> trans;  // 256 per state
    std::vector<int32_t> dist;   // per state: the fewest bytes to finish
    std::unordered_map<std::string, int32_t> state_index;
    std::vector<int32_t> work, scratch, next;

    MatcherCache(const GrammarData & data, GrammarLimits l) : g(data), limits(l) { clear(); }

    void clear() {
        frames.clear();
        frame_index.clear();
        closures.clear();
        mark.clear();
        states.clear();
        state_frames.clear();
        trans.clear();
        dist.clear();
        state_index.clear();
        frames.push_back({UINT32_MAX, -1, 0, 0});
        mark.push_back(0);
    }

    // -1 when the stack would be too deep or the cache is full.
    int32_t intern(uint32_t pos, int32_t parent) {
        const uint64_t key = (uint64_t(pos) << 32) | uint32_t(parent);
        if (auto it = frame_index.find(key); it != frame_index.end()) return it->second;
        const int32_t depth = frames[size_t(parent)].depth + 1;
        if (depth > limits.max_stack_depth || int32_t(frames.size()) >= limits.max_nodes) return -1;
        const auto id = int32_t(frames.size());
        const int32_t dist = std::min(g.suffix_min[pos] + frames[size_t(parent)].dist, k_len_inf);
        frames.push_back({pos, parent, depth, dist});
        mark.push_back(0);
        frame_index.emplace(key, id);
        return id;
    }

    // The frame after the element at `f`'s position: the next element of the
    // alternative, or the parent when the alternative ends there.
    int32_t advance(int32_t f) {
        const Frame fr = frames[size_t(f)];
        if (g.code[fr.pos + 1].kind == ElemKind_end) return fr.parent;
        return intern(fr.pos + 1, fr.parent);
    }

    // Appends the closure of frame `f` to `out`.
    void closure(int32_t f, std::vector<int32_t> & out) {
        if (frames[size_t(f)].closure_off < 0) compute_closure(f);
        const Frame & fr = frames[size_t(f)];
        out.insert(out.end(), closures.begin() + fr.closure_off, closures.begin() + fr.closure_off + fr.closure_len);
    }

    void compute_closure(int32_t f) {
        ++stamp;
        work.assign(1, f);
        scratch.clear();
        while (!work.empty()) {
            const int32_t x = work.back();
            work.pop_back();
            if (mark[size_t(x)] == stamp) continue;
            mark[size_t(x)] = stamp;
            if (x == k_empty || g.code[frames[size_t(x)].pos].kind == ElemKind_bytes) {
                scratch.push_back(x);
                continue;
            }
            const uint32_t rule = g.code[frames[size_t(x)].pos].arg;
            const int32_t ret = advance(x);
            if (ret < 0) continue;
            for (uint32_t start : g.alts[rule]) {
                if (g.code[start].kind == ElemKind_end) {
                    work.push_back(ret);
                } else if (const int32_t child = intern(start, ret); child >= 0) {
                    work.push_back(child);
                }
            }
        }
        std::sort(scratch.begin(), scratch.end());
        Frame & fr = frames[size_t(f)];
        fr.closure_off = int32_t(closures.size());
        fr.closure_len = int32_t(scratch.size());
        closures.insert(closures.end(), scratch.begin(), scratch.end());
    }

    // Interns the sorted set in `next`; -1 for the empty set.
    int32_t intern_state() {
        std::sort(next.begin(), next.end());
        next.erase(std::unique(next.begin(), next.end()), next.end());
        if (next.empty()) return GrammarMatcher::state_dead;
        if (int32_t(next.size()) > limits.max_stacks) next.resize(size_t(limits.max_stacks));
        std::string key(reinterpret_cast<const char *>(next.data()), next.size() * sizeof(int32_t));
        if (auto it = state_index.find(key); it != state_index.end()) return it->second;
        if (int32_t(states.size()) >= limits.max_states * 2) return GrammarMatcher::state_dead;
        int32_t d = k_len_inf;
        for (int32_t f : next) d = std::min(d, frames[size_t(f)].dist);
        const auto id = int32_t(states.size());
        states.push_back({uint32_t(state_frames.size()), uint32_t(next.size())});
        dist.push_back(d);
        state_frames.insert(state_frames.end(), next.begin(), next.end());
        trans.resize(trans.size() + 256, k_unknown);
        state_index.emplace(std::move(key), id);
        return id;
    }

    int32_t start_state() {
        next.clear();
        if (const int32_t f = intern(g.start, k_empty); f >= 0) closure(f, next);
        return intern_state();
    }

    int32_t compute_step(int32_t s, uint8_t byte) {
        // Frames are read by index: interning may grow the vectors.
        std::vector<int32_t> from(state_frames.begin() + states[size_t(s)].off,
                                  state_frames.begin() + states[size_t(s)].off + states[size_t(s)].len);
        next.clear();
        for (int32_t f : from) {
            if (f == k_empty) continue;
            const Elem e = g.code[frames[size_t(f)].pos];
            if (!byteset_has(g.sets[e.arg], byte)) continue;
            const int32_t to = advance(f);
            if (to >= 0) closure(to, next);
        }
        return intern_state();
    }

    int32_t step(int32_t s, uint8_t byte) {
        if (s < 0) return GrammarMatcher::state_dead;
        const size_t slot = size_t(s) * 256 + byte;
        if (trans[slot] != k_unknown) return trans[slot];
        const int32_t t = compute_step(s, byte);
        trans[slot] = t;
        return t;
    }

    // The positions of a stack, bottom first, to rebuild it after clear().
    std::vector<uint32_t> stack_positions(int32_t f) const {
        std::vector<uint32_t> out;
        for (; f > k_empty; f = frames[size_t(f)].parent) out.push_back(frames[size_t(f)].pos);
        std::reverse(out.begin(), out.end());
        return out;
    }

    int32_t rebuild(int32_t s) {
        std::vector<std::vector<uint32_t>> stacks;
        const StateRec st = states[size_t(s)];
        for (uint32_t i = 0; i < st.len; ++i) stacks.push_back(stack_positions(state_frames[st.off + i]));
        clear();
        next.clear();
        for (const auto & positions : stacks) {
            int32_t f = k_empty;
            for (uint32_t pos : positions) f = intern(pos, f);
            next.push_back(f);
        }
        return intern_state();
    }
};

}  // namespace grammar_detail

using grammar_detail::MatcherCache;

static_assert(grammar_detail::k_len_inf == GrammarMatcher::distance_never);

GrammarMatcher::GrammarMatcher(std::shared_ptr<const Grammar> grammar, GrammarLimits limits)
    : m_grammar(std::move(grammar)), m_cache(std::make_unique<MatcherCache>(m_grammar->data(), limits)) {
    m_trans = &m_cache->trans;
    m_dist = &m_cache->dist;
    m_state = m_cache->start_state();
}

GrammarMatcher::~GrammarMatcher() = default;

GrammarMatcher::State GrammarMatcher::step_slow(State from, uint8_t byte) {
    return m_cache->step(from, byte);
}

GrammarMatcher::State GrammarMatcher::walk(State from, std::string_view bytes) {
    for (char c : bytes) {
        from = step(from, uint8_t(c));
        if (from < 0) return state_dead;
    }
    return from;
}

bool GrammarMatcher::accepting(State s) const {
    if (s < 0) return false;
    const auto & st = m_cache->states[size_t(s)];
    return m_cache->state_frames[st.off] == MatcherCache::k_empty;  // sorted: the empty stack comes first
}

bool GrammarMatcher::terminal(State s) const {
    return accepting(s) && m_cache->states[size_t(s)].len == 1;
}

bool GrammarMatcher::accept(std::string_view bytes) {
    const State s = walk(m_state, bytes);
    if (s < 0) return false;
    m_state = s;
    return true;
}

void GrammarMatcher::reset() {
    m_cache->clear();
    m_state = m_cache->start_state();
}

bool GrammarMatcher::compact() {
    const MatcherCache & c = *m_cache;
    if (m_state < 0) return false;
    if (int32_t(c.frames.size()) * 4 < c.limits.max_nodes * 3 && int32_t(c.states.size()) < c.limits.max_states)
        return false;
    m_state = m_cache->rebuild(m_state);
    return true;
}

size_t GrammarMatcher::n_cached_states() const {
    return m_cache->states.size();
}

}  // namespace hearth
