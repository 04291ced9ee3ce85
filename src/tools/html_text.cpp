#include "tools/html_text.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace Hearth::Tools {

namespace {

std::string lowerName(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c))) break;
        out.push_back(char(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

bool isBlock(const std::string & tag) {
    static const char * const kBlocks[] = {
        "p",       "div",     "br",     "h1",     "h2", "h3",    "h4",   "h5",         "h6",      "tr",     "table",
        "section", "article", "header", "footer", "ul", "ol",    "pre",  "blockquote", "hr",      "main",   "nav",
        "aside",   "figure",  "dl",     "dt",     "dd", "title", "form", "fieldset",   "details", "summary"};
    return std::any_of(std::begin(kBlocks), std::end(kBlocks), [&](const char * b) { return tag == b; });
}

void appendUtf8(std::string & out, unsigned long cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out.push_back(char(cp));
    } else if (cp < 0x800) {
        out.push_back(char(0xC0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (cp >> 18)));
        out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    }
}

// Decodes the entity at html[i] == '&'; returns how many bytes it used (0: not an entity).
size_t entity(std::string_view html, size_t i, std::string & out) {
    const size_t semi = html.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) return 0;
    const std::string_view name = html.substr(i + 1, semi - i - 1);
    static const struct {
        const char * name;
        const char * text;
    } kNamed[] = {{"amp", "&"},
                  {"lt", "<"},
                  {"gt", ">"},
                  {"quot", "\""},
                  {"apos", "'"},
                  {"nbsp", " "},
                  {"mdash", "\xE2\x80\x94"},
                  {"ndash", "\xE2\x80\x93"},
                  {"hellip", "\xE2\x80\xA6"},
                  {"copy", "\xC2\xA9"}};
    for (const auto & e : kNamed) {
        if (name == e.name) {
            out += e.text;
            return semi - i + 1;
        }
    }
    if (name.size() >= 2 && name[0] == '#') {
        const bool hex = name[1] == 'x' || name[1] == 'X';
        const std::string digits(name.substr(hex ? 2 : 1));
        if (digits.empty()) return 0;
        char * end = nullptr;
        const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
        if (*end) return 0;
        appendUtf8(out, cp);
        return semi - i + 1;
    }
    return 0;
}

}  // namespace

std::string htmlToText(std::string_view html) {
    std::string out;
    out.reserve(html.size() / 2);
    std::string skipUntil;  // "</script" while inside a script
    size_t i = 0;
    while (i < html.size()) {
        const char c = html[i];
        if (!skipUntil.empty()) {
            const size_t end = html.find('<', i);
            if (end == std::string_view::npos || end + 2 > html.size()) break;
            i = end + 1;
            if (html.substr(end, 2) == "</" && lowerName(html.substr(end + 2)) == skipUntil) {
                skipUntil.clear();
                const size_t close = html.find('>', end);
                i = close == std::string_view::npos ? html.size() : close + 1;
            }
            continue;
        }
        // Only "<" followed by a name, "/", "!" or "?" opens a tag; "a < b" is text.
        const unsigned char next = i + 1 < html.size() ? static_cast<unsigned char>(html[i + 1]) : 0;
        if (c == '<' && (std::isalpha(next) || next == '/' || next == '!' || next == '?')) {
            if (html.substr(i, 4) == "<!--") {
                const size_t end = html.find("-->", i + 4);
                i = end == std::string_view::npos ? html.size() : end + 3;
                continue;
            }
            const size_t end = html.find('>', i);
            if (end == std::string_view::npos) break;
            const bool closing = i + 1 < html.size() && html[i + 1] == '/';
            const std::string tag = lowerName(html.substr(i + (closing ? 2 : 1)));
            if (!closing &&
                (tag == "script" || tag == "style" || tag == "noscript" || tag == "template" || tag == "svg"))
                skipUntil = tag;
            else if (tag == "li" && !closing)
                out += "\n- ";
            else if (isBlock(tag))
                out += '\n';
            else if (tag == "td" || tag == "th")
                out += ' ';
            i = end + 1;
            continue;
        }
        if (c == '&') {
            const size_t used = entity(html, i, out);
            if (used) {
                i += used;
                continue;
            }
        }
        out.push_back(std::isspace(static_cast<unsigned char>(c)) && c != '\n' ? ' ' : c);
        ++i;
    }
    // Collapse: one space between words, at most one blank line, no space at line ends.
    std::string text;
    text.reserve(out.size());
    int newlines = 0;
    bool space = false;
    for (char c : out) {
        if (c == '\n') {
            ++newlines;
            space = false;
        } else if (c == ' ') {
            space = !text.empty() && newlines == 0;
        } else {
            if (newlines && !text.empty())
                text.append(std::min(newlines, 2), '\n');
            else if (space)
                text.push_back(' ');
            newlines = 0;
            space = false;
            text.push_back(c);
        }
        if (newlines && !text.empty() && text.back() == ' ') text.pop_back();
    }
    return text;
}

}  // namespace Hearth::Tools
