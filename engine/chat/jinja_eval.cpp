// Expression evaluation: names, attribute and item access, operators, calls.
#include <cmath>

#include "chat/jinja_error.h"
#include "chat/jinja_interp.h"

namespace hearth::jinja {

namespace {

std::string missing_attribute(const Value & obj, const std::string & name) {
    return repr_string(object_type_repr(obj)) + " has no attribute " + repr_string(name);
}

[[noreturn]] void undefined_error(const Value & u) {
    fail("UndefinedError", u.text);
}

}  // namespace

Value Interp::eval(const Expr & e) {
    step();
    EvalDepth guard(*this);
    size_t saved_offset = m_offset;
    m_offset = e.offset;
    Value result;
    switch (e.kind) {
        case ExprKind_constant:
            result = e.value;
            break;
        case ExprKind_name: {
            const Value * v = m_scope->lookup(e.name);
            result = v ? *v : Value::undefined(repr_string(e.name) + " is undefined");
            break;
        }
        case ExprKind_list:
        case ExprKind_tuple: {
            std::vector<Value> items;
            items.reserve(e.args.size());
            for (const auto & a : e.args) items.push_back(eval(*a));
            result = Value::from(std::move(items), e.kind == ExprKind_tuple);
            break;
        }
        case ExprKind_dict: {
            result = Value::new_dict();
            for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
                Value key = eval(*e.args[i]);
                if (key.is_list() && !key.list->tuple) type_error("unhashable type: 'list'");
                if (key.is_dict()) type_error("unhashable type: 'dict'");
                result.dict->set(key, eval(*e.args[i + 1]));
            }
            break;
        }
        case ExprKind_getattr:
            result = getattr(eval(*e.a), e.name);
            break;
        case ExprKind_getitem: {
            Value obj = eval(*e.a);
            result = getitem(obj, eval(*e.args[0]));
            break;
        }
        case ExprKind_slice:
            result = eval_slice(e);
            break;
        case ExprKind_call:
            result = eval_call(e);
            break;
        case ExprKind_filter:
            result = eval_filter(e, nullptr);
            break;
        case ExprKind_test: {
            Value operand = eval(*e.a);
            CallArgs args;
            eval_args(e, args);
            m_offset = e.offset;
            // Only a test in an if or inline-if can be unknown here (see check_names).
            if (!find_test(e.name)) fail("TemplateRuntimeError", "No test named " + repr_string(e.name) + " found.");
            result = Value::from(test(e.name, operand, args) != e.negated);
            break;
        }
        case ExprKind_unary: {
            Value v = eval(*e.a);
            if (e.name == "not") {
                result = Value::from(!truthy(v));
            } else {
                if (v.is_undefined()) undefined_error(v);
                if (!v.is_number()) type_error("bad operand type for unary " + e.name + ": '" + type_name(v) + "'");
                if (e.name == "+")
                    result = v.kind == Kind_boolean ? Value::from(v.as_int()) : v;
                else if (v.kind == Kind_float)
                    result = Value::from(-v.number);
                else
                    result = Value::from(-v.as_int());
            }
            break;
        }
        case ExprKind_binary:
            result = eval_binary(e);
            break;
        case ExprKind_compare:
            result = eval_compare(e);
            break;
        case ExprKind_condition:
            if (truthy(eval(*e.a)))
                result = eval(*e.args[0]);
            else if (e.args[1])
                result = eval(*e.args[1]);
            else
                result = Value::undefined("the inline if-expression on line " + line_of(e.offset) +
                                          " evaluated to false and no else section was defined.");
            break;
    }
    m_offset = saved_offset;
    return result;
}

Value Interp::getattr(const Value & obj, const std::string & name) {
    switch (obj.kind) {
        case Kind_undefined:
            undefined_error(obj);
        case Kind_dict: {
            if (obj.dict->tag == DictTag_plain) {
                Value m = find_method(obj, name);
                if (!m.is_undefined()) return m;
            }
            if (const Value * v = obj.dict->find(std::string_view(name))) return *v;
            break;
        }
        case Kind_string:
        case Kind_list: {
            Value m = find_method(obj, name);
            if (!m.is_undefined()) return m;
            break;
        }
        default:
            break;
    }
    return Value::undefined(missing_attribute(obj, name));
}

Value Interp::getitem(const Value & obj, const Value & key) {
    switch (obj.kind) {
        case Kind_undefined:
            undefined_error(obj);
        case Kind_dict:
            if (obj.dict->tag == DictTag_plain) {
                if (const Value * v = obj.dict->find(key)) return *v;
            } else if (key.is_string()) {
                if (const Value * v = obj.dict->find(std::string_view(key.text))) return *v;
            }
            break;
        case Kind_list:
        case Kind_string:
            if (key.is_integral()) {
                int64_t i = key.as_int();
                if (obj.is_list()) {
                    auto n = static_cast<int64_t>(obj.list->items.size());
                    if (i < 0) i += n;
                    if (i >= 0 && i < n) return obj.list->items[static_cast<size_t>(i)];
                } else {
                    std::vector<uint32_t> cps = decode_utf8(obj.text);
                    auto n = static_cast<int64_t>(cps.size());
                    if (i < 0) i += n;
                    if (i >= 0 && i < n) {
                        std::string out;
                        append_utf8(out, cps[static_cast<size_t>(i)]);
                        return Value::from(std::move(out));
                    }
                }
            }
            break;
        default:
            break;
    }
    if (key.is_string()) {
        Value attr = getattr(obj, key.text);
        return attr;
    }
    return Value::undefined(object_type_repr(obj) + " has no element " + repr(key));
}

namespace {

// Python's slice.indices(): clamps start/stop for a sequence of length n.
void slice_indices(int64_t n, const Value & start, const Value & stop, const Value & step, int64_t & b, int64_t & e,
                   int64_t & st) {
    st = step.is_integral() ? step.as_int() : 1;
    if (st == 0) fail("ValueError", "slice step cannot be zero");
    auto clamp = [&](const Value & v, int64_t dflt) {
        if (!v.is_integral()) return dflt;
        int64_t i = v.as_int();
        if (i < 0) {
            i += n;
            if (i < 0) i = st < 0 ? -1 : 0;
        } else if (i >= n) {
            i = st < 0 ? n - 1 : n;
        }
        return i;
    };
    b = clamp(start, st < 0 ? n - 1 : 0);
    e = clamp(stop, st < 0 ? -1 : n);
}

}  // namespace

Value Interp::eval_slice(const Expr & e) {
    Value obj = eval(*e.a);
    Value parts[3];
    for (int i = 0; i < 3; ++i)
        if (e.args[static_cast<size_t>(i)]) parts[i] = eval(*e.args[static_cast<size_t>(i)]);
    for (const Value & p : parts)
        if (!p.is_undefined() && !p.is_none() && !p.is_integral())
            type_error("slice indices must be integers or None or have an __index__ method");
    if (obj.is_undefined()) undefined_error(obj);
    std::vector<uint32_t> cps;
    int64_t n = 0;
    if (obj.is_list())
        n = static_cast<int64_t>(obj.list->items.size());
    else if (obj.is_string())
        n = static_cast<int64_t>((cps = decode_utf8(obj.text)).size());
    else
        type_error("'" + type_name(obj) + "' object is not subscriptable");
    int64_t b = 0, end = 0, st = 1;
    slice_indices(n, parts[0], parts[1], parts[2], b, end, st);
    std::vector<Value> items;
    std::string text;
    for (int64_t i = b; st > 0 ? i < end : i > end; i += st) {
        if (obj.is_list())
            items.push_back(obj.list->items[static_cast<size_t>(i)]);
        else
            append_utf8(text, cps[static_cast<size_t>(i)]);
    }
    if (obj.is_list()) return Value::from(std::move(items), obj.list->tuple);
    return Value::from(std::move(text));
}

Value Interp::eval_binary(const Expr & e) {
    Value left = eval(*e.a);
    if (e.name == "and") return truthy(left) ? eval(*e.args[0]) : left;
    if (e.name == "or") return truthy(left) ? left : eval(*e.args[0]);
    Value right = eval(*e.args[0]);
    m_offset = e.offset;
    return binary_op(*this, e.name, left, right);
}

Value Interp::eval_compare(const Expr & e) {
    Value left = eval(*e.a);
    for (size_t i = 0; i < e.ops.size(); ++i) {
        Value right = eval(*e.args[i]);
        const std::string & op = e.ops[i];
        bool ok;
        if (op == "==")
            ok = equals(left, right);
        else if (op == "!=")
            ok = !equals(left, right);
        else if (op == "in")
            ok = contains(right, left);
        else if (op == "not in")
            ok = !contains(right, left);
        else {
            if (left.is_undefined()) undefined_error(left);
            if (right.is_undefined()) undefined_error(right);
            m_offset = e.offset;
            int c = compare(left, right);
            ok = op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
        }
        if (!ok) return Value::from(false);
        left = std::move(right);
    }
    return Value::from(true);
}

void Interp::eval_args(const Expr & e, CallArgs & args) {
    for (const auto & a : e.args) args.positional.push_back(eval(*a));
    for (const auto & kw : e.kwargs) args.keywords.emplace_back(kw.first, eval(*kw.second));
}

Value Interp::eval_call(const Expr & e) {
    Value callee = eval(*e.a);
    CallArgs args;
    eval_args(e, args);
    m_offset = e.offset;
    return call(callee, args);
}

Value Interp::call(const Value & callee, CallArgs & args) {
    if (callee.is_undefined()) undefined_error(callee);
    if (callee.is_dict() && callee.dict->callable) return callee.dict->callable->call(*this, args);
    if (callee.kind != Kind_function) type_error("'" + type_name(callee) + "' object is not callable");
    return callee.function->call(*this, args);
}

Value Interp::eval_filter(const Expr & e, const Value * operand) {
    Value input = e.a ? (e.a->kind == ExprKind_filter ? eval_filter(*e.a, operand) : eval(*e.a)) : *operand;
    CallArgs args;
    eval_args(e, args);
    size_t saved = m_offset;
    m_offset = e.offset;
    // jinja2 binds an unknown filter of an if or inline-if to a stub that
    // raises when called, after its arguments were evaluated.
    if (!find_filter(e.name)) fail("TemplateRuntimeError", "No filter named " + repr_string(e.name) + " found.");
    Value out = filter(e.name, input, args);
    m_offset = saved;
    return out;
}

Value Interp::filter(const std::string & name, const Value & operand, CallArgs & args) {
    FilterFn f = find_filter(name);
    // Environment.call_filter, as map('name') reaches it.
    if (!f) fail("TemplateRuntimeError", "No filter named " + repr_string(name) + ".");
    step();
    return f(*this, operand, args);
}

bool Interp::test(const std::string & name, const Value & operand, CallArgs & args) {
    TestFn t = find_test(name);
    if (!t) fail("TemplateRuntimeError", "No test named " + repr_string(name) + ".");
    step();
    return t(*this, operand, args);
}

}  // namespace hearth::jinja
