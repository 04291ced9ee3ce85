#include "chat/jinja_parser.h"

#include "chat/jinja_parser_impl.h"

namespace hearth::jinja {

// Parses until a block tag whose name is in `ends`; consumes that name and
// returns it (the caller consumes the rest of the tag). Empty at EOF.
std::string Parser::parse_body(Body & body, std::initializer_list<const char *> ends) {
    Depth guard(*this);
    for (;;) {
        const Token & t = cur();
        if (t.type == TokenType_eof) {
            if (ends.size() != 0)
                syntax_error("unexpected end of template, expected '" + std::string(*ends.begin()) + "'", t.offset);
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

StmtPtr Parser::parse_statement() {
    size_t offset = cur().offset;
    std::string tag = expect_name();
    auto s = std::make_unique<Stmt>();
    s->offset = offset;
    if (tag == "if")
        parse_if(*s);
    else if (tag == "for")
        parse_for(*s);
    else if (tag == "set")
        parse_set(*s);
    else if (tag == "macro")
        parse_macro(*s);
    else if (tag == "call")
        parse_call_block(*s);
    else if (tag == "filter")
        parse_filter_block(*s);
    else if (tag == "break" || tag == "continue") {
        s->kind = tag == "break" ? StmtKind_break : StmtKind_continue;
        expect_block_end();
    } else if (tag == "generation") {
        s->kind = StmtKind_scope;
        expect_block_end();
        parse_body(s->body, {"endgeneration"});
        expect_block_end();
    } else if (tag == "with")
        parse_with(*s);
    else if (tag == "print") {
        s->kind = StmtKind_print;
        s->expr = parse_tuple(true, {});
        expect_block_end();
    } else {
        syntax_error("Encountered unknown tag '" + tag + "'.", offset);
    }
    return s;
}

void Parser::parse_if(Stmt & s) {
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

void Parser::parse_for(Stmt & s) {
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

void Parser::parse_set(Stmt & s) {
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

void Parser::parse_params(Stmt & s) {
    expect_op("(");
    while (!is_op(")")) {
        if (!s.params.empty()) expect_op(",");
        if (is_op(")")) break;
        s.params.push_back(expect_name());
        s.defaults.push_back(skip_op("=") ? parse_expression(true) : nullptr);
    }
    next();
}

void Parser::parse_macro(Stmt & s) {
    s.kind = StmtKind_macro;
    s.name = expect_name();
    parse_params(s);
    expect_block_end();
    parse_body(s.body, {"endmacro"});
    if (cur().type == TokenType_name) next();  // {% endmacro name %}
    expect_block_end();
}

void Parser::parse_call_block(Stmt & s) {
    s.kind = StmtKind_call_block;
    if (is_op("(")) parse_params(s);
    s.expr = parse_expression(true);
    if (s.expr->kind != ExprKind_call) syntax_error("expected call", s.expr->offset);
    expect_block_end();
    parse_body(s.body, {"endcall"});
    expect_block_end();
}

void Parser::parse_filter_block(Stmt & s) {
    s.kind = StmtKind_filter;
    s.expr = parse_filter(nullptr, true);
    expect_block_end();
    parse_body(s.body, {"endfilter"});
    expect_block_end();
}

void Parser::parse_with(Stmt & s) {
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

ExprPtr Parser::parse_assign_target(bool with_namespace) {
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

Body parse(std::string_view source, const LexOptions & options) {
    return Parser(tokenize(source, options)).parse_template();
}

}  // namespace hearth::jinja
