// The compiled form of a Grammar, over bytes.
//
// Layout: `code` holds every alternative of every rule, each a run of elements
// closed by an End element:
//
//   code: [Bytes s3][Ref r7][End] [End] [Bytes s0][Bytes s1][End] ... [Ref root][End]
//          ^ rule 0, alt 0         ^ alt 1 (empty)                    ^ start
//
// A Bytes element matches one byte of its set (a 256-bit map in `sets`); a Ref
// element enters a rule. `alts[r]` lists where rule r's alternatives begin.
// `start` is a two-element bootstrap [Ref root][End] that the matcher's first
// stack points at. `suffix_min[p]` is the fewest bytes that finish the
// alternative from position p (the End included, so it is 0 there).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace hearth::grammar_detail {

enum ElemKind : uint8_t {
    ElemKind_end,
    ElemKind_bytes,  // arg: index into sets
    ElemKind_ref,    // arg: rule id
};

struct Elem {
    ElemKind kind;
    uint32_t arg;
};

using ByteSet = std::array<uint64_t, 4>;

inline bool byteset_has(const ByteSet & s, uint8_t b) {
    return (s[b >> 6] >> (b & 63)) & 1u;
}
inline void byteset_add(ByteSet & s, uint8_t lo, uint8_t hi) {
    for (unsigned b = lo; b <= hi; ++b) s[b >> 6] |= uint64_t(1) << (b & 63);
}

inline constexpr int32_t k_len_inf = INT32_MAX / 4;  // "never finishes"; sums of two stay below INT32_MAX

struct GrammarData {
    std::vector<Elem> code;
    std::vector<ByteSet> sets;
    std::vector<std::vector<uint32_t>> alts;  // per rule: positions in code
    std::vector<std::string> names;           // per rule
    std::vector<int32_t> rule_min;            // per rule: shortest expansion in bytes
    std::vector<int32_t> suffix_min;          // per code position
    uint32_t start = 0;
    uint32_t root = 0;
};

}  // namespace hearth::grammar_detail
