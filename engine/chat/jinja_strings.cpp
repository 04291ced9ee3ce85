#include "chat/jinja_strings.h"

#include <cctype>

#include "chat/jinja_error.h"
#include "chat/jinja_value.h"

namespace hearth::jinja {

bool is_py_space(uint32_t cp) {
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x1f) || cp == 0x85 || cp == 0xa0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
           cp == 0x205f || cp == 0x3000;
}

namespace {

std::string encode(const std::vector<uint32_t> & cps, size_t begin, size_t end) {
    std::string out;
    for (size_t i = begin; i < end; ++i) append_utf8(out, cps[i]);
    return out;
}

}  // namespace

std::string py_strip(std::string_view s, const std::string * chars, bool left, bool right) {
    std::vector<uint32_t> cps = decode_utf8(s);
    std::vector<uint32_t> set;
    if (chars) set = decode_utf8(*chars);
    auto strip_me = [&](uint32_t cp) {
        if (!chars) return is_py_space(cp);
        for (uint32_t c : set)
            if (c == cp) return true;
        return false;
    };
    size_t b = 0, e = cps.size();
    if (left)
        while (b < e && strip_me(cps[b])) ++b;
    if (right)
        while (e > b && strip_me(cps[e - 1])) --e;
    return encode(cps, b, e);
}

std::vector<std::string> py_split(std::string_view s, const std::string * sep, int64_t maxsplit) {
    std::vector<std::string> out;
    if (sep) {
        if (sep->empty()) fail("ValueError", "empty separator");
        size_t pos = 0;
        while (maxsplit < 0 || static_cast<int64_t>(out.size()) < maxsplit) {
            size_t hit = s.find(*sep, pos);
            if (hit == std::string_view::npos) break;
            out.emplace_back(s.substr(pos, hit - pos));
            pos = hit + sep->size();
        }
        out.emplace_back(s.substr(pos));
        return out;
    }
    std::vector<uint32_t> cps = decode_utf8(s);
    size_t i = 0, n = cps.size();
    for (;;) {
        while (i < n && is_py_space(cps[i])) ++i;
        if (i >= n) break;
        if (maxsplit >= 0 && static_cast<int64_t>(out.size()) >= maxsplit) {
            size_t e = n;
            while (e > i && is_py_space(cps[e - 1])) --e;
            out.push_back(encode(cps, i, e));
            break;
        }
        size_t j = i;
        while (j < n && !is_py_space(cps[j])) ++j;
        out.push_back(encode(cps, i, j));
        i = j;
    }
    return out;
}

std::vector<std::string> py_rsplit(std::string_view s, const std::string * sep, int64_t maxsplit) {
    if (maxsplit < 0) return py_split(s, sep, maxsplit);
    std::vector<std::string> out;
    if (sep) {
        if (sep->empty()) fail("ValueError", "empty separator");
        size_t end = s.size();
        while (static_cast<int64_t>(out.size()) < maxsplit) {
            if (end < sep->size()) break;
            size_t hit = s.rfind(*sep, end - sep->size());
            if (hit == std::string_view::npos) break;
            out.insert(out.begin(), std::string(s.substr(hit + sep->size(), end - hit - sep->size())));
            end = hit;
        }
        out.insert(out.begin(), std::string(s.substr(0, end)));
        return out;
    }
    std::vector<uint32_t> cps = decode_utf8(s);
    size_t e = cps.size();
    for (;;) {
        while (e > 0 && is_py_space(cps[e - 1])) --e;
        if (e == 0) break;
        if (static_cast<int64_t>(out.size()) >= maxsplit) {
            size_t b = 0;
            while (b < e && is_py_space(cps[b])) ++b;
            out.insert(out.begin(), encode(cps, b, e));
            break;
        }
        size_t b = e;
        while (b > 0 && !is_py_space(cps[b - 1])) --b;
        out.insert(out.begin(), encode(cps, b, e));
        e = b;
    }
    return out;
}

std::string py_replace(std::string_view s, std::string_view old, std::string_view repl, int64_t count,
                       size_t max_size) {
    std::string out;
    auto check = [&]() {
        if (out.size() > max_size)
            fail("LimitError", "the template built a string larger than " + std::to_string(max_size) + " bytes");
    };
    if (old.empty()) {
        // Python inserts the replacement between every code point.
        std::vector<uint32_t> cps = decode_utf8(s);
        int64_t done = 0;
        for (size_t i = 0; i <= cps.size(); ++i) {
            if (count < 0 || done < count) {
                out += repl;
                ++done;
            }
            if (i < cps.size()) append_utf8(out, cps[i]);
            check();
        }
        return out;
    }
    size_t pos = 0;
    int64_t done = 0;
    while (count < 0 || done < count) {
        size_t hit = s.find(old, pos);
        if (hit == std::string_view::npos) break;
        out += s.substr(pos, hit - pos);
        out += repl;
        check();
        pos = hit + old.size();
        ++done;
    }
    out += s.substr(pos);
    check();
    return out;
}

// Case mapping covers ASCII; other scripts pass through unchanged.
std::string py_upper(std::string_view s) {
    std::string out(s);
    for (char & c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string py_lower(std::string_view s) {
    std::string out(s);
    for (char & c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string py_title(std::string_view s) {
    std::string out(s);
    bool prev_cased = false;
    for (char & c : out) {
        unsigned char u = static_cast<unsigned char>(c);
        bool alpha = std::isalpha(u) != 0;
        if (alpha) c = static_cast<char>(prev_cased ? std::tolower(u) : std::toupper(u));
        // Non-ASCII bytes belong to letters in most text Python would see as cased.
        prev_cased = alpha || u >= 0x80;
    }
    return out;
}

std::string py_capitalize(std::string_view s) {
    std::string out = py_lower(s);
    if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

std::vector<std::string> py_splitlines(std::string_view s) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\n' || s[i] == '\r') {
            out.emplace_back(s.substr(start, i - start));
            if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
            start = i + 1;
        }
    }
    if (start < s.size()) out.emplace_back(s.substr(start));
    return out;
}

}  // namespace hearth::jinja
