// The Jinja syntax tree. Nodes keep the byte offset of their first token so
// a render error can name the line and column.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chat/jinja_value.h"

namespace hearth::jinja {

enum ExprKind {
    ExprKind_constant,   // value
    ExprKind_name,       // name
    ExprKind_list,       // args: items
    ExprKind_tuple,      // args: items
    ExprKind_dict,       // args: key, value, key, value...
    ExprKind_getattr,    // a.name
    ExprKind_getitem,    // a[args[0]]
    ExprKind_slice,      // a[args[0]:args[1]:args[2]], each may be null
    ExprKind_call,       // a(args, kwargs)
    ExprKind_filter,     // a | name(args, kwargs); a is null in a filter block
    ExprKind_test,       // a is [not] name(args, kwargs)
    ExprKind_unary,      // name is "-", "+" or "not"; operand a
    ExprKind_binary,     // name is the operator: + - * / // % ** ~ and or
    ExprKind_compare,    // a, then ops[i] against args[i]
    ExprKind_condition,  // args[0] if a else args[1] (args[1] may be null)
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
    ExprKind kind = ExprKind_constant;
    size_t offset = 0;
    Value value;
    std::string name;
    bool negated = false;
    ExprPtr a;
    std::vector<ExprPtr> args;
    std::vector<std::pair<std::string, ExprPtr>> kwargs;
    std::vector<std::string> ops;
    int depth = 1;  // of the subtree; bounded by the parser so evaluation cannot exhaust the stack
};

enum StmtKind {
    StmtKind_text,        // text
    StmtKind_print,       // {{ expr }}
    StmtKind_if,          // if expr: body else: orelse (elif nests an if in orelse)
    StmtKind_for,         // for target in expr [if cond]: body else: orelse
    StmtKind_set,         // set target = expr
    StmtKind_set_block,   // set target [| filter] %}body{% endset; filter in expr
    StmtKind_macro,       // macro name(params=defaults): body
    StmtKind_call_block,  // call(params) expr: body
    StmtKind_filter,      // filter expr: body
    StmtKind_break,
    StmtKind_continue,
    StmtKind_scope,  // generation, with: body in its own scope (with: targets = values)
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct Stmt {
    StmtKind kind = StmtKind_text;
    size_t offset = 0;
    std::string text;
    ExprPtr expr;
    ExprPtr target;
    ExprPtr cond;
    Body body;
    Body orelse;
    bool recursive = false;
    std::string name;
    std::vector<std::string> params;
    std::vector<ExprPtr> defaults;                         // one per param; null when none
    std::vector<std::pair<ExprPtr, ExprPtr>> assignments;  // with
};

}  // namespace hearth::jinja
