#include "chat/jinja_parser.h"

#include <algorithm>
#include <initializer_list>

#include "chat/jinja_error.h"

namespace hearth::jinja {

namespace {

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
    void next() {
        if (m_pos + 1 < m_tokens.size()) ++m_pos;
    }
    bool is_op(const char * op) const { return cur().type == TokenType_operator && cur().text == op; }
    bool is_name(const char * name) const { return cur().type == TokenType_name && cur().text == name; }
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
            case TokenType_eof: got = "end of template"; break;
            case TokenType_block_end: got = "end of statement block"; break;
            case TokenType_variable_end: got = "end of print statement"; break;
            case TokenType_name: got = "'" + cur().text + "'"; break;
            case TokenType_string: got = "string"; break;
            case TokenType_integer: got = "integer"; break;
            case TokenType_float: got = "float"; break;
            default: got = "'" + cur().text + "'"; break;
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

    // Left-deep chains (`a+a+a...`, `x|f|f|f...`) are built by loops, not
    // recursion, so their depth is checked here instead of by Depth.
    ExprPtr sealed(ExprPtr e) {
        int d = e->a ? e->a->depth : 0;
        for (const auto & x : e->args)
            if (x) d = std::max(d, x->depth);
        for (const auto & kw : e->kwargs) d = std::max(d, kw.second->depth);
        e->depth = d + 1;
        if (e->depth > kMaxNesting) syntax_error("expression nested too deeply", e->offset);
        return e;
    }

    ExprPtr make(ExprKind kind, size_t offset) {
        auto e = std::make_unique<Expr>();
        e->kind = kind;
        e->offset = offset;
        return e;
    }

    // -- statements ----------------------------------------------------------
    // Parses until a block tag whose name is in `ends`; consumes that name and
    // returns it (the caller consumes the rest of the tag). Empty at EOF.
    std::string parse_body(Body & body, std::initializer_list<const char *> ends) {
        Depth guard(*this);
        for (;;) {
            const Token & t = cur();
            if (t.type == TokenType_eof) {
                if (ends.size() != 0) syntax_error("unexpected end of template, expected '" + std::string(*ends.begin()) + "'", t.offset);
                return {};
            }
            if (t.type == TokenType_text) {
                auto s = std::make_unique<Stmt>();
                s->kind = StmtKind_text;
                s->offset = t.offset;
                s->text = t.text;
                body.push_back(std::move(s));
                next();
            } else if (t.type == TokenType_variable_begin) {
                auto s = std::make_unique<Stmt>();
                s->kind = StmtKind_print;
                s->offset = t.offset;
                next();
                s->expr = parse_tuple(true, {});
                if (cur().type != TokenType_variable_end) unexpected("end of print statement");
                next();
                body.push_back(std::move(s));
            } else if (t.type == TokenType_block_begin) {
                next();
                if (cur().type == TokenType_name) {
                    for (const char * end : ends) {
                        if (cur().text == end) {
                            next();
                            return end;
                        }
                    }
                }
                body.push_back(parse_statement());
            } else {
                unexpected("template data");
            }
        }
    }

    StmtPtr parse_statement() {
        size_t offset = cur().offset;
        std::string tag = expect_name();
        auto s = std::make_unique<Stmt>();
        s->offset = offset;
        if (tag == "if") parse_if(*s);
        else if (tag == "for") parse_for(*s);
        else if (tag == "set") parse_set(*s);
        else if (tag == "macro") parse_macro(*s);
        else if (tag == "call") parse_call_block(*s);
        else if (tag == "filter") parse_filter_block(*s);
        else if (tag == "break" || tag == "continue") {
            s->kind = tag == "break" ? StmtKind_break : StmtKind_continue;
            expect_block_end();
        } else if (tag == "generation") {
            s->kind = StmtKind_scope;
            expect_block_end();
            parse_body(s->body, {"endgeneration"});
            expect_block_end();
        } else if (tag == "with") parse_with(*s);
        else if (tag == "print") {
            s->kind = StmtKind_print;
            s->expr = parse_tuple(true, {});
            expect_block_end();
        } else {
            syntax_error("Encountered unknown tag '" + tag + "'.", offset);
        }
        return s;
    }

    void parse_if(Stmt & s) {
        s.kind = StmtKind_if;
        s.expr = parse_tuple(false, {});
        expect_block_end();
        std::string end = parse_body(s.body, {"elif", "else", "endif"});
        if (end == "elif") {
            auto nested = std::make_unique<Stmt>();
            nested->offset = cur().offset;
            parse_if(*nested);
            s.orelse.push_back(std::move(nested));
            return;
        }
        if (end == "else") {
            expect_block_end();
            parse_body(s.orelse, {"endif"});
        }
        expect_block_end();
    }

    void parse_for(Stmt & s) {
        s.kind = StmtKind_for;
        s.target = parse_assign_target(false);
        if (!skip_name("in")) unexpected("'in'");
        s.expr = parse_tuple(false, {"recursive"});
        if (skip_name("if")) s.cond = parse_expression(true);
        if (skip_name("recursive")) s.recursive = true;
        expect_block_end();
        std::string end = parse_body(s.body, {"endfor", "else"});
        if (end == "else") {
            expect_block_end();
            parse_body(s.orelse, {"endfor"});
        }
        expect_block_end();
    }

    void parse_set(Stmt & s) {
        s.target = parse_assign_target(true);
        if (skip_op("=")) {
            s.kind = StmtKind_set;
            s.expr = parse_tuple(true, {});
            expect_block_end();
            return;
        }
        s.kind = StmtKind_set_block;
        if (is_op("|")) s.expr = parse_filter(nullptr, false);
        expect_block_end();
        parse_body(s.body, {"endset"});
        expect_block_end();
    }

    void parse_params(Stmt & s) {
        expect_op("(");
        while (!is_op(")")) {
            if (!s.params.empty()) expect_op(",");
            if (is_op(")")) break;
            s.params.push_back(expect_name());
            s.defaults.push_back(skip_op("=") ? parse_expression(true) : nullptr);
        }
        next();
    }

    void parse_macro(Stmt & s) {
        s.kind = StmtKind_macro;
        s.name = expect_name();
        parse_params(s);
        expect_block_end();
        parse_body(s.body, {"endmacro"});
        if (cur().type == TokenType_name) next();  // {% endmacro name %}
        expect_block_end();
    }

    void parse_call_block(Stmt & s) {
        s.kind = StmtKind_call_block;
        if (is_op("(")) parse_params(s);
        s.expr = parse_expression(true);
        if (s.expr->kind != ExprKind_call) syntax_error("expected call", s.expr->offset);
        expect_block_end();
        parse_body(s.body, {"endcall"});
        expect_block_end();
    }

    void parse_filter_block(Stmt & s) {
        s.kind = StmtKind_filter;
        s.expr = parse_filter(nullptr, true);
        expect_block_end();
        parse_body(s.body, {"endfilter"});
        expect_block_end();
    }

    void parse_with(Stmt & s) {
        s.kind = StmtKind_scope;
        while (cur().type != TokenType_block_end) {
            if (!s.assignments.empty()) expect_op(",");
            ExprPtr target = parse_assign_target(false);
            expect_op("=");
            s.assignments.emplace_back(std::move(target), parse_expression(true));
        }
        expect_block_end();
        parse_body(s.body, {"endwith"});
        expect_block_end();
    }

    ExprPtr parse_assign_target(bool with_namespace) {
        size_t offset = cur().offset;
        if (with_namespace && cur().type == TokenType_name && peek().type == TokenType_operator && peek().text == ".") {
            auto e = make(ExprKind_getattr, offset);
            auto base = make(ExprKind_name, offset);
            base->name = expect_name();
            next();
            e->name = expect_name();
            e->a = std::move(base);
            return e;
        }
        std::vector<ExprPtr> names;
        bool tuple = false;
        for (;;) {
            if (!names.empty()) {
                if (!skip_op(",")) break;
                tuple = true;
                if (cur().type != TokenType_name) break;
            }
            if (skip_op("(")) {
                names.push_back(parse_assign_target(false));
                expect_op(")");
                continue;
            }
            auto n = make(ExprKind_name, cur().offset);
            n->name = expect_name();
            names.push_back(std::move(n));
        }
        if (!tuple) return std::move(names.front());
        auto t = make(ExprKind_tuple, offset);
        t->args = std::move(names);
        return t;
    }

    // -- expressions -----------------------------------------------------------
    bool is_tuple_end(std::initializer_list<const char *> extra) const {
        const Token & t = cur();
        if (t.type == TokenType_variable_end || t.type == TokenType_block_end || t.type == TokenType_eof) return true;
        if (t.type == TokenType_operator && t.text == ")") return true;
        for (const char * name : extra)
            if (t.type == TokenType_name && t.text == name) return true;
        return false;
    }

    ExprPtr parse_tuple(bool with_condexpr, std::initializer_list<const char *> extra, bool explicit_parens = false) {
        size_t offset = cur().offset;
        std::vector<ExprPtr> items;
        bool tuple = false;
        for (;;) {
            if (!items.empty()) expect_op(",");
            if (is_tuple_end(extra)) break;
            items.push_back(parse_expression(with_condexpr));
            if (is_op(",")) tuple = true;
            else break;
        }
        if (!tuple) {
            if (!items.empty()) return std::move(items.front());
            if (!explicit_parens) unexpected("expression");
        }
        auto t = make(ExprKind_tuple, offset);
        t->args = std::move(items);
        return sealed(std::move(t));
    }

    ExprPtr parse_expression(bool with_condexpr) {
        Depth guard(*this);
        ExprPtr e = parse_or();
        if (!with_condexpr) return e;
        while (is_name("if")) {
            size_t offset = cur().offset;
            next();
            auto c = make(ExprKind_condition, offset);
            c->a = parse_or();
            c->args.push_back(std::move(e));
            c->args.push_back(skip_name("else") ? parse_expression(true) : nullptr);
            e = sealed(std::move(c));
        }
        return e;
    }

    ExprPtr binary(const char * op, ExprPtr left, ExprPtr right, size_t offset) {
        auto b = make(ExprKind_binary, offset);
        b->name = op;
        b->a = std::move(left);
        b->args.push_back(std::move(right));
        return sealed(std::move(b));
    }

    ExprPtr parse_or() {
        ExprPtr e = parse_and();
        while (is_name("or")) {
            size_t offset = cur().offset;
            next();
            e = binary("or", std::move(e), parse_and(), offset);
        }
        return e;
    }

    ExprPtr parse_and() {
        ExprPtr e = parse_not();
        while (is_name("and")) {
            size_t offset = cur().offset;
            next();
            e = binary("and", std::move(e), parse_not(), offset);
        }
        return e;
    }

    ExprPtr parse_not() {
        if (is_name("not")) {
            Depth guard(*this);
            auto u = make(ExprKind_unary, cur().offset);
            next();
            u->name = "not";
            u->a = parse_not();
            return u;
        }
        return parse_compare();
    }

    ExprPtr parse_compare() {
        size_t offset = cur().offset;
        ExprPtr first = parse_math1();
        ExprPtr cmp;
        for (;;) {
            std::string op;
            const Token & t = cur();
            if (t.type == TokenType_operator && (t.text == "==" || t.text == "!=" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">=")) {
                op = t.text;
                next();
            } else if (is_name("in")) {
                op = "in";
                next();
            } else if (is_name("not") && peek().type == TokenType_name && peek().text == "in") {
                op = "not in";
                next();
                next();
            } else {
                break;
            }
            if (!cmp) {
                cmp = make(ExprKind_compare, offset);
                cmp->a = std::move(first);
            }
            cmp->ops.push_back(op);
            cmp->args.push_back(parse_math1());
            cmp = sealed(std::move(cmp));
        }
        return cmp ? std::move(cmp) : std::move(first);
    }

    ExprPtr parse_math1() {
        ExprPtr e = parse_concat();
        while (is_op("+") || is_op("-")) {
            size_t offset = cur().offset;
            const char * op = is_op("+") ? "+" : "-";
            next();
            e = binary(op, std::move(e), parse_concat(), offset);
        }
        return e;
    }

    ExprPtr parse_concat() {
        ExprPtr e = parse_math2();
        while (is_op("~")) {
            size_t offset = cur().offset;
            next();
            e = binary("~", std::move(e), parse_math2(), offset);
        }
        return e;
    }

    ExprPtr parse_math2() {
        ExprPtr e = parse_pow();
        for (;;) {
            const char * op = is_op("*") ? "*" : is_op("/") ? "/" : is_op("//") ? "//" : is_op("%") ? "%" : nullptr;
            if (!op) return e;
            size_t offset = cur().offset;
            next();
            e = binary(op, std::move(e), parse_pow(), offset);
        }
    }

    ExprPtr parse_pow() {
        ExprPtr e = parse_unary(true);
        while (is_op("**")) {
            size_t offset = cur().offset;
            next();
            e = binary("**", std::move(e), parse_unary(true), offset);
        }
        return e;
    }

    ExprPtr parse_unary(bool with_filter) {
        Depth guard(*this);
        ExprPtr e;
        if (is_op("-") || is_op("+")) {
            e = make(ExprKind_unary, cur().offset);
            e->name = cur().text;
            next();
            e->a = parse_unary(false);
            e = sealed(std::move(e));
        } else {
            e = parse_primary();
        }
        e = parse_postfix(std::move(e));
        if (with_filter) e = parse_filter_expr(std::move(e));
        return e;
    }

    ExprPtr parse_primary() {
        const Token & t = cur();
        auto e = make(ExprKind_constant, t.offset);
        switch (t.type) {
            case TokenType_name:
                if (t.text == "true" || t.text == "True") e->value = Value::from(true);
                else if (t.text == "false" || t.text == "False") e->value = Value::from(false);
                else if (t.text == "none" || t.text == "None") e->value = Value::none();
                else {
                    e->kind = ExprKind_name;
                    e->name = t.text;
                }
                next();
                return e;
            case TokenType_string: {
                std::string s;
                while (cur().type == TokenType_string) {
                    s += cur().text;
                    next();
                }
                e->value = Value::from(std::move(s));
                return e;
            }
            case TokenType_integer: e->value = Value::from(t.integer); next(); return e;
            case TokenType_float: e->value = Value::from(t.number); next(); return e;
            default: break;
        }
        if (skip_op("(")) {
            ExprPtr inner = parse_tuple(true, {}, true);
            expect_op(")");
            return inner;
        }
        if (skip_op("[")) {
            e->kind = ExprKind_list;
            while (!is_op("]")) {
                if (!e->args.empty()) expect_op(",");
                if (is_op("]")) break;
                e->args.push_back(parse_expression(true));
            }
            next();
            return sealed(std::move(e));
        }
        if (skip_op("{")) {
            e->kind = ExprKind_dict;
            while (!is_op("}")) {
                if (!e->args.empty()) expect_op(",");
                if (is_op("}")) break;
                e->args.push_back(parse_expression(true));
                expect_op(":");
                e->args.push_back(parse_expression(true));
            }
            next();
            return sealed(std::move(e));
        }
        unexpected("expression");
    }

    ExprPtr parse_postfix(ExprPtr e) {
        for (;;) {
            if (is_op(".")) {
                size_t offset = cur().offset;
                next();
                if (cur().type == TokenType_integer) {
                    auto g = make(ExprKind_getitem, offset);
                    auto idx = make(ExprKind_constant, cur().offset);
                    idx->value = Value::from(cur().integer);
                    next();
                    g->a = std::move(e);
                    g->args.push_back(std::move(idx));
                    e = sealed(std::move(g));
                    continue;
                }
                auto g = make(ExprKind_getattr, offset);
                g->name = expect_name();
                g->a = std::move(e);
                e = sealed(std::move(g));
            } else if (is_op("[")) {
                e = parse_subscript(std::move(e));
            } else if (is_op("(")) {
                auto c = make(ExprKind_call, e->offset);
                c->a = std::move(e);
                parse_call_args(*c);
                e = sealed(std::move(c));
            } else {
                return e;
            }
        }
    }

    ExprPtr parse_subscript(ExprPtr e) {
        size_t offset = cur().offset;
        next();  // [
        std::vector<ExprPtr> parts;
        do {
            if (is_op("]")) break;
            parts.push_back(parse_subscribed());
        } while (skip_op(","));
        expect_op("]");
        if (parts.size() == 1 && parts[0]->kind == ExprKind_slice) {
            parts[0]->a = std::move(e);
            return sealed(std::move(parts[0]));
        }
        auto g = make(ExprKind_getitem, offset);
        g->a = std::move(e);
        if (parts.size() == 1) {
            g->args.push_back(std::move(parts[0]));
        } else {
            auto t = make(ExprKind_tuple, offset);
            t->args = std::move(parts);
            g->args.push_back(sealed(std::move(t)));
        }
        return sealed(std::move(g));
    }

    ExprPtr parse_subscribed() {
        size_t offset = cur().offset;
        ExprPtr start;
        if (!is_op(":")) {
            start = parse_expression(true);
            if (!is_op(":")) return start;
        }
        next();  // :
        auto s = make(ExprKind_slice, offset);
        s->args.push_back(std::move(start));
        s->args.push_back(is_op("]") || is_op(",") || is_op(":") ? nullptr : parse_expression(true));
        ExprPtr step;
        if (skip_op(":") && !is_op("]") && !is_op(",")) step = parse_expression(true);
        s->args.push_back(std::move(step));
        return s;
    }

    void parse_call_args(Expr & call) {
        expect_op("(");
        bool first = true;
        while (!is_op(")")) {
            if (!first) expect_op(",");
            first = false;
            if (is_op(")")) break;
            if (cur().type == TokenType_name && peek().type == TokenType_operator && peek().text == "=") {
                std::string key = cur().text;
                next();
                next();
                call.kwargs.emplace_back(key, parse_expression(true));
            } else {
                if (!call.kwargs.empty()) syntax_error("positional argument after keyword argument", cur().offset);
                call.args.push_back(parse_expression(true));
            }
        }
        next();
    }

    ExprPtr parse_filter(ExprPtr e, bool start_inline) {
        while (is_op("|") || start_inline) {
            if (!start_inline) next();
            start_inline = false;
            auto f = make(ExprKind_filter, cur().offset);
            f->name = expect_name();
            while (skip_op(".")) f->name += "." + expect_name();
            if (is_op("(")) parse_call_args(*f);
            f->a = std::move(e);
            e = sealed(std::move(f));
        }
        return e;
    }

    ExprPtr parse_filter_expr(ExprPtr e) {
        for (;;) {
            if (is_op("|")) {
                e = parse_filter(std::move(e), false);
            } else if (is_name("is")) {
                auto t = make(ExprKind_test, cur().offset);
                next();
                if (skip_name("not")) t->negated = true;
                t->name = expect_name();
                while (skip_op(".")) t->name += "." + expect_name();
                const Token & c = cur();
                if (is_op("(")) {
                    parse_call_args(*t);
                } else if ((c.type == TokenType_name && c.text != "else" && c.text != "or" && c.text != "and") ||
                           c.type == TokenType_string || c.type == TokenType_integer || c.type == TokenType_float ||
                           is_op("[") || is_op("{")) {
                    if (is_name("is")) syntax_error("You cannot chain multiple tests with is", c.offset);
                    t->args.push_back(parse_postfix(parse_primary()));
                }
                t->a = std::move(e);
                e = sealed(std::move(t));
            } else if (is_op("(")) {
                auto c = make(ExprKind_call, e->offset);
                c->a = std::move(e);
                parse_call_args(*c);
                e = sealed(std::move(c));
            } else {
                return e;
            }
        }
    }

    std::vector<Token> m_tokens;
    size_t m_pos = 0;
    int m_depth = 0;
};

}  // namespace

Body parse(std::string_view source, const LexOptions & options) {
    return Parser(tokenize(source, options)).parse_template();
}

}  // namespace hearth::jinja
