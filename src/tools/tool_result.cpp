#include "tools/tool_result.h"

namespace Hearth::Tools {

using nlohmann::json;

json textResult(const std::string & text, json structured) {
    json r = {{"content", json::array({{{"type", "text"}, {"text", text}}})}, {"isError", false}};
    if (!structured.is_null()) r["structuredContent"] = std::move(structured);
    return r;
}

json errorResult(const std::string & message) {
    return {{"content", json::array({{{"type", "text"}, {"text", message}}})}, {"isError", true}};
}

std::optional<std::string> stringArgument(const json & arguments, const char * key, std::string & error) {
    const auto it = arguments.is_object() ? arguments.find(key) : arguments.end();
    if (!arguments.is_object() || it == arguments.end()) {
        error = std::string("the argument `") + key + "` is missing";
        return std::nullopt;
    }
    if (!it->is_string()) {
        error = std::string("the argument `") + key + "` must be a string";
        return std::nullopt;
    }
    return it->get<std::string>();
}

namespace {

// Length of the valid UTF-8 sequence at the start of `s`, or 0.
size_t utf8Sequence(std::string_view s) {
    const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char c = b(0);
    if (c < 0x80) return 1;
    // The lead byte gives the length, the smallest code point that length may carry, and the top bits.
    struct Lead {
        unsigned char mask, value;
        size_t n;
        unsigned min;
    };
    static constexpr Lead kLeads[] = {{0xE0, 0xC0, 2, 0x80}, {0xF0, 0xE0, 3, 0x800}, {0xF8, 0xF0, 4, 0x10000}};
    size_t n = 0;
    unsigned min = 0;
    unsigned cp = 0;
    for (const Lead & l : kLeads) {
        if ((c & l.mask) != l.value) continue;
        n = l.n;
        min = l.min;
        cp = c & static_cast<unsigned char>(~l.mask);
        break;
    }
    if (!n) return 0;
    if (s.size() < n) return 0;
    for (size_t i = 1; i < n; ++i) {
        if ((b(i) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(i) & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

}  // namespace

bool isText(std::string_view text) {
    while (!text.empty()) {
        if (text.front() == '\0') return false;
        const size_t n = utf8Sequence(text);
        if (!n) return false;
        text.remove_prefix(n);
    }
    return true;
}

std::string sanitizeUtf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const size_t n = utf8Sequence(text);
        if (n) {
            out.append(text.substr(0, n));
            text.remove_prefix(n);
        } else {
            out.append("\xEF\xBF\xBD");
            text.remove_prefix(1);
        }
    }
    return out;
}

}  // namespace Hearth::Tools
