// hearth::Grammar and hearth::GrammarMatcher: constrained generation.
//
// A Grammar is a set of GBNF rules (llama.cpp's notation):
//
//   root   ::= "{" ws pair ( "," ws pair )* "}"      # sequences, alternatives
//   pair   ::= [a-z]+ ws ":" ws ( num | "null" )     # char classes with ranges
//   num    ::= "-"? [0-9]{1,16}                       # ?, *, +, {m}, {m,}, {m,n}
//   ws     ::= [ \t\n]{0,4}                           # [^...] negates; . is any char
//
// Classes and literals speak code points. At compile time every class becomes
// UTF-8 byte sequences (a class that reaches past ASCII turns into a small rule
// of byte ranges), so the matcher works on bytes only and can never produce
// invalid UTF-8, an overlong form or a surrogate. Repetitions become chains
// of right-recursive rules, which the matcher runs without growing its stack.
//
// The matcher is a pushdown automaton in the style of llama.cpp's
// llama-grammar: a state is the set of parse stacks that are still alive.
// Stacks are hash-consed linked frames (equal stacks are one id), a state set
// is interned too, and each (state, byte) transition is computed once and
// cached, so walking a vocabulary trie is mostly table lookups: a lazily built
// DFA over the part of the language that generation actually visits.
//
// Bounds (GrammarLimits): the depth of one stack, the number of stacks alive at
// once, and the size of the caches (rebuilt from the current state when they
// grow past their limit). A hostile grammar or document can make some
// continuations unavailable, never exhaust memory or the C++ stack: every
// walk is iterative. Parsing rejects undefined rules, left recursion and
// rules that can never finish, with Error(ErrorCode_format) naming the rule.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

namespace grammar_detail {
struct GrammarData;
struct MatcherCache;
}  // namespace grammar_detail

struct GrammarLimits {
    int32_t max_stack_depth = 1024;  // frames in one parse stack (a JSON level costs about 2)
    int32_t max_stacks = 512;        // parse stacks alive at once (ambiguity)
    int32_t max_nodes = 1 << 20;     // interned stack frames before the caches are rebuilt
    int32_t max_states = 8192;       // cached states (each holds 256 transitions, 1 KiB)
};

class Grammar {
public:
    // Parses GBNF text; `root` names the start rule. Throws Error(ErrorCode_format)
    // with the line and column, or naming the offending rule.
    static std::shared_ptr<const Grammar> parse(std::string_view gbnf, std::string_view root = "root");

    ~Grammar();
    const std::string & gbnf() const { return m_gbnf; }
    size_t n_rules() const;
    // Shortest complete document, in bytes.
    int32_t min_length() const;
    const grammar_detail::GrammarData & data() const { return *m_data; }

private:
    Grammar() = default;
    std::string m_gbnf;
    std::unique_ptr<const grammar_detail::GrammarData> m_data;
};

// One walk through a grammar: the bytes accepted so far, and cached transitions
// from there. Not thread-safe; one per generation.
class GrammarMatcher {
public:
    using State = int32_t;  // valid until the next compact() or reset()
    static constexpr State state_dead = -1;
    static constexpr int32_t distance_never = INT32_MAX / 4;

    explicit GrammarMatcher(std::shared_ptr<const Grammar> grammar, GrammarLimits limits = {});
    ~GrammarMatcher();
    GrammarMatcher(const GrammarMatcher &) = delete;
    GrammarMatcher & operator=(const GrammarMatcher &) = delete;

    // The state after everything accepted so far.
    State state() const { return m_state; }
    // The state after one more byte, or state_dead. Inline: a table lookup
    // once the transition is cached, which is what a vocabulary scan runs on.
    State step(State from, uint8_t byte) {
        if (from >= 0) {
            const int32_t t = (*m_trans)[size_t(from) * 256 + byte];
            if (t != k_unknown) return t;
        }
        return step_slow(from, byte);
    }
    State walk(State from, std::string_view bytes);

    bool accepting(State s) const;  // the bytes so far form a complete document
    bool terminal(State s) const;   // complete, and nothing may follow
    // The fewest bytes that complete the document from `s`.
    int32_t distance(State s) const { return s < 0 ? distance_never : (*m_dist)[size_t(s)]; }

    // Advances the current state; false (and no change) when `bytes` cannot continue it.
    bool accept(std::string_view bytes);
    bool accepting() const { return accepting(m_state); }
    bool terminal() const { return terminal(m_state); }
    void reset();
    // Rebuilds the caches from the current state when they have grown past
    // the limits, and then returns true: every State but state() is then
    // invalid. Call between tokens.
    bool compact();

    const Grammar & grammar() const { return *m_grammar; }
    size_t n_cached_states() const;

    static constexpr int32_t k_unknown = -2;  // a transition not computed yet

private:
    State step_slow(State from, uint8_t byte);

    std::shared_ptr<const Grammar> m_grammar;
    std::unique_ptr<grammar_detail::MatcherCache> m_cache;
    const std::vector<int32_t> * m_trans = nullptr;  // the cache's transitions: 256 per state
    const std::vector<int32_t> * m_dist = nullptr;   // the cache's distances: one per state
    State m_state = state_dead;
};

}  // namespace hearth
