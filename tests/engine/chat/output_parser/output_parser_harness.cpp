#include "output_parser_harness.h"

#include <random>

namespace output_parser_test {

namespace {

std::string quoted(const std::string & s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '\n') {
            out += "\\n";
        } else if (c < 0x20) {
            out += "\\x" + std::to_string(c);
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string describe_pieces(const std::vector<std::string> & pieces) {
    std::string out = "[";
    for (const std::string & p : pieces) {
        out += quoted(p) + " ";
    }
    return out + "]";
}

std::size_t utf8_sequence_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    if ((lead & 0xF8) == 0xF0) return 4;
    return 0;
}

std::string check_pieces(const std::vector<std::string> & pieces, const hearth::OutputParserConfig & config,
                         const hearth::ParsedOutput & expected, bool check_utf8) {
    std::string problem;
    hearth::ParsedOutput got = feed_pieces(pieces, config, check_utf8, problem);
    if (!problem.empty()) {
        return problem + " for pieces " + describe_pieces(pieces);
    }
    if (!same(got, expected)) {
        return "pieces " + describe_pieces(pieces) + " gave " + describe(got) + " expected " + describe(expected);
    }
    return {};
}

}  // namespace

bool utf8_valid(const std::string & s) {
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = utf8_sequence_length(static_cast<unsigned char>(s[i]));
        if (n == 0 || i + n > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
                return false;
            }
        }
        i += n;
    }
    return true;
}

std::string describe(const hearth::ParsedOutput & out) {
    std::string s = "{reasoning=" + quoted(out.reasoning) + " content=" + quoted(out.content) + " calls=[";
    for (const hearth::ToolCall & c : out.tool_calls) {
        s += "(" + c.id + " " + c.name + " " + c.arguments + ")";
    }
    s += "] unterminated=" + std::to_string(out.reasoning_unterminated) +
         " parse_error=" + std::to_string(out.tool_call_parse_error) + "}";
    return s;
}

bool same(const hearth::ParsedOutput & a, const hearth::ParsedOutput & b) {
    if (a.reasoning != b.reasoning || a.content != b.content || a.tool_calls.size() != b.tool_calls.size() ||
        a.reasoning_unterminated != b.reasoning_unterminated || a.tool_call_parse_error != b.tool_call_parse_error) {
        return false;
    }
    for (std::size_t i = 0; i < a.tool_calls.size(); ++i) {
        const hearth::ToolCall & x = a.tool_calls[i];
        const hearth::ToolCall & y = b.tool_calls[i];
        if (x.id != y.id || x.name != y.name || x.arguments != y.arguments) {
            return false;
        }
    }
    return true;
}

hearth::ParsedOutput feed_pieces(const std::vector<std::string> & pieces, const hearth::OutputParserConfig & config,
                                 bool check_utf8, std::string & problem) {
    hearth::OutputParser parser(config);
    hearth::ParsedOutput sum;
    auto add = [&](const hearth::OutputDelta & d) {
        // A delta may only end inside a UTF-8 sequence if the input itself is broken there.
        for (const std::string * part : {&d.content, &d.reasoning}) {
            if (check_utf8 && !part->empty() && !utf8_valid(*part) && problem.empty()) {
                problem = "delta " + quoted(*part) + " is not whole UTF-8";
            }
        }
        sum.reasoning += d.reasoning;
        sum.content += d.content;
        sum.tool_calls.insert(sum.tool_calls.end(), d.tool_calls.begin(), d.tool_calls.end());
    };
    for (const std::string & p : pieces) {
        add(parser.feed(p));
    }
    add(parser.finish());
    add(parser.feed("ignored after finish"));
    sum.reasoning_unterminated = parser.result().reasoning_unterminated;
    sum.tool_call_parse_error = parser.result().tool_call_parse_error;
    if (!same(sum, parser.result()) && problem.empty()) {
        problem = "result() " + describe(parser.result()) + " differs from the deltas " + describe(sum);
    }
    return sum;
}

std::string check_all_splits(const std::string & text, const hearth::OutputParserConfig & config,
                             const hearth::ParsedOutput & expected) {
    hearth::ParsedOutput whole = hearth::parse_output(text, config);
    const bool check_utf8 = utf8_valid(text);
    if (!same(whole, expected)) {
        return "parse_output gave " + describe(whole) + " expected " + describe(expected);
    }
    for (std::size_t k = 0; k <= text.size(); ++k) {
        std::string err = check_pieces({text.substr(0, k), text.substr(k)}, config, expected, check_utf8);
        if (!err.empty()) {
            return err;
        }
    }
    std::vector<std::string> bytes;
    for (char c : text) {
        bytes.emplace_back(1, c);
    }
    if (std::string err = check_pieces(bytes, config, expected, check_utf8); !err.empty()) {
        return err;
    }
    for (uint32_t seed = 1; seed <= 40; ++seed) {
        std::mt19937 rng(seed);
        std::uniform_int_distribution<std::size_t> size(0, 7);
        std::vector<std::string> pieces;
        for (std::size_t pos = 0; pos < text.size();) {
            std::size_t n = size(rng);  // 0: an empty piece, which must be harmless
            pieces.push_back(text.substr(pos, n));
            pos += n;
        }
        if (std::string err = check_pieces(pieces, config, expected, check_utf8); !err.empty()) {
            return err;
        }
    }
    return {};
}

}  // namespace output_parser_test
