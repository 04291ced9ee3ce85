#include "grammar/gbnf_parser.h"

#include <algorithm>

#include "hearth/error.h"

namespace hearth::grammar_detail {

void normalize_ranges(std::vector<CpRange> & ranges) {
    std::sort(ranges.begin(), ranges.end(), [](const CpRange & a, const CpRange & b) { return a.lo < b.lo; });
    size_t out = 0;
    for (const CpRange & r : ranges) {
        if (out > 0 && r.lo <= ranges[out - 1].hi + 1) {
            ranges[out - 1].hi = std::max(ranges[out - 1].hi, r.hi);
        } else {
            ranges[out++] = r;
        }
    }
    ranges.resize(out);
}

std::vector<CpRange> complement_ranges(const std::vector<CpRange> & ranges) {
    std::vector<CpRange> out;
    uint32_t next = 0;
    for (const CpRange & r : ranges) {
        if (r.lo > next) out.push_back({next, r.lo - 1});
        next = r.hi + 1;
    }
    if (next <= k_max_code_point) out.push_back({next, k_max_code_point});
    return out;
}

namespace {

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

class Parser {
public:
    explicit Parser(std::string_view src) : m_src(src) {}

    CpGrammar run() {
        if (m_src.size() > k_max_gbnf_bytes)
            throw Error(ErrorCode_format,
                        "grammar: the text is larger than " + std::to_string(k_max_gbnf_bytes >> 20) + " MiB");
        skip_space(true);
        while (!eof()) {
            parse_rule();
            skip_space(true);
        }
        return std::move(m_g);
    }

private:
    [[noreturn]] void fail(const std::string & what) const {
        size_t line = 1, col = 1;
        for (size_t i = 0; i < m_pos && i < m_src.size(); ++i) {
            if (m_src[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        throw Error(ErrorCode_format,
                    "grammar: " + what + " at line " + std::to_string(line) + ", column " + std::to_string(col));
    }

    bool eof() const { return m_pos >= m_src.size(); }
    char peek(size_t ahead = 0) const { return m_pos + ahead < m_src.size() ? m_src[m_pos + ahead] : '\0'; }

    // Spaces, tabs and comments; newlines too where a rule may continue.
    void skip_space(bool newlines) {
        while (!eof()) {
            const char c = peek();
            if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
                ++m_pos;
            } else if (c == '#') {
                while (!eof() && peek() != '\n') ++m_pos;
            } else {
                break;
            }
        }
    }

    uint32_t rule_id(const std::string & name) {
        auto it = m_g.index.find(name);
        if (it != m_g.index.end()) return it->second;
        if (m_g.rules.size() >= k_max_rules)
            fail("the grammar has more than " + std::to_string(k_max_rules) + " rules");
        const auto id = uint32_t(m_g.rules.size());
        m_g.rules.push_back({name, {}, false});
        m_g.index.emplace(name, id);
        return id;
    }

    uint32_t new_rule(const std::string & base) {
        for (;;) {
            // '~' cannot appear in a written name, so generated rules never clash.
            const std::string name = base + "~" + std::to_string(++m_generated);
            if (!m_g.index.count(name)) {
                const uint32_t id = rule_id(name);
                m_g.rules[id].defined = true;
                return id;
            }
        }
    }

    std::string parse_name() {
        const size_t begin = m_pos;
        while (!eof() && is_name_char(peek())) ++m_pos;
        if (m_pos == begin) fail("expected a rule name");
        return std::string(m_src.substr(begin, m_pos - begin));
    }

    void parse_rule() {
        const std::string name = parse_name();
        skip_space(false);
        if (m_src.substr(m_pos, 3) != "::=") fail("expected '::=' after '" + name + "'");
        m_pos += 3;
        skip_space(true);
        const uint32_t id = rule_id(name);
        if (m_g.rules[id].defined) fail("rule '" + name + "' is defined twice");
        m_g.rules[id].defined = true;
        m_current = name;
        parse_alternatives(id, false);
        if (!eof() && peek() != '\n') fail("unexpected '" + std::string(1, peek()) + "'");
    }

    void parse_alternatives(uint32_t rule, bool nested) {
        for (;;) {
            std::vector<CpSym> seq = parse_sequence(nested);
            m_g.rules[rule].alts.push_back(std::move(seq));
            if (peek() != '|') return;
            ++m_pos;
            skip_space(true);
        }
    }

    void count(size_t n) {
        m_symbols += n;
        if (m_symbols > k_max_symbols) fail("the grammar has more than " + std::to_string(k_max_symbols) + " symbols");
    }

    std::vector<CpSym> parse_sequence(bool nested) {
        std::vector<CpSym> seq;
        size_t last = std::string::npos;  // where the last item began, for a repetition
        for (;;) {
            skip_space(nested);
            const char c = peek();
            if (c == '"') {
                last = seq.size();
                ++m_pos;
                while (peek() != '"') {
                    if (eof() || peek() == '\n') fail("unterminated literal");
                    const uint32_t cp = parse_char();
                    seq.push_back({false, 0, {{cp, cp}}});
                }
                ++m_pos;
                if (last == seq.size()) last = std::string::npos;  // "" repeats nothing
            } else if (c == '[') {
                last = seq.size();
                seq.push_back(parse_class());
            } else if (c == '.') {
                ++m_pos;
                last = seq.size();
                seq.push_back({false, 0, {{0, k_max_code_point}}});
            } else if (c == '(') {
                if (++m_depth > k_max_group_depth)
                    fail("parentheses nest deeper than " + std::to_string(k_max_group_depth));
                ++m_pos;
                skip_space(true);
                const uint32_t sub = new_rule(m_current);
                parse_alternatives(sub, true);
                if (peek() != ')') fail("expected ')'");
                ++m_pos;
                --m_depth;
                last = seq.size();
                seq.push_back({true, sub, {}});
            } else if (is_name_char(c)) {
                const size_t save = m_pos;
                const std::string name = parse_name();
                skip_space(false);
                if (m_src.substr(m_pos, 3) == "::=") {  // the next rule starts: a missing newline
                    m_pos = save;
                    fail("expected a newline before rule '" + name + "'");
                }
                m_pos = save + name.size();
                last = seq.size();
                seq.push_back({true, rule_id(name), {}});
            } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                if (last == std::string::npos) fail("'" + std::string(1, c) + "' repeats nothing");
                parse_repetition(seq, last);
                last = std::string::npos;
            } else {
                break;
            }
            count(1);
        }
        return seq;
    }

    uint32_t parse_count() {
        uint64_t n = 0;
        const size_t begin = m_pos;
        while (peek() >= '0' && peek() <= '9') {
            n = n * 10 + uint64_t(peek() - '0');
            if (n > k_max_repeat) fail("a repetition count above " + std::to_string(k_max_repeat));
            ++m_pos;
        }
        if (m_pos == begin) fail("expected a number");
        return uint32_t(n);
    }

    void parse_repetition(std::vector<CpSym> & seq, size_t last) {
        const char c = peek();
        ++m_pos;
        uint32_t min = 0;
        int64_t max = -1;  // -1: unbounded
        if (c == '+') {
            min = 1;
        } else if (c == '?') {
            max = 1;
        } else if (c == '{') {
            skip_space(false);
            if (peek() != ',') min = parse_count();
            skip_space(false);
            if (peek() == '}') {
                max = min;
            } else {
                if (peek() != ',') fail("expected ',' or '}'");
                ++m_pos;
                skip_space(false);
                if (peek() != '}') max = parse_count();
            }
            skip_space(false);
            if (peek() != '}') fail("expected '}'");
            ++m_pos;
            if (max >= 0 && max < int64_t(min)) fail("a repetition whose maximum is below its minimum");
        }
        expand_repetition(seq, last, min, max);
    }

    void expand_repetition(std::vector<CpSym> & seq, size_t last, uint32_t min, int64_t max) {
        CpSym item;
        if (seq.size() - last == 1) {
            item = std::move(seq[last]);
        } else {
            const uint32_t r = new_rule(m_current);
            m_g.rules[r].alts.emplace_back(std::make_move_iterator(seq.begin() + long(last)),
                                           std::make_move_iterator(seq.end()));
            item = {true, r, {}};
        }
        seq.resize(last);
        count(size_t(min) + (max > 0 ? size_t(max) : 1) * 2);
        for (uint32_t i = 0; i < min; ++i) seq.push_back(item);
        if (max < 0) {
            const uint32_t star = new_rule(m_current);
            m_g.rules[star].alts.push_back({item, {true, star, {}}});
            m_g.rules[star].alts.emplace_back();
            seq.push_back({true, star, {}});
            return;
        }
        // C_k ::= X C_{k-1} | ""  with C_1 ::= X | "": up to k more items, each a tail call.
        uint32_t prev = 0;
        for (int64_t k = 1; k <= max - int64_t(min); ++k) {
            const uint32_t ck = new_rule(m_current);
            std::vector<CpSym> alt = {item};
            if (k > 1) alt.push_back({true, prev, {}});
            m_g.rules[ck].alts.push_back(std::move(alt));
            m_g.rules[ck].alts.emplace_back();
            prev = ck;
        }
        if (max > int64_t(min)) seq.push_back({true, prev, {}});
    }

    uint32_t parse_hex(int digits) {
        uint32_t v = 0;
        for (int i = 0; i < digits; ++i) {
            const int h = hex_value(peek());
            if (h < 0) fail("expected " + std::to_string(digits) + " hex digits");
            v = v * 16 + uint32_t(h);
            ++m_pos;
        }
        return v;
    }

    uint32_t check_cp(uint32_t cp) {
        if (cp > k_max_code_point || (cp >= 0xD800 && cp <= 0xDFFF)) fail("an invalid code point");
        return cp;
    }

    // One character of a literal or class: an escape, or a UTF-8 sequence.
    uint32_t parse_char() {
        const auto c = uint8_t(peek());
        if (c == '\\') {
            ++m_pos;
            const char e = peek();
            ++m_pos;
            switch (e) {
                case 'n':
                    return '\n';
                case 'r':
                    return '\r';
                case 't':
                    return '\t';
                case '0':
                    return 0;
                case 'x':
                    return check_cp(parse_hex(2));
                case 'u':
                    return check_cp(parse_hex(4));
                case 'U':
                    return check_cp(parse_hex(8));
                case '\\':
                case '"':
                case '[':
                case ']':
                case '-':
                case '^':
                case '/':
                case '.':
                case '(':
                case ')':
                case '|':
                case '*':
                case '+':
                case '?':
                case '{':
                case '}':
                    return uint8_t(e);
                default:
                    --m_pos;
                    fail("unknown escape '\\" + std::string(1, e) + "'");
            }
        }
        const int n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || m_pos + size_t(n) > m_src.size()) fail("invalid UTF-8");
        uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
        for (int i = 1; i < n; ++i) {
            const auto b = uint8_t(m_src[m_pos + size_t(i)]);
            if ((b & 0xC0) != 0x80) fail("invalid UTF-8");
            cp = (cp << 6) | (b & 0x3Fu);
        }
        m_pos += size_t(n);
        return check_cp(cp);
    }

    CpSym parse_class() {
        ++m_pos;  // '['
        bool negated = false;
        if (peek() == '^') {
            negated = true;
            ++m_pos;
        }
        std::vector<CpRange> ranges;
        while (peek() != ']') {
            if (eof() || peek() == '\n') fail("unterminated character class");
            const uint32_t lo = parse_char();
            uint32_t hi = lo;
            if (peek() == '-' && peek(1) != ']' && m_pos + 1 < m_src.size()) {
                ++m_pos;
                hi = parse_char();
                if (hi < lo) fail("a class range whose end is below its start");
            }
            ranges.push_back({lo, hi});
            count(1);
        }
        ++m_pos;
        normalize_ranges(ranges);
        if (negated) ranges = complement_ranges(ranges);
        if (ranges.empty()) fail("a character class that matches nothing");
        return {false, 0, std::move(ranges)};
    }

    std::string_view m_src;
    size_t m_pos = 0;
    int m_depth = 0;
    size_t m_symbols = 0;
    int m_generated = 0;
    std::string m_current;
    CpGrammar m_g;
};

}  // namespace

CpGrammar parse_gbnf(std::string_view src) {
    return Parser(src).run();
}

}  // namespace hearth::grammar_detail
