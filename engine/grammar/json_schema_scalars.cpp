// Numbers within bounds and string formats, as GBNF.
//
// An integer range is cut by digit count, and each same-length range [x, y]
// into a common prefix and at most three parts (x's first digit followed by
// anything >= the rest of x, a middle digit range followed by any digits, y's
// first digit followed by anything <= the rest of y), so the grammar grows
// with the square of the digit count, never with the size of the range.
#include <algorithm>

#include "grammar/json_schema_compiler.h"

namespace hearth::grammar_detail {

namespace {

constexpr uint64_t k_open_magnitude = 9999999999999999ull;  // 16 digits, as json-int

std::string join(const std::vector<std::string> & alts) {
    if (alts.empty()) return {};
    if (alts.size() == 1) return alts[0];
    std::string out = "(";
    for (size_t i = 0; i < alts.size(); ++i) out += (i ? " | " : " ") + alts[i];
    return out + " )";
}

std::string digit_class(char a, char b) {
    if (a == b) return std::string("\"") + a + "\"";
    return std::string("[") + a + "-" + b + "]";
}

// Digit strings s of x's length with x <= s <= y.
std::string same_length(const std::string & x, const std::string & y) {
    if (x == y) return gbnf_literal(x);
    size_t i = 0;
    while (x[i] == y[i]) ++i;
    const std::string prefix = x.substr(0, i);
    const std::string xs = x.substr(i), ys = y.substr(i);
    const size_t rest = xs.size() - 1;
    std::string body;
    if (rest == 0) {
        body = digit_class(xs[0], ys[0]);
    } else {
        const bool x_zero = std::all_of(xs.begin() + 1, xs.end(), [](char c) { return c == '0'; });
        const bool y_nine = std::all_of(ys.begin() + 1, ys.end(), [](char c) { return c == '9'; });
        const char lo = char(xs[0] + (x_zero ? 0 : 1)), hi = char(ys[0] - (y_nine ? 0 : 1));
        std::vector<std::string> alts;
        if (!x_zero)
            alts.push_back(gbnf_literal(xs.substr(0, 1)) + " " + same_length(xs.substr(1), std::string(rest, '9')));
        if (lo <= hi) alts.push_back(digit_class(lo, hi) + " [0-9]{" + std::to_string(rest) + "}");
        if (!y_nine)
            alts.push_back(gbnf_literal(ys.substr(0, 1)) + " " + same_length(std::string(rest, '0'), ys.substr(1)));
        body = join(alts);
    }
    return prefix.empty() ? body : gbnf_literal(prefix) + " " + body;
}

uint64_t pow10(size_t n) {
    uint64_t p = 1;
    for (size_t i = 0; i < n; ++i) p *= 10;
    return p;
}

// Canonical decimal integers in [a, b]; b absent: up to 16 digits (or a's).
std::string unsigned_range(uint64_t a, std::optional<uint64_t> b_opt) {
    const uint64_t b = b_opt ? *b_opt : std::max(a, k_open_magnitude);
    if (a > b) return {};
    const size_t la = std::to_string(a).size(), lb = std::to_string(b).size();
    std::vector<std::string> alts;
    for (size_t len = la; len <= lb; ++len) {
        const uint64_t x = len == la ? a : pow10(len - 1);
        const uint64_t y = len == lb ? b : pow10(len) - 1;
        alts.push_back(same_length(std::to_string(x), std::to_string(y)));
    }
    return join(alts);
}

uint64_t magnitude(int64_t v) {
    return v < 0 ? uint64_t(-(v + 1)) + 1 : uint64_t(v);
}

struct Magnitude {
    uint64_t value;
    bool exclusive;
};

// Unsigned decimals d (integer part, optional fraction) with lo <(=) d <(=) hi.
std::string magnitude_range(Magnitude lo, std::optional<Magnitude> hi) {
    const std::string frac = "( \".\" [0-9]{1,16} )?";
    std::vector<std::string> alts;
    if (hi && (hi->value < lo.value || (hi->value == lo.value && (lo.exclusive || hi->exclusive)))) return {};
    if (lo.exclusive && (!hi || lo.value < hi->value))  // lo < d < lo + 1
        alts.push_back(gbnf_literal(std::to_string(lo.value)) + " \".\" [0-9]{0,15} [1-9]");
    const uint64_t k_min = lo.value + (lo.exclusive ? 1 : 0);
    if (!hi) {
        alts.push_back(unsigned_range(k_min, std::nullopt) + " " + frac);
    } else {
        if (hi->value >= 1 && k_min <= hi->value - 1) alts.push_back(unsigned_range(k_min, hi->value - 1) + " " + frac);
        if (!hi->exclusive && hi->value >= k_min) alts.push_back(gbnf_literal(std::to_string(hi->value)));
    }
    return join(alts);
}

}  // namespace

std::string integer_range_gbnf(std::optional<int64_t> lo, std::optional<int64_t> hi) {
    std::vector<std::string> alts;
    if (!hi || *hi >= 0) {
        const uint64_t a = lo && *lo > 0 ? uint64_t(*lo) : 0;
        std::optional<uint64_t> b;
        if (hi) b = uint64_t(*hi);
        alts.push_back(unsigned_range(a, b));
    }
    if (!lo || *lo < 0) {
        const uint64_t a = hi && *hi < 0 ? magnitude(*hi) : 1;
        std::optional<uint64_t> b;
        if (lo) b = magnitude(*lo);
        alts.push_back("\"-\" " + unsigned_range(a, b));
    }
    return join(alts);
}

std::string number_range_gbnf(std::optional<NumberBound> lo, std::optional<NumberBound> hi) {
    std::vector<std::string> alts;
    // x >= 0
    if (!hi || hi->value > 0 || (hi->value == 0 && !hi->exclusive)) {
        Magnitude mlo{0, false};
        if (lo && lo->value >= 0) mlo = {uint64_t(lo->value), lo->exclusive};
        std::optional<Magnitude> mhi;
        if (hi) mhi = Magnitude{uint64_t(hi->value), hi->exclusive};
        if (std::string m = magnitude_range(mlo, mhi); !m.empty()) alts.push_back(m);
    }
    // x < 0, written as "-" and its magnitude
    if (!lo || lo->value < 0) {
        Magnitude mlo{0, true};
        if (hi && hi->value < 0) mlo = {magnitude(hi->value), hi->exclusive};
        std::optional<Magnitude> mhi;
        if (lo) mhi = Magnitude{magnitude(lo->value), lo->exclusive};
        if (std::string m = magnitude_range(mlo, mhi); !m.empty()) alts.push_back("\"-\" " + m);
    }
    return join(alts);
}

std::string format_gbnf(const std::string & format, RuleSet & rules) {
    static const std::vector<std::pair<const char *, const char *>> formats = {
        {"date",
         R"([0-9]{4} "-" ( ( "0" [13578] | "1" [02] ) "-" ( "0" [1-9] | [12] [0-9] | "3" [01] ) | ( "0" [469] | "11" ) "-" ( "0" [1-9] | [12] [0-9] | "30" ) | "02-" ( "0" [1-9] | "1" [0-9] | "2" [0-8] ) ))"},
        // Without an offset: what zod's time() and ajv-formats' "time" both accept.
        {"time", R"(( [01] [0-9] | "2" [0-3] ) ":" [0-5] [0-9] ":" [0-5] [0-9] ( "." [0-9]{1,3} )?)"},
        // RFC 9562 version and variant nibbles, which the strictest validators check.
        {"uuid", R"([0-9a-f]{8} "-" [0-9a-f]{4} "-" [1-8] [0-9a-f]{3} "-" [89ab] [0-9a-f]{3} "-" [0-9a-f]{12})"},
        {"email",
         R"([a-z0-9]+ ( [._-] [a-z0-9]+ )* "@" [a-z0-9]+ ( "-" [a-z0-9]+ )* ( "." [a-z0-9]+ ( "-" [a-z0-9]+ )* )* "." [a-z]{2,6})"},
    };
    if (format == "date-time")
        return rules.add("format-date-time",
                         format_gbnf("date", rules) + " \"T\" " + format_gbnf("time", rules) + " \"Z\"");
    if (format == "ipv4") {
        const std::string o =
            rules.add("format-octet", R"("25" [0-5] | "2" [0-4] [0-9] | "1" [0-9] [0-9] | [1-9] [0-9] | [0-9])");
        return rules.add("format-ipv4", o + " \".\" " + o + " \".\" " + o + " \".\" " + o);
    }
    for (const auto & [name, body] : formats)
        if (format == name) return rules.add(std::string("format-") + name, body);
    return {};
}

}  // namespace hearth::grammar_detail
