// JSON schema "pattern" (ECMAScript regular expressions) to GBNF over the
// text of a JSON string, as it appears between the quotes: a '"' in the
// pattern becomes the escape \", a newline \n, and classes split into their
// plain characters plus the escapes of the ones JSON must escape.
//
// The subset (see json_schema_grammar.h) is parsed by recursive descent,
// bounded in group nesting, repetition counts and output size; anything else
// is refused with a reason, and the caller leaves the pattern unenforced.
#include <cstdio>

#include "grammar/gbnf_parser.h"
#include "grammar/json_schema_compiler.h"
#include "tokenizer/utf8.h"

namespace hearth::grammar_detail {

namespace {

struct Unsupported {
    std::string why;
};

constexpr int k_max_pattern_depth = 32;
constexpr uint32_t k_max_pattern_count = 1000;
constexpr size_t k_max_pattern_gbnf = 64 * 1024;

// The JSON text of one character inside a string.
std::string json_char(uint32_t cp) {
    switch (cp) {
        case '"':
            return "\\\"";
        case '\\':
            return "\\\\";
        case '\n':
            return "\\n";
        case '\r':
            return "\\r";
        case '\t':
            return "\\t";
        case '\b':
            return "\\b";
        case '\f':
            return "\\f";
        default:
            break;
    }
    if (cp < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04X", unsigned(cp));
        return buf;
    }
    std::string out;
    utf8::append(out, cp);
    return out;
}

std::vector<CpRange> digit_ranges() {
    return {{'0', '9'}};
}
std::vector<CpRange> word_ranges() {
    return {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
}
std::vector<CpRange> space_ranges() {  // ECMAScript WhiteSpace and LineTerminator
    return {{0x09, 0x0D},     {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680}, {0x2000, 0x200A},
            {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
}

class PatternParser {
public:
    PatternParser(std::string_view pattern, RuleSet & rules) : m_rules(rules) {
        for (size_t i = 0; i < pattern.size();) {
            uint32_t cp = 0;
            if (!utf8::decode(pattern, i, cp)) throw Unsupported{"the pattern is not valid UTF-8"};
            m_cps.push_back(cp);
        }
    }

    std::string run() {
        bool start = false, end = false;
        if (!m_cps.empty() && m_cps.front() == '^') {
            start = true;
            m_pos = 1;
        }
        size_t stop = m_cps.size();
        if (stop > m_pos && m_cps.back() == '$') {
            size_t slashes = 0;
            while (stop >= 2 + slashes && m_cps[stop - 2 - slashes] == '\\') ++slashes;
            if (slashes % 2 == 0) {
                end = true;
                --stop;
            }
        }
        m_end = stop;
        std::string body = alternation(0);
        if (m_pos != m_end) throw Unsupported{"unbalanced ')'"};
        const std::string any = m_rules.primitive("json-char") + "*";
        body = "( " + body + " )";
        if (!start) body = any + " " + body;
        if (!end) body += " " + any;
        if (body.size() > k_max_pattern_gbnf) throw Unsupported{"the pattern expands to too large a grammar"};
        return body;
    }

private:
    bool at_end() const { return m_pos >= m_end; }
    uint32_t peek() const { return at_end() ? 0 : m_cps[m_pos]; }

    std::string alternation(int depth) {
        if (depth > k_max_pattern_depth) throw Unsupported{"groups nest too deeply"};
        std::string out = sequence(depth);
        while (!at_end() && peek() == '|') {
            ++m_pos;
            out += " | " + sequence(depth);
        }
        return out;
    }

    std::string sequence(int depth) {
        std::string out;
        while (!at_end() && peek() != '|' && peek() != ')') {
            std::string a = atom(depth);
            a += quantifier();
            out += (out.empty() ? "" : " ") + a;
            if (out.size() > k_max_pattern_gbnf) throw Unsupported{"the pattern expands to too large a grammar"};
        }
        return out.empty() ? "\"\"" : out;
    }

    std::string literal(uint32_t cp) { return gbnf_literal(json_char(cp)); }

    // A set of characters: the plain ones as a class, the ones JSON escapes
    // as their escapes.
    std::string char_set(std::vector<CpRange> ranges) {
        normalize_ranges(ranges);
        std::vector<std::pair<uint32_t, uint32_t>> plain;
        std::vector<std::string> alts;
        for (const CpRange & r : ranges) {
            uint32_t lo = r.lo;
            for (uint32_t cp = r.lo; cp <= r.hi && cp < 0x20; ++cp) alts.push_back(literal(cp));
            lo = std::max<uint32_t>(lo, 0x20);
            for (uint32_t special : {uint32_t('"'), uint32_t('\\')}) {
                if (lo > r.hi || special < lo || special > r.hi) continue;
                if (special > lo) plain.push_back({lo, special - 1});
                alts.push_back(literal(special));
                lo = special + 1;
            }
            if (lo > r.hi) continue;
            // Surrogates are not characters: cut them out of the class.
            if (lo < 0xD800 && r.hi >= 0xD800) plain.push_back({lo, 0xD7FF});
            if (r.hi > 0xDFFF) plain.push_back({std::max<uint32_t>(lo, 0xE000), r.hi});
            if (r.hi < 0xD800) plain.push_back({lo, r.hi});
        }
        if (!plain.empty()) alts.insert(alts.begin(), gbnf_class(plain));
        if (alts.empty()) throw Unsupported{"a class that matches nothing"};
        if (alts.size() == 1) return alts[0];
        std::string body;
        for (size_t i = 0; i < alts.size(); ++i) body += (i ? " | " : "") + alts[i];
        return m_rules.add("pattern-class", body);
    }

    uint32_t hex(int digits) {
        uint32_t v = 0;
        for (int i = 0; i < digits; ++i) {
            const uint32_t c = peek();
            const int h = c >= '0' && c <= '9'   ? int(c - '0')
                          : c >= 'a' && c <= 'f' ? int(c - 'a' + 10)
                          : c >= 'A' && c <= 'F' ? int(c - 'A' + 10)
                                                 : -1;
            if (h < 0) throw Unsupported{"a malformed \\x or \\u escape"};
            v = v * 16 + uint32_t(h);
            ++m_pos;
        }
        return v;
    }

    // After a backslash: a class (\d ...) into `ranges`, or one character.
    void escape(std::vector<CpRange> & ranges, bool in_class) {
        if (at_end()) throw Unsupported{"a trailing backslash"};
        const uint32_t c = m_cps[m_pos++];
        auto add = [&](std::vector<CpRange> r, bool negate) {
            normalize_ranges(r);
            if (negate) r = complement_ranges(r);
            ranges.insert(ranges.end(), r.begin(), r.end());
        };
        auto one = [&](uint32_t cp) { ranges.push_back({cp, cp}); };
        switch (c) {
            case 'd':
                return add(digit_ranges(), false);
            case 'D':
                return add(digit_ranges(), true);
            case 'w':
                return add(word_ranges(), false);
            case 'W':
                return add(word_ranges(), true);
            case 's':
                return add(space_ranges(), false);
            case 'S':
                return add(space_ranges(), true);
            case 't':
                return one('\t');
            case 'n':
                return one('\n');
            case 'r':
                return one('\r');
            case 'f':
                return one('\f');
            case 'v':
                return one('\v');
            case '0':
                return one(0);
            case 'x':
                return one(hex(2));
            case 'u': {
                const uint32_t cp = hex(4);
                if (cp >= 0xD800 && cp <= 0xDFFF) throw Unsupported{"surrogate escapes"};
                return one(cp);
            }
            case 'b':
                if (in_class) return one('\b');
                throw Unsupported{"\\b (word boundaries)"};
            default:
                break;
        }
        const bool letter_or_digit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (letter_or_digit) throw Unsupported{"the escape \\" + std::string(1, char(c))};
        one(c);  // an escaped punctuation character stands for itself
    }

    std::string char_class() {
        ++m_pos;  // '['
        bool negate = false;
        if (peek() == '^') {
            negate = true;
            ++m_pos;
        }
        std::vector<CpRange> ranges;
        while (!at_end() && peek() != ']') {
            std::vector<CpRange> item;
            if (peek() == '\\') {
                ++m_pos;
                escape(item, true);
            } else {
                item.push_back({peek(), peek()});
                ++m_pos;
            }
            const bool single = item.size() == 1 && item[0].lo == item[0].hi;
            if (single && peek() == '-' && m_pos + 1 < m_end && m_cps[m_pos + 1] != ']') {
                ++m_pos;
                std::vector<CpRange> upper;
                if (peek() == '\\') {
                    ++m_pos;
                    escape(upper, true);
                } else {
                    upper.push_back({peek(), peek()});
                    ++m_pos;
                }
                if (upper.size() != 1 || upper[0].lo != upper[0].hi || upper[0].lo < item[0].lo)
                    throw Unsupported{"a malformed class range"};
                item[0].hi = upper[0].lo;
            }
            ranges.insert(ranges.end(), item.begin(), item.end());
        }
        if (at_end()) throw Unsupported{"an unterminated class"};
        ++m_pos;  // ']'
        normalize_ranges(ranges);
        if (negate) ranges = complement_ranges(ranges);
        return char_set(ranges);
    }

    std::string atom(int depth) {
        const uint32_t c = peek();
        if (c == '(') {
            ++m_pos;
            if (peek() == '?') {
                const uint32_t k = m_pos + 1 < m_end ? m_cps[m_pos + 1] : 0;
                const uint32_t k2 = m_pos + 2 < m_end ? m_cps[m_pos + 2] : 0;
                if (k == ':') {
                    m_pos += 2;
                } else if (k == '<' && k2 != '=' && k2 != '!') {
                    while (!at_end() && peek() != '>') ++m_pos;  // a named group: the name does not matter
                    ++m_pos;
                } else {
                    throw Unsupported{"lookaround and inline flags"};
                }
            }
            std::string inner = alternation(depth + 1);
            if (at_end() || peek() != ')') throw Unsupported{"an unclosed group"};
            ++m_pos;
            return "( " + inner + " )";
        }
        if (c == '[') return char_class();
        if (c == '.') {
            ++m_pos;
            return char_set(complement_ranges({{'\n', '\n'}, {'\r', '\r'}, {0x2028, 0x2029}}));
        }
        if (c == '\\') {
            ++m_pos;
            std::vector<CpRange> r;
            escape(r, false);
            if (r.size() == 1 && r[0].lo == r[0].hi) return literal(r[0].lo);
            return char_set(r);
        }
        if (c == '^' || c == '$') throw Unsupported{"anchors inside the pattern"};
        if (c == '*' || c == '+' || c == '?') throw Unsupported{"a quantifier with nothing to repeat"};
        ++m_pos;
        return literal(c);
    }

    bool read_count(uint32_t & out) {
        uint64_t v = 0;
        const size_t begin = m_pos;
        while (!at_end() && peek() >= '0' && peek() <= '9') {
            v = v * 10 + (peek() - '0');
            if (v > k_max_pattern_count) throw Unsupported{"repetition counts above 1000"};
            ++m_pos;
        }
        out = uint32_t(v);
        return m_pos > begin;
    }

    std::string quantifier() {
        if (at_end()) return {};
        std::string q;
        const uint32_t c = peek();
        if (c == '*' || c == '+' || c == '?') {
            ++m_pos;
            q = std::string(1, char(c));
        } else if (c == '{') {
            const size_t save = m_pos;
            ++m_pos;
            uint32_t lo = 0, hi = 0;
            bool ok = read_count(lo);
            bool open = false;
            if (ok && peek() == ',') {
                ++m_pos;
                open = !read_count(hi);
            } else {
                hi = lo;
            }
            if (!ok || peek() != '}') {  // not a quantifier: ECMAScript reads '{' literally
                m_pos = save;
                return {};
            }
            ++m_pos;
            if (!open && hi < lo) throw Unsupported{"a repetition whose maximum is below its minimum"};
            q = "{" + std::to_string(lo) + (open ? "," : hi == lo ? "" : "," + std::to_string(hi)) + "}";
        } else {
            return {};
        }
        if (!at_end() && peek() == '?') ++m_pos;  // lazy: the same language
        return q;
    }

    RuleSet & m_rules;
    std::vector<uint32_t> m_cps;
    size_t m_pos = 0;
    size_t m_end = 0;
};

}  // namespace

std::optional<std::string> pattern_gbnf(std::string_view pattern, RuleSet & rules, std::string & why) {
    try {
        return PatternParser(pattern, rules).run();
    } catch (const Unsupported & u) {
        why = u.why;
        return std::nullopt;
    }
}

}  // namespace hearth::grammar_detail
