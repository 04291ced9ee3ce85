#include "tokenizer/utf8.h"

namespace hearth::utf8 {

void append(std::string & out, uint32_t cpt) {
    if (cpt <= 0x7F) {
        out.push_back(static_cast<char>(cpt));
    } else if (cpt <= 0x7FF) {
        out.push_back(static_cast<char>(0xC0 | (cpt >> 6)));
        out.push_back(static_cast<char>(0x80 | (cpt & 0x3F)));
    } else if (cpt <= 0xFFFF) {
        out.push_back(static_cast<char>(0xE0 | (cpt >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cpt >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cpt & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | ((cpt >> 18) & 0x07)));
        out.push_back(static_cast<char>(0x80 | ((cpt >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cpt >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cpt & 0x3F)));
    }
}

namespace {
bool is_cont(std::string_view text, size_t i) {
    return i < text.size() && (static_cast<uint8_t>(text[i]) & 0xC0) == 0x80;
}
}  // namespace

bool decode(std::string_view text, size_t & pos, uint32_t & cpt) {
    const uint8_t b0 = static_cast<uint8_t>(text[pos]);
    if (b0 < 0x80) {
        cpt = b0;
        pos += 1;
        return true;
    }
    size_t n = 0;
    if ((b0 & 0xE0) == 0xC0)
        n = 2;
    else if ((b0 & 0xF0) == 0xE0)
        n = 3;
    else if ((b0 & 0xF8) == 0xF0)
        n = 4;
    bool ok = n != 0;
    for (size_t i = 1; ok && i < n; ++i) ok = is_cont(text, pos + i);
    if (!ok) {
        pos += 1;
        return false;
    }
    static constexpr uint8_t kLeadMask[5] = {0, 0, 0x1F, 0x0F, 0x07};
    cpt = b0 & kLeadMask[n];
    for (size_t i = 1; i < n; ++i) cpt = (cpt << 6) | (static_cast<uint8_t>(text[pos + i]) & 0x3F);
    pos += n;
    return true;
}

bool is_strict(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size()) {
        if (static_cast<uint8_t>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const size_t start = pos;
        uint32_t cpt = 0;
        if (!decode(text, pos, cpt)) return false;
        const size_t n = pos - start;
        const bool overlong = (n == 2 && cpt < 0x80) || (n == 3 && cpt < 0x800) || (n == 4 && cpt < 0x10000);
        if (overlong || cpt > 0x10FFFF || (cpt >= 0xD800 && cpt <= 0xDFFF)) return false;
    }
    return true;
}

bool normalize_lax(std::string_view text, std::string & out) {
    if (is_strict(text)) return false;
    out.clear();
    out.reserve(text.size() + 8);
    size_t pos = 0;
    while (pos < text.size()) {
        uint32_t cpt = 0;
        // llama.cpp would throw on a code point above U+10FFFF when re-encoding
        // it; U+FFFD is the sane reading of such bytes.
        if (!decode(text, pos, cpt) || cpt > 0x10FFFF) cpt = 0xFFFD;
        append(out, cpt);
    }
    return true;
}

size_t complete_prefix(std::string_view bytes) {
    // Look at most 3 bytes back for the lead byte of an unfinished sequence.
    const size_t n = bytes.size();
    for (size_t back = 1; back <= 3 && back <= n; ++back) {
        const uint8_t b = static_cast<uint8_t>(bytes[n - back]);
        if ((b & 0xC0) == 0x80) continue;  // continuation byte: keep looking
        size_t need = 0;
        if ((b & 0xE0) == 0xC0)
            need = 2;
        else if ((b & 0xF0) == 0xE0)
            need = 3;
        else if ((b & 0xF8) == 0xF0)
            need = 4;
        return need > back ? n - back : n;
    }
    return n;
}

namespace {
bool is_printable_byte(int ch) {
    return (ch >= 0x21 && ch <= 0x7E) || (ch >= 0xA1 && ch <= 0xAC) || (ch >= 0xAE && ch <= 0xFF);
}

std::array<int, 324> make_reverse() {
    std::array<int, 324> r{};
    r.fill(-1);
    int n = 0;
    for (int ch = 0; ch < 256; ++ch) {
        if (is_printable_byte(ch))
            r[ch] = ch;
        else
            r[256 + n++] = ch;
    }
    return r;
}
}  // namespace

const std::array<std::string, 256> & byte_to_unicode() {
    static const std::array<std::string, 256> table = [] {
        std::array<std::string, 256> t;
        int n = 0;
        for (int ch = 0; ch < 256; ++ch) append(t[ch], is_printable_byte(ch) ? ch : 256 + n++);
        return t;
    }();
    return table;
}

int unicode_to_byte(uint32_t cpt) {
    static const std::array<int, 324> reverse = make_reverse();
    return cpt < reverse.size() ? reverse[cpt] : -1;
}

}  // namespace hearth::utf8
