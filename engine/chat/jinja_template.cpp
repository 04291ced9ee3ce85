// hearth::JinjaTemplate: parse once, render many times; and the globals
// every render sees (range, namespace, dict, joiner, raise_exception,
// strftime_now).
#include <algorithm>
#include <cmath>
#include <ctime>

#include "chat/jinja_error.h"
#include "chat/jinja_interp.h"
#include "chat/jinja_json.h"
#include "chat/jinja_parser.h"
#include "hearth/jinja.h"

namespace hearth {

namespace {

std::string position_text(const std::string & name, int line, int column) {
    if (line <= 0) return name;
    return name + ":" + std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace

JinjaError::JinjaError(std::string kind, std::string reason, const std::string & template_name, int line, int column)
    : Error(ErrorCode_template, position_text(template_name, line, column) + ": " + kind + ": " + reason),
      m_kind(std::move(kind)),
      m_reason(std::move(reason)),
      m_line(line),
      m_column(column) {}

struct JinjaTemplate::Program {
    std::string name;
    std::string source;
    jinja::Body body;
};

namespace {

// jinja2 3.x resolves filter and test names when it compiles the template,
// except in a "soft frame" (compiler.py, Frame.soft()): the test and branches
// of an `if`, and all three parts of an inline `a if c else b`. There the
// check moves to the moment the filter runs, so an unknown filter in a branch
// that never runs is no error (DeepSeek V3.2/V4 call `from_json` so). A
// statement that opens a frame of its own (a for body or loop condition, a
// macro, call, filter, set or with block) is hard again, even inside an if;
// the expressions it evaluates in the enclosing frame (a for's iterable, a
// call block's call, a with's values) keep that frame's softness.
void check_names(const jinja::Body & body, bool soft);

void check_names(const jinja::Expr * e, bool soft) {
    if (!e) return;
    if (e->kind == jinja::ExprKind_condition) soft = true;
    if (!soft && e->kind == jinja::ExprKind_filter && !jinja::find_filter(e->name))
        jinja::syntax_error("No filter named " + jinja::repr_string(e->name) + ".", e->offset);
    if (!soft && e->kind == jinja::ExprKind_test && !jinja::find_test(e->name))
        jinja::syntax_error("No test named " + jinja::repr_string(e->name) + ".", e->offset);
    check_names(e->a.get(), soft);
    for (const auto & a : e->args) check_names(a.get(), soft);
    for (const auto & kw : e->kwargs) check_names(kw.second.get(), soft);
}

void check_names(const jinja::Stmt & s, bool soft) {
    switch (s.kind) {
        case jinja::StmtKind_if:
            check_names(s.expr.get(), true);
            check_names(s.body, true);
            check_names(s.orelse, true);
            return;
        case jinja::StmtKind_for:
            check_names(s.expr.get(), soft);
            check_names(s.cond.get(), false);
            check_names(s.body, false);
            check_names(s.orelse, false);
            return;
        case jinja::StmtKind_call_block:
            check_names(s.expr.get(), soft);
            break;
        case jinja::StmtKind_scope:
            for (const auto & a : s.assignments) check_names(a.second.get(), soft);
            break;
        case jinja::StmtKind_set_block:
        case jinja::StmtKind_filter:
            check_names(s.expr.get(), false);
            break;
        default:
            check_names(s.expr.get(), soft);
            break;
    }
    for (const auto & d : s.defaults) check_names(d.get(), false);
    check_names(s.body, false);
    check_names(s.orelse, false);
}

void check_names(const jinja::Body & body, bool soft) {
    for (const auto & s : body) check_names(*s, soft);
}

}  // namespace

JinjaTemplate::JinjaTemplate(std::string_view source, std::string name) {
    auto program = std::make_shared<Program>();
    program->name = std::move(name);
    program->source = std::string(source);
    try {
        program->body = jinja::parse(program->source, jinja::LexOptions{});
        check_names(program->body, false);
    } catch (const jinja::SyntaxError & e) {
        int line = 0, column = 0;
        jinja::line_column(program->source, e.offset, line, column);
        throw JinjaError(e.message.rfind("No ", 0) == 0 ? "TemplateAssertionError" : "TemplateSyntaxError", e.message,
                         program->name, line, column);
    }
    m_program = std::move(program);
}

JinjaTemplate::~JinjaTemplate() = default;

const std::string & JinjaTemplate::name() const noexcept {
    return m_program->name;
}

std::string JinjaTemplate::render(std::string_view context_json, const JinjaRenderOptions & options) const {
    jinja::Value context = jinja::parse_json(context_json);
    if (!context.is_dict()) throw Error(ErrorCode_format, "template context: expected a JSON object");
    jinja::Interp interp(options, m_program->source, m_program->name);
    return interp.render(m_program->body, context);
}

namespace jinja {

namespace {

FunctionPtr make_function(std::string name, std::function<Value(Interp &, CallArgs &)> fn) {
    auto f = std::make_shared<Function>();
    f->name = std::move(name);
    f->call = std::move(fn);
    return f;
}

Value g_range(Interp & in, CallArgs & a) {
    std::vector<int64_t> n;
    for (const Value & v : a.positional) {
        if (!v.is_integral()) type_error("'" + type_name(v) + "' object cannot be interpreted as an integer");
        n.push_back(v.as_int());
    }
    if (n.empty() || n.size() > 3) type_error("range expected 1 to 3 arguments");
    int64_t start = n.size() > 1 ? n[0] : 0, stop = n.size() > 1 ? n[1] : n[0], step = n.size() > 2 ? n[2] : 1;
    if (step == 0) fail("ValueError", "range() arg 3 must not be zero");
    double count =
        std::max(0.0, std::ceil((static_cast<double>(stop) - static_cast<double>(start)) / static_cast<double>(step)));
    in.check_size(static_cast<size_t>(std::min(count, 1e18)));
    std::vector<Value> out;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        out.push_back(Value::from(i));
        if ((step > 0 && i > INT64_MAX - step) || (step < 0 && i < INT64_MIN - step)) break;
    }
    return Value::from(std::move(out));
}

Value g_dict_like(CallArgs & a, DictTag tag) {
    Value d = Value::new_dict(tag);
    for (const Value & p : a.positional) {
        if (p.is_dict()) {
            for (const auto & e : p.dict->entries) d.dict->set(e.first, e.second);
        } else {
            for (const Value & pair : iterate(p)) {
                std::vector<Value> kv = iterate(pair);
                if (kv.size() != 2) fail("ValueError", "dictionary update sequence element has wrong length");
                d.dict->set(kv[0], kv[1]);
            }
        }
    }
    for (const auto & kw : a.keywords) d.dict->set(Value::from(kw.first), kw.second);
    return d;
}

Value g_strftime_now(Interp & in, CallArgs & a) {
    if (a.positional.empty() || !a.positional[0].is_string()) type_error("strftime_now() expects a format string");
    const std::string & fmt = a.positional[0].text;
    if (fmt.empty()) return Value::from("");
    std::string buf(fmt.size() * 8 + 64, '\0');
    size_t n = std::strftime(buf.data(), buf.size(), fmt.c_str(), &in.now());
    buf.resize(n);
    return Value::from(std::move(buf));
}

}  // namespace

void Interp::install_globals(Scope & globals) {
    globals.vars["range"] = Value::from(make_function("range", g_range));
    globals.vars["dict"] =
        Value::from(make_function("dict", [](Interp &, CallArgs & a) { return g_dict_like(a, DictTag_plain); }));
    globals.vars["namespace"] = Value::from(make_function("namespace", [](Interp & in, CallArgs & a) {
        Value ns = g_dict_like(a, DictTag_namespace);
        in.track(ns.dict);
        return ns;
    }));
    globals.vars["raise_exception"] = Value::from(make_function("raise_exception", [](Interp &, CallArgs & a) -> Value {
        fail("TemplateError", a.positional.empty() ? std::string() : to_str(a.positional[0]));
    }));
    globals.vars["strftime_now"] = Value::from(make_function("strftime_now", g_strftime_now));
    globals.vars["joiner"] = Value::from(make_function("joiner", [](Interp &, CallArgs & a) {
        std::string sep = a.positional.empty() ? ", " : to_str(a.positional[0]);
        auto used = std::make_shared<bool>(false);
        return Value::from(make_function("joiner", [sep, used](Interp &, CallArgs &) {
            bool was = *used;
            *used = true;
            return Value::from(was ? sep : std::string());
        }));
    }));
}

std::string Interp::line_of(size_t offset) const {
    int line = 0, column = 0;
    line_column(m_source, offset, line, column);
    return std::to_string(line);
}

}  // namespace jinja

}  // namespace hearth
