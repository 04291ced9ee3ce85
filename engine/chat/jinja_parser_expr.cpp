// Expressions, following jinja2's grammar and precedence levels:
// condexpr > or > and > not > compare > math1 (+ -) > concat (~) >
// math2 (* / // %) > pow > unary > primary with postfix, filters and tests.
#include "chat/jinja_parser_impl.h"

namespace hearth::jinja {

// Left-deep chains (`a+a+a...`, `x|f|f|f...`) are built by loops, not
// recursion, so their depth is checked here instead of by Depth.
ExprPtr Parser::sealed(ExprPtr e) {
    int d = e->a ? e->a->depth : 0;
    for (const auto & x : e->args)
        if (x) d = std::max(d, x->depth);
    for (const auto & kw : e->kwargs) d = std::max(d, kw.second->depth);
    e->depth = d + 1;
    if (e->depth > kMaxNesting) syntax_error("expression nested too deeply", e->offset);
    return e;
}

ExprPtr Parser::make(ExprKind kind, size_t offset) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->offset = offset;
    return e;
}

bool Parser::is_tuple_end(std::initializer_list<const char *> extra) const {
    const Token & t = cur();
    if (t.type == TokenType_variable_end || t.type == TokenType_block_end || t.type == TokenType_eof) return true;
    if (t.type == TokenType_operator && t.text == ")") return true;
    for (const char * name : extra)
        if (t.type == TokenType_name && t.text == name) return true;
    return false;
}

ExprPtr Parser::parse_tuple(bool with_condexpr, std::initializer_list<const char *> extra, bool explicit_parens) {
    size_t offset = cur().offset;
    std::vector<ExprPtr> items;
    bool tuple = false;
    for (;;) {
        if (!items.empty()) expect_op(",");
        if (is_tuple_end(extra)) break;
        items.push_back(parse_expression(with_condexpr));
        if (is_op(","))
            tuple = true;
        else
            break;
    }
    if (!tuple) {
        if (!items.empty()) return std::move(items.front());
        if (!explicit_parens) unexpected("expression");
    }
    auto t = make(ExprKind_tuple, offset);
    t->args = std::move(items);
    return sealed(std::move(t));
}

ExprPtr Parser::parse_expression(bool with_condexpr) {
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

ExprPtr Parser::binary(const char * op, ExprPtr left, ExprPtr right, size_t offset) {
    auto b = make(ExprKind_binary, offset);
    b->name = op;
    b->a = std::move(left);
    b->args.push_back(std::move(right));
    return sealed(std::move(b));
}

ExprPtr Parser::parse_or() {
    ExprPtr e = parse_and();
    while (is_name("or")) {
        size_t offset = cur().offset;
        next();
        e = binary("or", std::move(e), parse_and(), offset);
    }
    return e;
}

ExprPtr Parser::parse_and() {
    ExprPtr e = parse_not();
    while (is_name("and")) {
        size_t offset = cur().offset;
        next();
        e = binary("and", std::move(e), parse_not(), offset);
    }
    return e;
}

ExprPtr Parser::parse_not() {
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

ExprPtr Parser::parse_compare() {
    size_t offset = cur().offset;
    ExprPtr first = parse_math1();
    ExprPtr cmp;
    for (;;) {
        std::string op;
        const Token & t = cur();
        if (t.type == TokenType_operator &&
            (t.text == "==" || t.text == "!=" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">=")) {
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

ExprPtr Parser::parse_math1() {
    ExprPtr e = parse_concat();
    while (is_op("+") || is_op("-")) {
        size_t offset = cur().offset;
        const char * op = is_op("+") ? "+" : "-";
        next();
        e = binary(op, std::move(e), parse_concat(), offset);
    }
    return e;
}

ExprPtr Parser::parse_concat() {
    ExprPtr e = parse_math2();
    while (is_op("~")) {
        size_t offset = cur().offset;
        next();
        e = binary("~", std::move(e), parse_math2(), offset);
    }
    return e;
}

ExprPtr Parser::parse_math2() {
    ExprPtr e = parse_pow();
    for (;;) {
        const char * op = is_op("*") ? "*" : is_op("/") ? "/" : is_op("//") ? "//" : is_op("%") ? "%" : nullptr;
        if (!op) return e;
        size_t offset = cur().offset;
        next();
        e = binary(op, std::move(e), parse_pow(), offset);
    }
}

ExprPtr Parser::parse_pow() {
    ExprPtr e = parse_unary(true);
    while (is_op("**")) {
        size_t offset = cur().offset;
        next();
        e = binary("**", std::move(e), parse_unary(true), offset);
    }
    return e;
}

ExprPtr Parser::parse_unary(bool with_filter) {
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

ExprPtr Parser::parse_primary() {
    const Token & t = cur();
    auto e = make(ExprKind_constant, t.offset);
    switch (t.type) {
        case TokenType_name:
            if (t.text == "true" || t.text == "True")
                e->value = Value::from(true);
            else if (t.text == "false" || t.text == "False")
                e->value = Value::from(false);
            else if (t.text == "none" || t.text == "None")
                e->value = Value::none();
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
        case TokenType_integer:
            e->value = Value::from(t.integer);
            next();
            return e;
        case TokenType_float:
            e->value = Value::from(t.number);
            next();
            return e;
        default:
            break;
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

ExprPtr Parser::parse_postfix(ExprPtr e) {
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

ExprPtr Parser::parse_subscript(ExprPtr e) {
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

ExprPtr Parser::parse_subscribed() {
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

void Parser::parse_call_args(Expr & call) {
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

ExprPtr Parser::parse_filter(ExprPtr e, bool start_inline) {
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

ExprPtr Parser::parse_filter_expr(ExprPtr e) {
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

}  // namespace hearth::jinja
