// The Jinja evaluator: walks the syntax tree with Python semantics.
//
// Scopes form a chain (template globals -> render context -> for/macro
// scopes); a for loop or macro call gets one child scope, so `set` inside it
// does not leak out, as in jinja2. Every node evaluation costs a step; the
// step budget, output cap and call depth bound a render.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "chat/jinja_ast.h"
#include "hearth/jinja.h"

namespace hearth::jinja {

struct Scope {
    std::unordered_map<std::string, Value> vars;
    std::shared_ptr<Scope> parent;

    const Value * lookup(const std::string & name) const;
};
using ScopePtr = std::shared_ptr<Scope>;

// Nested eval() frames allowed, across macro calls and recursive loops.
constexpr int kMaxEvalDepth = 3000;

class Interp {
public:
    Interp(const JinjaRenderOptions & options, std::string_view source, std::string template_name);
    ~Interp();
    Interp(const Interp &) = delete;
    Interp & operator=(const Interp &) = delete;

    // Macros capture their scope and namespaces can hold themselves: both
    // make shared_ptr cycles, broken when the render ends.
    // Also compacts the tracking lists; `ns` may be null.
    void track(const DictPtr & ns);

    // Throws hearth::JinjaError.
    std::string render(const Body & body, const Value & context);

    Value eval(const Expr & e);
    Value call(const Value & callee, CallArgs & args);
    Value getattr(const Value & obj, const std::string & name);
    Value getitem(const Value & obj, const Value & key);
    Value filter(const std::string & name, const Value & operand, CallArgs & args);
    bool test(const std::string & name, const Value & operand, CallArgs & args);

    void step();
    // Every eval() frame: bounds the nesting of expressions across macro
    // calls and recursive loops, by count and by bytes of stack.
    void enter_eval();
    // Fails with LimitError once the render uses more than limits.max_stack_bytes.
    void check_stack() const;
    void leave_eval() { --m_eval_depth; }
    struct EvalDepth {
        explicit EvalDepth(Interp & in) : in(in) { in.enter_eval(); }
        ~EvalDepth() { in.leave_eval(); }
        EvalDepth(const EvalDepth &) = delete;
        EvalDepth & operator=(const EvalDepth &) = delete;
        Interp & in;
    };
    // Fails when a string or list of `size` would pass the output cap.
    void check_size(size_t size) const;
    const std::tm & now() const { return m_now; }
    size_t limits_output() const { return m_options.limits.max_output_bytes; }
    // Python str.format / % formatting live in jinja_methods.cpp.
    std::string line_of(size_t offset) const;

private:
    void exec(const Body & body);
    void exec(const Stmt & s);
    void exec_for(const Stmt & s);
    void exec_set(const Stmt & s);
    void exec_macro(const Stmt & s);
    void exec_call_block(const Stmt & s);
    void assign(const Expr & target, const Value & value);
    std::string capture(const Body & body, ScopePtr scope);
    void write(std::string_view text);

    Value eval_binary(const Expr & e);
    Value eval_compare(const Expr & e);
    Value eval_slice(const Expr & e);
    Value eval_call(const Expr & e);
    Value eval_filter(const Expr & e, const Value * operand);
    void eval_args(const Expr & e, CallArgs & args);
    Value make_macro(const Stmt & s, ScopePtr scope, bool is_caller);
    void run_loop(const Stmt & s, const Value & iterable, const ScopePtr & outer, int64_t depth0);
    FunctionPtr loop_recursion(const Stmt & s, const ScopePtr & outer, int64_t depth0);
    Value make_loop(const std::vector<Value> & items, size_t index, const Value & cycle, int64_t depth0,
                    const FunctionPtr & recurse);
    // Macro calls and recursive loop() calls: at most limits.max_call_depth deep.
    struct CallDepth {
        explicit CallDepth(Interp & in);
        ~CallDepth() { --in.m_depth; }
        CallDepth(const CallDepth &) = delete;
        CallDepth & operator=(const CallDepth &) = delete;
        Interp & in;
    };
    void install_globals(Scope & globals);

    std::vector<std::weak_ptr<Scope>> m_closure_scopes;
    std::vector<DictPtr> m_namespaces;  // held until the render ends (see ~Interp)
    size_t m_compact_at = 64;           // drop expired entries when the lists reach this size
    JinjaRenderOptions m_options;
    std::string_view m_source;
    std::string m_name;
    std::tm m_now{};
    ScopePtr m_scope;
    std::string * m_out = nullptr;
    uint64_t m_steps = 0;
    int m_depth = 0;             // macro calls
    int m_eval_depth = 0;        // nested eval() frames, across macro calls: bounds the C++ stack
    uintptr_t m_stack_base = 0;  // address of a local of render()
    size_t m_offset = 0;         // of the node being evaluated, for error positions
    enum Control { Control_none, Control_break, Control_continue } m_control = Control_none;
};

// Registries in jinja_filters.cpp, jinja_tests.cpp and jinja_methods.cpp.
using FilterFn = Value (*)(Interp &, const Value &, CallArgs &);
using TestFn = bool (*)(Interp &, const Value &, CallArgs &);
FilterFn find_filter(const std::string & name);
TestFn find_test(const std::string & name);
// A bound method of a str, list or dict (`s.strip`, `d.items`), or Undefined.
Value find_method(const Value & self, const std::string & name);

// Python operators shared by the evaluator and the filters.
Value binary_op(Interp & in, const std::string & op, const Value & a, const Value & b);
bool contains(const Value & container, const Value & item);
std::vector<Value> iterate(const Value & v);  // Python iteration: dict keys, string chars
int64_t length(const Value & v);

}  // namespace hearth::jinja
