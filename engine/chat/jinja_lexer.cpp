#include "chat/jinja_lexer.h"

#include <cctype>
#include <cstring>

#include "chat/jinja_error.h"
#include "chat/jinja_value.h"

namespace hearth::jinja {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view rstrip_ws(std::string_view s) {
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool all_space(std::string_view s) {
    for (char c : s)
        if (!is_space(c)) return false;
    return true;
}

class Lexer {
public:
    Lexer(std::string_view src, const LexOptions & opt) : m_src(src), m_opt(opt) {}

    std::vector<Token> run() {
        while (m_pos < m_src.size()) {
            size_t tag = find_tag(m_pos);
            if (tag == std::string_view::npos) {
                emit_text(m_src.substr(m_pos), m_pos);
                break;
            }
            char kind = m_src[tag + 1];
            char sign = tag + 2 < m_src.size() ? m_src[tag + 2] : '\0';
            std::string_view text = m_src.substr(m_pos, tag - m_pos);
            if (sign == '-') {
                text = rstrip_ws(text);
            } else if (sign != '+' && m_opt.lstrip_blocks && kind != '{') {
                size_t nl = text.rfind('\n');
                size_t l_pos = nl == std::string_view::npos ? 0 : nl + 1;
                if ((l_pos > 0 || m_line_starting) && all_space(text.substr(l_pos))) text = text.substr(0, l_pos);
            }
            emit_text(text, m_pos);
            size_t inner = tag + 2 + ((sign == '-' || sign == '+') ? 1 : 0);
            if (kind == '#') {
                lex_comment(tag, inner);
            } else if (kind == '%' && is_raw(inner)) {
                lex_raw(tag);
            } else {
                push(kind == '{' ? TokenType_variable_begin : TokenType_block_begin, "", tag);
                lex_tag(inner, kind == '{' ? '}' : '%', tag);
            }
        }
        push(TokenType_eof, "", m_src.size());
        return std::move(m_tokens);
    }

private:
    size_t find_tag(size_t from) const {
        for (size_t i = from; i + 1 < m_src.size(); ++i) {
            if (m_src[i] != '{') continue;
            char c = m_src[i + 1];
            if (c == '{' || c == '%' || c == '#') return i;
        }
        return std::string_view::npos;
    }

    void push(TokenType type, std::string text, size_t offset) {
        Token t;
        t.type = type;
        t.text = std::move(text);
        t.offset = offset;
        m_tokens.push_back(std::move(t));
    }

    void emit_text(std::string_view text, size_t offset) {
        if (!text.empty()) push(TokenType_text, std::string(text), offset);
    }

    // After a closing delimiter ending at `end` (one past it), with its sign.
    void finish_tag(size_t end, char sign, bool is_block) {
        if (sign == '-') {
            while (end < m_src.size() && is_space(m_src[end])) ++end;
        } else if (sign != '+' && is_block && m_opt.trim_blocks && end < m_src.size() && m_src[end] == '\n') {
            ++end;
        }
        m_line_starting = end > 0 && m_src[end - 1] == '\n';
        m_pos = end;
    }

    void lex_comment(size_t tag, size_t inner) {
        size_t close = m_src.find("#}", inner);
        if (close == std::string_view::npos) syntax_error("missing end of comment tag", tag);
        char sign = close > inner && (m_src[close - 1] == '-' || m_src[close - 1] == '+') ? m_src[close - 1] : '\0';
        finish_tag(close + 2, sign, true);
    }

    size_t skip_space(size_t i) const {
        while (i < m_src.size() && is_space(m_src[i])) ++i;
        return i;
    }

    bool word_at(size_t i, const char * word) const {
        size_t n = std::strlen(word);
        if (m_src.substr(i, n) != word) return false;
        return i + n >= m_src.size() ||
               !(std::isalnum(static_cast<unsigned char>(m_src[i + n])) || m_src[i + n] == '_');
    }

    bool is_raw(size_t inner) const {
        size_t i = skip_space(inner);
        if (!word_at(i, "raw")) return false;
        i = skip_space(i + 3);
        if (i < m_src.size() && (m_src[i] == '-' || m_src[i] == '+')) ++i;
        return m_src.substr(i, 2) == "%}";
    }

    void lex_raw(size_t tag) {
        size_t open_end = m_src.find("%}", tag) + 2;
        char open_sign = m_src[open_end - 3];
        size_t body = open_end;
        if (open_sign == '-') body = skip_space(body);  // jinja2 does not trim_blocks after `raw %}`
        for (size_t i = m_src.find("{%", body); i != std::string_view::npos; i = m_src.find("{%", i + 2)) {
            size_t j = i + 2;
            char sign = j < m_src.size() ? m_src[j] : '\0';
            if (sign == '-' || sign == '+') ++j;
            j = skip_space(j);
            if (!word_at(j, "endraw")) continue;
            j = skip_space(j + 6);
            char close_sign = '\0';
            if (j < m_src.size() && (m_src[j] == '-' || m_src[j] == '+')) close_sign = m_src[j++];
            if (m_src.substr(j, 2) != "%}") continue;
            std::string_view text = m_src.substr(body, i - body);
            if (sign == '-') text = rstrip_ws(text);
            emit_text(text, body);
            finish_tag(j + 2, close_sign, true);
            return;
        }
        syntax_error("missing end of raw directive", tag);
    }

    void lex_tag(size_t i, char closer, size_t tag) {
        int depth = 0;
        for (;;) {
            i = skip_space(i);
            if (i >= m_src.size())
                syntax_error(closer == '}' ? "unexpected end of template, expected '}}'"
                                           : "unexpected end of template, expected '%}'",
                             tag);
            char c = m_src[i];
            if (depth == 0) {
                size_t at = i;
                char sign = '\0';
                if ((c == '-' || c == '+') && i + 1 < m_src.size()) {
                    sign = c;
                    ++at;
                }
                if (at + 1 < m_src.size() && m_src[at] == closer && m_src[at + 1] == '}') {
                    push(closer == '}' ? TokenType_variable_end : TokenType_block_end, "", i);
                    finish_tag(at + 2, sign, closer == '%');
                    return;
                }
            }
            if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
                size_t j = i;
                while (j < m_src.size() && (std::isalnum(static_cast<unsigned char>(m_src[j])) || m_src[j] == '_')) ++j;
                push(TokenType_name, std::string(m_src.substr(i, j - i)), i);
                i = j;
            } else if (std::isdigit(static_cast<unsigned char>(c))) {
                i = lex_number(i);
            } else if (c == '\'' || c == '"') {
                i = lex_string(i);
            } else {
                i = lex_operator(i, depth);
            }
        }
    }

    size_t lex_number(size_t i) {
        size_t start = i;
        std::string digits;
        bool is_float = false;
        auto take_digits = [&]() {
            while (i < m_src.size() && (std::isdigit(static_cast<unsigned char>(m_src[i])) ||
                                        (m_src[i] == '_' && i + 1 < m_src.size() &&
                                         std::isdigit(static_cast<unsigned char>(m_src[i + 1]))))) {
                if (m_src[i] != '_') digits += m_src[i];
                ++i;
            }
        };
        take_digits();
        if (i + 1 < m_src.size() && m_src[i] == '.' && std::isdigit(static_cast<unsigned char>(m_src[i + 1]))) {
            is_float = true;
            digits += '.';
            ++i;
            take_digits();
        }
        if (i < m_src.size() && (m_src[i] == 'e' || m_src[i] == 'E')) {
            size_t j = i + 1;
            if (j < m_src.size() && (m_src[j] == '+' || m_src[j] == '-')) ++j;
            if (j < m_src.size() && std::isdigit(static_cast<unsigned char>(m_src[j]))) {
                is_float = true;
                digits += 'e';
                digits += std::string(m_src.substr(i + 1, j - i - 1));
                i = j;
                take_digits();
            }
        }
        Token t;
        t.offset = start;
        t.text = digits;
        if (is_float) {
            t.type = TokenType_float;
            t.number = std::strtod(digits.c_str(), nullptr);
        } else {
            t.type = TokenType_integer;
            errno = 0;
            unsigned long long v = std::strtoull(digits.c_str(), nullptr, 10);
            if (errno != 0 || v > static_cast<unsigned long long>(INT64_MAX))
                syntax_error("integer literal too large", start);
            t.integer = static_cast<int64_t>(v);
        }
        m_tokens.push_back(std::move(t));
        return i;
    }

    static int hex_value(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    // Python's unicode-escape decoding of the literal's body.
    size_t lex_string(size_t start) {
        char quote = m_src[start];
        std::string out;
        size_t i = start + 1;
        for (;;) {
            if (i >= m_src.size()) syntax_error("unexpected end of string literal", start);
            char c = m_src[i];
            if (c == quote) break;
            if (c != '\\' || i + 1 >= m_src.size()) {
                out += c;
                ++i;
                continue;
            }
            char e = m_src[i + 1];
            i += 2;
            switch (e) {
                case 'n':
                    out += '\n';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '\'':
                    out += '\'';
                    break;
                case '"':
                    out += '"';
                    break;
                case 'a':
                    out += '\a';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'v':
                    out += '\v';
                    break;
                case '\n':
                    break;
                case 'x':
                case 'u':
                case 'U': {
                    size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    uint32_t cp = 0;
                    for (size_t k = 0; k < n; ++k) {
                        int h = i + k < m_src.size() ? hex_value(m_src[i + k]) : -1;
                        if (h < 0)
                            syntax_error("truncated \\" + std::string(1, e) + " escape in string literal", start);
                        cp = cp * 16 + static_cast<uint32_t>(h);
                    }
                    if (cp > 0x10ffff) syntax_error("illegal Unicode character in string literal", start);
                    append_utf8(out, cp);
                    i += n;
                    break;
                }
                default:
                    if (e >= '0' && e <= '7') {
                        uint32_t cp = static_cast<uint32_t>(e - '0');
                        for (int k = 0; k < 2 && i < m_src.size() && m_src[i] >= '0' && m_src[i] <= '7'; ++k, ++i)
                            cp = cp * 8 + static_cast<uint32_t>(m_src[i] - '0');
                        append_utf8(out, cp);
                    } else {
                        out += '\\';
                        out += e;
                    }
            }
        }
        push(TokenType_string, std::move(out), start);
        return i + 1;
    }

    size_t lex_operator(size_t i, int & depth) {
        static const char * const two[] = {"//", "**", "==", "!=", "<=", ">="};
        for (const char * op : two) {
            if (m_src.substr(i, 2) == op) {
                push(TokenType_operator, op, i);
                return i + 2;
            }
        }
        char c = m_src[i];
        if (!std::strchr("+-/*%~[](){}<>=.:|,;", c)) syntax_error(std::string("unexpected char '") + c + "'", i);
        if (c == '(' || c == '[' || c == '{') ++depth;
        if (c == ')' || c == ']' || c == '}') {
            if (depth == 0) syntax_error(std::string("unexpected '") + c + "'", i);
            --depth;
        }
        push(TokenType_operator, std::string(1, c), i);
        return i + 1;
    }

    std::string_view m_src;
    LexOptions m_opt;
    size_t m_pos = 0;
    bool m_line_starting = true;
    std::vector<Token> m_tokens;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source, const LexOptions & options) {
    return Lexer(source, options).run();
}

void line_column(std::string_view source, size_t offset, int & line, int & column) {
    line = 1;
    size_t line_start = 0;
    if (offset > source.size()) offset = source.size();
    for (size_t i = 0; i < offset; ++i) {
        if (source[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    column = static_cast<int>(utf8_length(source.substr(line_start, offset - line_start))) + 1;
}

}  // namespace hearth::jinja
