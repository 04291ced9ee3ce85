// The Jinja parser's internals, shared by jinja_parser.cpp (statements) and
// jinja_parser_expr.cpp (expressions).
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "chat/jinja_ast.h"
#include "chat/jinja_error.h"
#include "chat/jinja_lexer.h"

namespace hearth::jinja {

// Bounds the parser's recursion and every expression's depth, so neither
// parsing, evaluating nor destroying a tree can exhaust the stack.
constexpr int kMaxNesting = 200;

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

    Body parse_template() {
        Body body;
        std::string end = parse_body(body, {});
        (void)end;
        return body;
    }

private:
    // -- token stream --------------------------------------------------------
    const Token & cur() const { return m_tokens[m_pos]; }
    const Token & peek(size_t n = 1) const { return m_tokens[std::min(m_pos + n, m_tokens.size() - 1)]; }
    bool is_op(const char * op) const { return cur().type == TokenType_operator && cur().text == op; }
    bool is_name(const char * name) const { return cur().type == TokenType_name && cur().text == name; }
    void next() {
        if (m_pos + 1 < m_tokens.size()) ++m_pos;
    }

    bool skip_op(const char * op) {
        if (!is_op(op)) return false;
        next();
        return true;
    }

    bool skip_name(const char * name) {
        if (!is_name(name)) return false;
        next();
        return true;
    }

    [[noreturn]] void unexpected(const std::string & expected) const {
        std::string got;
        switch (cur().type) {
            case TokenType_eof:
                got = "end of template";
                break;
            case TokenType_block_end:
                got = "end of statement block";
                break;
            case TokenType_variable_end:
                got = "end of print statement";
                break;
            case TokenType_name:
                got = "'" + cur().text + "'";
                break;
            case TokenType_string:
                got = "string";
                break;
            case TokenType_integer:
                got = "integer";
                break;
            case TokenType_float:
                got = "float";
                break;
            default:
                got = "'" + cur().text + "'";
                break;
        }
        syntax_error("expected " + expected + ", got " + got, cur().offset);
    }

    void expect_op(const char * op) {
        if (!skip_op(op)) unexpected(std::string("'") + op + "'");
    }

    std::string expect_name() {
        if (cur().type != TokenType_name) unexpected("name");
        std::string n = cur().text;
        next();
        return n;
    }

    void expect_block_end() {
        if (cur().type != TokenType_block_end) unexpected("end of statement block");
        next();
    }

    struct Depth {
        explicit Depth(Parser & p) : p(p) {
            if (++p.m_depth > kMaxNesting) syntax_error("template nested too deeply", p.cur().offset);
        }
        ~Depth() { --p.m_depth; }
        Parser & p;
    };

    // -- statements (jinja_parser.cpp) and expressions (jinja_parser_expr.cpp)
    ExprPtr sealed(ExprPtr e);
    ExprPtr make(ExprKind kind, size_t offset);
    std::string parse_body(Body & body, std::initializer_list<const char *> ends);
    StmtPtr parse_statement();
    void parse_if(Stmt & s);
    void parse_for(Stmt & s);
    void parse_set(Stmt & s);
    void parse_params(Stmt & s);
    void parse_macro(Stmt & s);
    void parse_call_block(Stmt & s);
    void parse_filter_block(Stmt & s);
    void parse_with(Stmt & s);
    ExprPtr parse_assign_target(bool with_namespace);
    bool is_tuple_end(std::initializer_list<const char *> extra) const;
    ExprPtr parse_tuple(bool with_condexpr, std::initializer_list<const char *> extra, bool explicit_parens = false);
    ExprPtr parse_expression(bool with_condexpr);
    ExprPtr binary(const char * op, ExprPtr left, ExprPtr right, size_t offset);
    ExprPtr parse_or();
    ExprPtr parse_and();
    ExprPtr parse_not();
    ExprPtr parse_compare();
    ExprPtr parse_math1();
    ExprPtr parse_concat();
    ExprPtr parse_math2();
    ExprPtr parse_pow();
    ExprPtr parse_unary(bool with_filter);
    ExprPtr parse_primary();
    ExprPtr parse_postfix(ExprPtr e);
    ExprPtr parse_subscript(ExprPtr e);
    ExprPtr parse_subscribed();
    void parse_call_args(Expr & call);
    ExprPtr parse_filter(ExprPtr e, bool start_inline);
    ExprPtr parse_filter_expr(ExprPtr e);

    std::vector<Token> m_tokens;
    size_t m_pos = 0;
    int m_depth = 0;
};

}  // namespace hearth::jinja
