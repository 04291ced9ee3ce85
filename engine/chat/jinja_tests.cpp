// jinja2's tests: `x is defined`, `x is string`, `n is divisibleby 3`...
#include <map>

#include "chat/jinja_error.h"
#include "chat/jinja_interp.h"

namespace hearth::jinja {

namespace {

const Value & first_arg(CallArgs & a, const char * test) {
    if (a.positional.empty()) type_error(std::string(test) + "() missing 1 required positional argument");
    return a.positional[0];
}

bool t_defined(Interp &, const Value & v, CallArgs &) {
    return !v.is_undefined();
}
bool t_undefined(Interp &, const Value & v, CallArgs &) {
    return v.is_undefined();
}
bool t_none(Interp &, const Value & v, CallArgs &) {
    return v.is_none();
}
bool t_string(Interp &, const Value & v, CallArgs &) {
    return v.is_string();
}
bool t_mapping(Interp &, const Value & v, CallArgs &) {
    return v.is_dict() && v.dict->tag == DictTag_plain;
}
bool t_iterable(Interp &, const Value & v, CallArgs &) {
    return v.is_undefined() || v.is_string() || v.is_list() || (v.is_dict() && v.dict->tag == DictTag_plain);
}
bool t_sequence(Interp & in, const Value & v, CallArgs & a) {
    return t_iterable(in, v, a);
}
bool t_number(Interp &, const Value & v, CallArgs &) {
    return v.is_number();
}
bool t_integer(Interp &, const Value & v, CallArgs &) {
    return v.kind == Kind_integer;
}
bool t_float(Interp &, const Value & v, CallArgs &) {
    return v.kind == Kind_float;
}
bool t_boolean(Interp &, const Value & v, CallArgs &) {
    return v.kind == Kind_boolean;
}
bool t_true(Interp &, const Value & v, CallArgs &) {
    return v.kind == Kind_boolean && v.boolean;
}
bool t_false(Interp &, const Value & v, CallArgs &) {
    return v.kind == Kind_boolean && !v.boolean;
}
bool t_callable(Interp &, const Value & v, CallArgs &) {
    return v.kind == Kind_function || (v.is_dict() && v.dict->callable);
}

int64_t int_operand(const Value & v, const char * test) {
    if (v.is_undefined()) fail("UndefinedError", v.text);
    if (!v.is_integral()) type_error(std::string("unsupported operand type for ") + test + ": '" + type_name(v) + "'");
    return v.as_int();
}

bool t_even(Interp &, const Value & v, CallArgs &) {
    return int_operand(v, "even") % 2 == 0;
}
bool t_odd(Interp &, const Value & v, CallArgs &) {
    return int_operand(v, "odd") % 2 != 0;
}
bool t_divisibleby(Interp &, const Value & v, CallArgs & a) {
    int64_t d = int_operand(first_arg(a, "divisibleby"), "divisibleby");
    if (d == 0) fail("ZeroDivisionError", "integer division or modulo by zero");
    return int_operand(v, "divisibleby") % d == 0;
}
bool t_in(Interp &, const Value & v, CallArgs & a) {
    return contains(first_arg(a, "in"), v);
}
bool t_eq(Interp &, const Value & v, CallArgs & a) {
    return equals(v, first_arg(a, "eq"));
}
bool t_ne(Interp &, const Value & v, CallArgs & a) {
    return !equals(v, first_arg(a, "ne"));
}
bool t_lt(Interp &, const Value & v, CallArgs & a) {
    return compare(v, first_arg(a, "lt")) < 0;
}
bool t_le(Interp &, const Value & v, CallArgs & a) {
    return compare(v, first_arg(a, "le")) <= 0;
}
bool t_gt(Interp &, const Value & v, CallArgs & a) {
    return compare(v, first_arg(a, "gt")) > 0;
}
bool t_ge(Interp &, const Value & v, CallArgs & a) {
    return compare(v, first_arg(a, "ge")) >= 0;
}
bool t_sameas(Interp &, const Value & v, CallArgs & a) {
    const Value & o = first_arg(a, "sameas");
    if (v.kind != o.kind) return false;
    switch (v.kind) {
        case Kind_list:
            return v.list == o.list;
        case Kind_dict:
            return v.dict == o.dict;
        case Kind_function:
            return v.function == o.function;
        default:
            return equals(v, o);
    }
}
bool t_lower(Interp &, const Value & v, CallArgs &) {
    std::string s = to_str(v);
    bool cased = false;
    for (char c : s) {
        if (c >= 'A' && c <= 'Z') return false;
        if (c >= 'a' && c <= 'z') cased = true;
    }
    return cased;
}
bool t_upper(Interp &, const Value & v, CallArgs &) {
    std::string s = to_str(v);
    bool cased = false;
    for (char c : s) {
        if (c >= 'a' && c <= 'z') return false;
        if (c >= 'A' && c <= 'Z') cased = true;
    }
    return cased;
}
bool t_escaped(Interp &, const Value &, CallArgs &) {
    return false;
}
bool t_filter(Interp &, const Value & v, CallArgs &) {
    return v.is_string() && find_filter(v.text) != nullptr;
}
bool t_test(Interp &, const Value & v, CallArgs &) {
    return v.is_string() && find_test(v.text) != nullptr;
}

}  // namespace

TestFn find_test(const std::string & name) {
    static const std::map<std::string, TestFn> table = {
        {"defined", t_defined},
        {"undefined", t_undefined},
        {"none", t_none},
        {"string", t_string},
        {"mapping", t_mapping},
        {"iterable", t_iterable},
        {"sequence", t_sequence},
        {"number", t_number},
        {"integer", t_integer},
        {"float", t_float},
        {"boolean", t_boolean},
        {"true", t_true},
        {"false", t_false},
        {"callable", t_callable},
        {"even", t_even},
        {"odd", t_odd},
        {"divisibleby", t_divisibleby},
        {"in", t_in},
        {"eq", t_eq},
        {"equalto", t_eq},
        {"==", t_eq},
        {"ne", t_ne},
        {"!=", t_ne},
        {"lt", t_lt},
        {"lessthan", t_lt},
        {"<", t_lt},
        {"le", t_le},
        {"<=", t_le},
        {"gt", t_gt},
        {"greaterthan", t_gt},
        {">", t_gt},
        {"ge", t_ge},
        {">=", t_ge},
        {"sameas", t_sameas},
        {"lower", t_lower},
        {"upper", t_upper},
        {"escaped", t_escaped},
        {"filter", t_filter},
        {"test", t_test},
    };
    auto it = table.find(name);
    return it == table.end() ? nullptr : it->second;
}

}  // namespace hearth::jinja
