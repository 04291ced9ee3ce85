#include "chat/output_parser_scan.h"

namespace hearth::output_parser_detail {

LiteralMatch match_literal(std::string_view text, std::string_view literal) {
    if (text.size() >= literal.size()) {
        return text.substr(0, literal.size()) == literal ? LiteralMatch_full : LiteralMatch_none;
    }
    return literal.substr(0, text.size()) == text ? LiteralMatch_partial : LiteralMatch_none;
}

std::size_t partial_tag_start(std::string_view text, std::span<const std::string_view> literals) {
    std::size_t longest = 0;
    for (std::string_view lit : literals) {
        longest = lit.size() > longest ? lit.size() : longest;
    }
    // Only the last (longest - 1) bytes can start an incomplete tag.
    std::size_t first = text.size() >= longest ? text.size() - longest + 1 : 0;
    for (std::size_t p = first; p < text.size(); ++p) {
        std::string_view tail = text.substr(p);
        for (std::string_view lit : literals) {
            if (match_literal(tail, lit) == LiteralMatch_partial) {
                return p;
            }
        }
    }
    return text.size();
}

LiteralHit find_first_literal(std::string_view text, std::span<const std::string_view> literals) {
    LiteralHit hit;
    std::size_t index = 0;
    for (std::string_view lit : literals) {
        std::size_t pos = text.find(lit);
        if (pos != std::string_view::npos && (hit.pos == std::string_view::npos || pos < hit.pos)) {
            hit.pos = pos;
            hit.which = index;
        }
        ++index;
    }
    return hit;
}

std::size_t skip_spaces(std::string_view text, std::size_t from) {
    while (from < text.size() && is_space(text[from])) {
        ++from;
    }
    return from;
}

std::size_t rstrip_length(std::string_view text) {
    std::size_t n = text.size();
    while (n > 0 && is_space(text[n - 1])) {
        --n;
    }
    return n;
}

std::size_t utf8_complete_length(std::string_view text) {
    // Look back over at most 3 continuation bytes for the lead byte.
    std::size_t n = text.size();
    std::size_t back = 0;
    while (back < 3 && back < n && (static_cast<unsigned char>(text[n - 1 - back]) & 0xC0) == 0x80) {
        ++back;
    }
    if (back == n) {
        return n;  // only continuation bytes: nothing to wait for
    }
    unsigned char lead = static_cast<unsigned char>(text[n - 1 - back]);
    std::size_t need = 1;
    if ((lead & 0xE0) == 0xC0) {
        need = 2;
    } else if ((lead & 0xF0) == 0xE0) {
        need = 3;
    } else if ((lead & 0xF8) == 0xF0) {
        need = 4;
    }
    // An ASCII or invalid lead byte never waits; a sequence waits for its bytes.
    return back + 1 < need ? n - 1 - back : n;
}

std::size_t scan_json_extent(std::string_view text, JsonExtent & st) {
    for (; st.pos < text.size(); ++st.pos) {
        char c = text[st.pos];
        if (st.in_string) {
            if (st.escape) {
                st.escape = false;
            } else if (c == '\\') {
                st.escape = true;
            } else if (c == '"') {
                st.in_string = false;
            }
            continue;
        }
        if (c == '"') {
            st.in_string = true;
        } else if (c == '{' || c == '[') {
            ++st.depth;
        } else if (c == '}' || c == ']') {
            if (--st.depth == 0) {
                ++st.pos;
                return st.pos;
            }
        }
    }
    return std::string_view::npos;
}

}  // namespace hearth::output_parser_detail
