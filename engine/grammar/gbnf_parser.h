// GBNF text to a grammar over code points (CpGrammar), the form before the
// byte-level compile (grammar_compile.cpp).
//
// Repetitions are expanded here into generated rules, all right-recursive so
// that the matcher runs them as tail calls:
//   X*      ->  R ::= X R |
//   X{2,4}  ->  X X C2,  C2 ::= X C1 | ,  C1 ::= X |
// A repeated group or multi-character literal first becomes a rule of its own.
//
// Bounds: the source size, the nesting of parentheses, repetition counts and
// the total number of symbols; each overflow is an Error(ErrorCode_format).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hearth::grammar_detail {

struct CpRange {
    uint32_t lo, hi;  // inclusive code points
};

// One symbol of a sequence: a class of code points (sorted, disjoint ranges;
// a literal character is a class of one) or a reference to a rule.
struct CpSym {
    bool is_ref = false;
    uint32_t rule = 0;
    std::vector<CpRange> ranges;
};

struct CpRule {
    std::string name;
    std::vector<std::vector<CpSym>> alts;
    bool defined = false;
};

struct CpGrammar {
    std::vector<CpRule> rules;
    std::unordered_map<std::string, uint32_t> index;  // name -> rule
};

inline constexpr uint32_t k_max_code_point = 0x10FFFF;
inline constexpr size_t k_max_gbnf_bytes = size_t(8) << 20;
inline constexpr int k_max_group_depth = 128;
inline constexpr uint32_t k_max_repeat = 10000;
inline constexpr size_t k_max_symbols = size_t(1) << 20;
inline constexpr size_t k_max_rules = size_t(1) << 17;

CpGrammar parse_gbnf(std::string_view src);

// Sorts and merges ranges in place.
void normalize_ranges(std::vector<CpRange> & ranges);
// The complement of normalized ranges within [0, 0x10FFFF].
std::vector<CpRange> complement_ranges(const std::vector<CpRange> & ranges);

}  // namespace hearth::grammar_detail
