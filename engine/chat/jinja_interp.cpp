#include "chat/jinja_interp.h"

#include <algorithm>

#include "chat/jinja_error.h"
#include "chat/jinja_lexer.h"

namespace hearth::jinja {

const Value * Scope::lookup(const std::string & name) const {
    for (const Scope * s = this; s; s = s->parent.get()) {
        auto it = s->vars.find(name);
        if (it != s->vars.end()) return &it->second;
    }
    return nullptr;
}

Interp::Interp(const JinjaRenderOptions & options, std::string_view source, std::string template_name)
    : m_options(options), m_source(source), m_name(std::move(template_name)) {
    if (options.now) {
        m_now = *options.now;
    } else {
        std::time_t t = std::time(nullptr);
        localtime_r(&t, &m_now);
    }
}

Interp::~Interp() {
    for (auto & weak : m_closure_scopes)
        if (auto scope = weak.lock()) scope->vars.clear();
    // Every namespace is still held here, so emptying one only drops
    // references to the others: no destructor recurses through a chain.
    for (auto & ns : m_namespaces) ns->entries.clear();
}

namespace {

template <typename T>
void drop_expired(std::vector<std::weak_ptr<T>> & v) {
    v.erase(std::remove_if(v.begin(), v.end(), [](const std::weak_ptr<T> & w) { return w.expired(); }), v.end());
}

// A namespace nobody else holds is freed; its entries are plain values of
// bounded depth and references to namespaces that are still held here.
void drop_unreferenced(std::vector<DictPtr> & v) {
    v.erase(std::remove_if(v.begin(), v.end(), [](const DictPtr & d) { return d.use_count() == 1; }), v.end());
}

// Where this frame sits on the machine stack. The frame address, not a
// local's: ASan may move locals to a heap "fake stack".
uintptr_t stack_position() {
#if defined(__GNUC__) || defined(__clang__)
    return reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
#else
    volatile char here = 0;
    return reinterpret_cast<uintptr_t>(&here);
#endif
}

thread_local Interp * t_rendering = nullptr;  // the render whose budget value walks charge

}  // namespace

void walk_step() {
    if (t_rendering) {
        t_rendering->step();
        t_rendering->check_stack();  // the walks recurse: their frames count too
    }
}

void walk_size(size_t bytes) {
    if (t_rendering) t_rendering->check_size(bytes);
}

void Interp::track(const DictPtr & ns) {
    if (ns) m_namespaces.push_back(ns);
    if (m_namespaces.size() + m_closure_scopes.size() >= m_compact_at) {
        drop_unreferenced(m_namespaces);
        drop_expired(m_closure_scopes);
        m_compact_at = std::max<size_t>(64, 2 * (m_namespaces.size() + m_closure_scopes.size()));
    }
}

Interp::CallDepth::CallDepth(Interp & in) : in(in) {
    if (++in.m_depth > in.m_options.limits.max_call_depth) {
        --in.m_depth;
        fail("LimitError", "macro calls nested deeper than " + std::to_string(in.m_options.limits.max_call_depth));
    }
}

void Interp::enter_eval() {
    check_stack();  // first: a failure leaves no count to undo
    if (++m_eval_depth > kMaxEvalDepth) {
        --m_eval_depth;
        fail("LimitError", "expressions and macro calls nested too deeply");
    }
}

// Frames differ in size between builds (sanitizers, debug), so the stack
// itself is measured as well as the nesting: from the frame of render().
void Interp::check_stack() const {
    const uintptr_t at = stack_position();
    const size_t used = at < m_stack_base ? m_stack_base - at : at - m_stack_base;
    if (used > m_options.limits.max_stack_bytes)
        fail("LimitError", "the template recursed through more than " +
                               std::to_string(m_options.limits.max_stack_bytes) + " bytes of stack");
}

void Interp::step() {
    if (++m_steps > m_options.limits.max_steps)
        fail("LimitError",
             "the template exceeded its budget of " + std::to_string(m_options.limits.max_steps) + " evaluation steps");
}

void Interp::check_size(size_t size) const {
    if (size > m_options.limits.max_output_bytes)
        fail("LimitError", "the template built a value or output larger than " +
                               std::to_string(m_options.limits.max_output_bytes) + " bytes");
}

void Interp::write(std::string_view text) {
    check_size(m_out->size() + text.size());
    m_out->append(text);
}

std::string Interp::render(const Body & body, const Value & context) {
    auto globals = std::make_shared<Scope>();
    install_globals(*globals);
    m_scope = std::make_shared<Scope>();
    m_scope->parent = globals;
    if (context.is_dict())
        for (const auto & e : context.dict->entries)
            if (e.first.is_string()) m_scope->vars[e.first.text] = e.second;
    std::string out;
    m_out = &out;
    m_stack_base = stack_position();
    Interp * outer = t_rendering;
    t_rendering = this;
    try {
        exec(body);
    } catch (const RenderError & e) {
        t_rendering = outer;
        int line = 0, column = 0;
        line_column(m_source, m_offset, line, column);
        throw JinjaError(e.kind, e.message, m_name, line, column);
    } catch (...) {
        t_rendering = outer;
        throw;
    }
    t_rendering = outer;
    return out;
}

void Interp::exec(const Body & body) {
    for (const auto & s : body) {
        exec(*s);
        if (m_control != Control_none) return;
    }
}

void Interp::exec(const Stmt & s) {
    step();
    m_offset = s.offset;
    switch (s.kind) {
        case StmtKind_text:
            write(s.text);
            break;
        case StmtKind_print: {
            Value v = eval(*s.expr);
            write(to_str(v));
            break;
        }
        case StmtKind_if:
            if (truthy(eval(*s.expr)))
                exec(s.body);
            else
                exec(s.orelse);
            break;
        case StmtKind_for:
            exec_for(s);
            break;
        case StmtKind_set:
            assign(*s.target, eval(*s.expr));
            break;
        case StmtKind_set_block:
            exec_set(s);
            break;
        case StmtKind_macro:
            exec_macro(s);
            break;
        case StmtKind_call_block:
            exec_call_block(s);
            break;
        case StmtKind_filter: {
            Value text = Value::from(capture(s.body, std::make_shared<Scope>(Scope{{}, m_scope})));
            write(to_str(eval_filter(*s.expr, &text)));
            break;
        }
        case StmtKind_break:
            m_control = Control_break;
            break;
        case StmtKind_continue:
            m_control = Control_continue;
            break;
        case StmtKind_scope: {
            auto scope = std::make_shared<Scope>();
            scope->parent = m_scope;
            std::vector<Value> values;
            for (const auto & a : s.assignments) values.push_back(eval(*a.second));
            ScopePtr saved = m_scope;
            m_scope = scope;
            for (size_t i = 0; i < values.size(); ++i) assign(*s.assignments[i].first, values[i]);
            exec(s.body);
            m_scope = saved;
            break;
        }
    }
}

std::string Interp::capture(const Body & body, ScopePtr scope) {
    std::string buffer;
    std::string * saved_out = m_out;
    ScopePtr saved_scope = m_scope;
    m_out = &buffer;
    m_scope = std::move(scope);
    exec(body);
    m_out = saved_out;
    m_scope = saved_scope;
    return buffer;
}

void Interp::exec_set(const Stmt & s) {
    // A block set renders in the current scope: it may read and set variables.
    std::string buffer;
    std::string * saved = m_out;
    m_out = &buffer;
    exec(s.body);
    m_out = saved;
    Value v = Value::from(std::move(buffer));
    if (s.expr) v = eval_filter(*s.expr, &v);
    assign(*s.target, v);
}

Value Interp::make_loop(const std::vector<Value> & items, size_t i, const Value & cycle, int64_t depth0,
                        const FunctionPtr & recurse) {
    Value loop = Value::new_dict(DictTag_object);
    loop.dict->type_name = "LoopContext";
    loop.dict->callable = recurse;
    auto & d = *loop.dict;
    const auto n = static_cast<int64_t>(items.size());
    const auto idx = static_cast<int64_t>(i);
    d.set(Value::from("index"), Value::from(idx + 1));
    d.set(Value::from("index0"), Value::from(idx));
    d.set(Value::from("revindex"), Value::from(n - idx));
    d.set(Value::from("revindex0"), Value::from(n - idx - 1));
    d.set(Value::from("first"), Value::from(i == 0));
    d.set(Value::from("last"), Value::from(idx == n - 1));
    d.set(Value::from("length"), Value::from(n));
    d.set(Value::from("depth"), Value::from(depth0 + 1));
    d.set(Value::from("depth0"), Value::from(depth0));
    d.set(Value::from("previtem"), i > 0 ? items[i - 1] : Value::undefined("there is no previous item"));
    d.set(Value::from("nextitem"), idx + 1 < n ? items[i + 1] : Value::undefined("there is no next item"));
    d.set(Value::from("cycle"), cycle);
    return loop;
}

// What calling `loop` does: for a `recursive` loop, render the loop's body
// over another iterable one level deeper (in the scope the for statement ran
// in, as jinja2's loop function closes over it) and return the text.
FunctionPtr Interp::loop_recursion(const Stmt & s, const ScopePtr & outer, int64_t depth0) {
    auto f = std::make_shared<Function>();
    f->name = "loop";
    if (!s.recursive) {
        f->call = [](Interp &, CallArgs &) -> Value {
            type_error("The loop must have the 'recursive' marker to be called recursively.");
        };
        return f;
    }
    const Stmt * stmt = &s;
    f->call = [stmt, outer, depth0](Interp & in, CallArgs & args) -> Value {
        if (args.positional.size() != 1 || !args.keywords.empty())
            type_error("LoopContext.__call__() takes 2 positional arguments but " +
                       std::to_string(args.positional.size() + args.keywords.size() + 1) + " were given");
        CallDepth guard(in);
        std::string buffer;
        std::string * saved_out = in.m_out;
        Control saved_control = in.m_control;
        in.m_out = &buffer;
        in.m_control = Control_none;
        in.run_loop(*stmt, args.positional[0], outer, depth0 + 1);
        in.m_out = saved_out;
        in.m_control = saved_control;
        return Value::from(std::move(buffer));
    };
    return f;
}

void Interp::exec_for(const Stmt & s) {
    Value iterable = eval(*s.expr);
    run_loop(s, iterable, m_scope, 0);
}

void Interp::run_loop(const Stmt & s, const Value & iterable, const ScopePtr & outer, int64_t depth0) {
    std::vector<Value> all = iterate(iterable);
    ScopePtr saved = m_scope;
    auto child = [&outer] {
        auto scope = std::make_shared<Scope>();
        scope->parent = outer;
        return scope;
    };
    std::vector<Value> items;
    if (s.cond) {
        m_scope = child();
        for (auto & v : all) {
            step();
            assign(*s.target, v);
            if (truthy(eval(*s.cond))) items.push_back(std::move(v));
        }
        m_scope = saved;
    } else {
        items = std::move(all);
    }
    auto index = std::make_shared<size_t>(0);
    auto cycle = std::make_shared<Function>();
    cycle->name = "cycle";
    cycle->call = [index](Interp &, CallArgs & args) -> Value {
        if (args.positional.empty()) fail("TypeError", "no items for cycling given");
        return args.positional[*index % args.positional.size()];
    };
    Value cycle_value = Value::from(cycle);
    FunctionPtr recurse = loop_recursion(s, outer, depth0);
    for (size_t i = 0; i < items.size(); ++i) {
        step();  // an empty body still costs an iteration
        // jinja2 gives every iteration fresh locals: `set` in one iteration is
        // not seen by the next (hence namespace()).
        m_scope = child();
        *index = i;
        m_scope->vars["loop"] = make_loop(items, i, cycle_value, depth0, recurse);
        assign(*s.target, items[i]);
        exec(s.body);
        m_scope = saved;
        if (m_control == Control_break) {
            m_control = Control_none;
            break;
        }
        m_control = Control_none;
    }
    if (items.empty()) {
        m_scope = child();  // the else block's `set` does not leak either
        exec(s.orelse);
        m_scope = saved;
    }
}

void Interp::assign(const Expr & target, const Value & value) {
    if (target.kind == ExprKind_name) {
        m_scope->vars[target.name] = value;
        return;
    }
    if (target.kind == ExprKind_getattr) {
        Value ns = eval(*target.a);
        if (!ns.is_dict() || ns.dict->tag != DictTag_namespace)
            fail("TemplateRuntimeError", "cannot assign attribute on non-namespace object");
        ns.dict->set(Value::from(target.name), value);
        return;
    }
    std::vector<Value> items = iterate(value);
    if (items.size() != target.args.size())
        fail("ValueError", items.size() > target.args.size()
                               ? "too many values to unpack (expected " + std::to_string(target.args.size()) + ")"
                               : "not enough values to unpack (expected " + std::to_string(target.args.size()) +
                                     ", got " + std::to_string(items.size()) + ")");
    for (size_t i = 0; i < items.size(); ++i) assign(*target.args[i], items[i]);
}

void Interp::exec_macro(const Stmt & s) {
    m_scope->vars[s.name] = make_macro(s, m_scope, false);
}

Value Interp::make_macro(const Stmt & s, ScopePtr scope, bool is_caller) {
    if (m_closure_scopes.empty() || m_closure_scopes.back().lock() != scope) {
        m_closure_scopes.push_back(scope);
        track(nullptr);
    }
    auto f = std::make_shared<Function>();
    f->name = is_caller ? "caller" : s.name;
    const Stmt * stmt = &s;
    f->call = [stmt, scope](Interp & in, CallArgs & args) -> Value {
        CallDepth guard(in);
        auto local = std::make_shared<Scope>();
        local->parent = scope;
        ScopePtr saved_scope = in.m_scope;
        in.m_scope = local;
        const auto & params = stmt->params;
        std::vector<Value> varargs;
        for (size_t i = params.size(); i < args.positional.size(); ++i) varargs.push_back(args.positional[i]);
        Value kwargs = Value::new_dict();
        for (const auto & kw : args.keywords) {
            bool is_param = false;
            for (const auto & p : params) is_param = is_param || p == kw.first;
            if (kw.first == "caller")
                local->vars["caller"] = kw.second;
            else if (!is_param)
                kwargs.dict->set(Value::from(kw.first), kw.second);
        }
        for (size_t i = 0; i < params.size(); ++i) {
            const Value * given = args.get(i, params[i]);
            if (given)
                local->vars[params[i]] = *given;
            else if (stmt->defaults[i])
                local->vars[params[i]] = in.eval(*stmt->defaults[i]);
            else
                local->vars[params[i]] = Value::undefined("parameter '" + params[i] + "' was not provided");
        }
        local->vars["varargs"] = Value::from(std::move(varargs), true);
        local->vars["kwargs"] = kwargs;
        std::string buffer;
        std::string * saved_out = in.m_out;
        Control saved_control = in.m_control;
        in.m_out = &buffer;
        in.m_control = Control_none;
        in.exec(stmt->body);
        in.m_out = saved_out;
        in.m_control = saved_control;
        in.m_scope = saved_scope;
        return Value::from(std::move(buffer));
    };
    return Value::from(f);
}

void Interp::exec_call_block(const Stmt & s) {
    const Expr & call_expr = *s.expr;
    Value callee = eval(*call_expr.a);
    CallArgs args;
    eval_args(call_expr, args);
    args.keywords.emplace_back("caller", make_macro(s, m_scope, true));
    write(to_str(call(callee, args)));
}

}  // namespace hearth::jinja
