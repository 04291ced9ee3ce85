// Internals of the JSON schema compiler (json_schema_grammar.h): the rule set
// being written, the per-schema compiler, and the string and number helpers.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hearth/json_schema_grammar.h"

namespace hearth::grammar_detail {

using ojson = nlohmann::ordered_json;

inline constexpr int k_max_schema_depth = 64;
inline constexpr size_t k_max_grammar_text = size_t(4) << 20;
inline constexpr int64_t k_max_count = 10000;  // larger maxLength / maxItems become unbounded

// Named rules, each defined once; identical bodies share one name.
class RuleSet {
public:
    // A fresh name from `hint`, not yet defined.
    std::string reserve(const std::string & hint);
    void define(const std::string & name, const std::string & body);
    // A rule with this body: an existing one, or a new one named after `hint`.
    std::string add(const std::string & hint, const std::string & body);
    // One of the fixed JSON rules (json-value, json-string, ws ...), added with
    // the rules it uses on first request.
    std::string primitive(const std::string & name);
    std::string text() const;

    std::vector<std::string> notes;

private:
    std::vector<std::pair<std::string, std::string>> m_rules;
    std::set<std::string> m_names;
    std::map<std::string, std::string> m_by_body;
    size_t m_bytes = 0;
};

class SchemaCompiler {
public:
    SchemaCompiler(RuleSet & rules, const ojson & root, std::string prefix)
        : m_rules(rules), m_root(root), m_prefix(std::move(prefix)) {}

    // A GBNF expression (usually a rule name) for the values of `s`.
    std::string visit(const ojson & s, const std::string & hint, const std::string & path, int depth);

private:
    [[noreturn]] void fail(const std::string & path, const std::string & what) const;
    std::string typed(const ojson & s, const std::string & type, const std::string & hint, const std::string & path,
                      int depth);
    std::string untyped(const ojson & s, const std::string & hint, const std::string & path, int depth);
    std::string ref(const ojson & s, const std::string & path, int depth);
    std::string all_of(const ojson & s, const std::string & hint, const std::string & path, int depth);
    std::string object(const ojson & s, const std::string & hint, const std::string & path, int depth);
    std::string array(const ojson & s, const std::string & hint, const std::string & path, int depth);
    std::string string(const ojson & s, const std::string & hint, const std::string & path);
    std::string number(const ojson & s, bool integer, const std::string & hint, const std::string & path);
    // A non-negative integer keyword, or -1 when absent.
    int64_t count(const ojson & s, const char * key, const std::string & path);

    RuleSet & m_rules;
    const ojson & m_root;
    std::string m_prefix;
    std::map<std::string, std::string> m_refs;  // $ref -> rule
};

// Decimal integers in [lo, hi] (an absent bound is open; open magnitudes
// stop at 16 digits), as a GBNF expression.
std::string integer_range_gbnf(std::optional<int64_t> lo, std::optional<int64_t> hi);

// A numeric bound with an integer value (a fractional bound is rounded inward).
struct NumberBound {
    int64_t value;
    bool exclusive;
};
// Decimal numbers (no exponent) between the bounds, or "" when none lies there.
std::string number_range_gbnf(std::optional<NumberBound> lo, std::optional<NumberBound> hi);

// The body of a JSON string (between its quotes) for a format, or "" when the
// format is not one of those supported.
std::string format_gbnf(const std::string & format, RuleSet & rules);

// The body of a JSON string (between its quotes) whose text matches the
// regular expression, or nullopt with the reason in `why`.
std::optional<std::string> pattern_gbnf(std::string_view pattern, RuleSet & rules, std::string & why);

// A JSON string (quotes included) spelled without escapes and equal to none of
// `keys`: the keys of additional properties.
std::string key_not_in(const std::vector<std::string> & keys, const std::string & hint, RuleSet & rules);

// A GBNF class "[...]" for code point ranges (sorted, disjoint, non-empty).
std::string gbnf_class(const std::vector<std::pair<uint32_t, uint32_t>> & ranges);

}  // namespace hearth::grammar_detail
