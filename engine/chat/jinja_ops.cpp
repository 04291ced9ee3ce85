// Python's binary operators, membership and iteration over template values.
#include <cmath>
#include <cstdio>
#include <limits>

#include "chat/jinja_error.h"
#include "chat/jinja_interp.h"

namespace hearth::jinja {

namespace {

[[noreturn]] void unsupported(const std::string & op, const Value & a, const Value & b) {
    type_error("unsupported operand type(s) for " + op + ": '" + type_name(a) + "' and '" + type_name(b) + "'");
}

[[noreturn]] void overflow() {
    fail("OverflowError", "integer result too large for the template interpreter");
}

Value repeat(Interp & in, const Value & seq, int64_t times) {
    if (times < 0) times = 0;
    if (seq.is_string()) {
        if (!seq.text.empty() && static_cast<uint64_t>(times) > std::numeric_limits<size_t>::max() / seq.text.size())
            overflow();
        in.check_size(seq.text.size() * static_cast<size_t>(times));
        std::string out;
        for (int64_t i = 0; i < times; ++i) out += seq.text;
        return Value::from(std::move(out));
    }
    const auto & items = seq.list->items;
    if (!items.empty() && static_cast<uint64_t>(times) > std::numeric_limits<size_t>::max() / items.size()) overflow();
    in.check_size(items.size() * static_cast<size_t>(times));
    std::vector<Value> out;
    for (int64_t i = 0; i < times; ++i) out.insert(out.end(), items.begin(), items.end());
    return Value::from(std::move(out), seq.list->tuple);
}

int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

int64_t int_pow(int64_t base, int64_t exp) {
    int64_t result = 1;
    for (int64_t i = 0; i < exp; ++i) {
        if (__builtin_mul_overflow(result, base, &result)) overflow();
        if (result == 0 || result == 1) break;
    }
    if (result == 1 && base == -1 && exp % 2 == 1) return -1;
    return result;
}

// Python's `str % args` for the conversions templates use.
Value percent_format(Interp & in, const std::string & fmt, const Value & args) {
    std::vector<Value> values = args.is_list() && args.list->tuple ? args.list->items : std::vector<Value>{args};
    size_t next = 0;
    std::string out;
    for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] != '%') {
            out += fmt[i];
            continue;
        }
        size_t j = i + 1;
        std::string spec = "%";
        while (j < fmt.size() && std::string("-+ #0123456789.").find(fmt[j]) != std::string::npos) spec += fmt[j++];
        if (j >= fmt.size()) fail("ValueError", "incomplete format");
        char conv = fmt[j];
        i = j;
        if (conv == '%') {
            out += '%';
            continue;
        }
        if (next >= values.size()) type_error("not enough arguments for format string");
        const Value & v = values[next++];
        char buf[512];
        switch (conv) {
            case 's':
                out += to_str(v);
                break;
            case 'r':
                out += repr(v);
                break;
            case 'd':
            case 'i':
                if (!v.is_number()) type_error("%d format: a real number is required, not " + type_name(v));
                std::snprintf(
                    buf, sizeof buf, (spec + "lld").c_str(),
                    static_cast<long long>(v.kind == Kind_float ? static_cast<int64_t>(v.number) : v.as_int()));
                out += buf;
                break;
            case 'f':
            case 'e':
            case 'g':
            case 'F':
            case 'E':
            case 'G':
                if (!v.is_number()) type_error("must be real number, not " + type_name(v));
                std::snprintf(buf, sizeof buf, (spec + conv).c_str(), v.as_double());
                out += buf;
                break;
            case 'x':
            case 'X':
            case 'o':
                std::snprintf(buf, sizeof buf, (spec + "ll" + conv).c_str(), static_cast<long long>(v.as_int()));
                out += buf;
                break;
            default:
                fail("ValueError", std::string("unsupported format character '") + conv + "'");
        }
        in.check_size(out.size());
    }
    if (next < values.size() && (args.is_list() && args.list->tuple))
        type_error("not all arguments converted during string formatting");
    return Value::from(std::move(out));
}

}  // namespace

Value binary_op(Interp & in, const std::string & op, const Value & a, const Value & b) {
    if (op == "~") {
        std::string s = to_str(a);
        std::string t = to_str(b);
        in.check_size(s.size() + t.size());
        return Value::from(s + t);
    }
    if (a.is_undefined()) fail("UndefinedError", a.text);
    if (b.is_undefined()) fail("UndefinedError", b.text);
    const bool nums = a.is_number() && b.is_number();
    const bool ints = a.is_integral() && b.is_integral();
    if (op == "+") {
        if (ints) {
            int64_t r;
            if (__builtin_add_overflow(a.as_int(), b.as_int(), &r)) overflow();
            return Value::from(r);
        }
        if (nums) return Value::from(a.as_double() + b.as_double());
        if (a.is_string() && b.is_string()) {
            in.check_size(a.text.size() + b.text.size());
            if (a.safe || b.safe)  // Markup.__add__ / __radd__ escape the plain side
                return markup((a.safe ? a.text : html_escape(a.text)) + (b.safe ? b.text : html_escape(b.text)));
            return Value::from(a.text + b.text);
        }
        if (a.is_list() && b.is_list() && a.list->tuple == b.list->tuple) {
            in.check_size(a.list->items.size() + b.list->items.size());
            std::vector<Value> items = a.list->items;
            items.insert(items.end(), b.list->items.begin(), b.list->items.end());
            return Value::from(std::move(items), a.list->tuple);
        }
        if (a.is_string() || b.is_string()) {
            const Value & other = a.is_string() ? b : a;
            if (a.is_string()) type_error("can only concatenate str (not \"" + type_name(other) + "\") to str");
        }
        unsupported("+", a, b);
    }
    if (op == "-") {
        if (ints) {
            int64_t r;
            if (__builtin_sub_overflow(a.as_int(), b.as_int(), &r)) overflow();
            return Value::from(r);
        }
        if (nums) return Value::from(a.as_double() - b.as_double());
        unsupported("-", a, b);
    }
    if (op == "*") {
        if (ints) {
            int64_t r;
            if (__builtin_mul_overflow(a.as_int(), b.as_int(), &r)) overflow();
            return Value::from(r);
        }
        if (nums) return Value::from(a.as_double() * b.as_double());
        if ((a.is_string() || a.is_list()) && b.is_integral()) return repeat(in, a, b.as_int());
        if ((b.is_string() || b.is_list()) && a.is_integral()) return repeat(in, b, a.as_int());
        unsupported("*", a, b);
    }
    if (op == "/") {
        if (!nums) unsupported("/", a, b);
        if (b.as_double() == 0) fail("ZeroDivisionError", "division by zero");
        return Value::from(a.as_double() / b.as_double());
    }
    if (op == "//") {
        if (!nums) unsupported("//", a, b);
        if (b.as_double() == 0) fail("ZeroDivisionError", "integer division or modulo by zero");
        if (ints) {
            if (a.as_int() == std::numeric_limits<int64_t>::min() && b.as_int() == -1) overflow();
            return Value::from(floor_div(a.as_int(), b.as_int()));
        }
        return Value::from(std::floor(a.as_double() / b.as_double()));
    }
    if (op == "%") {
        if (a.is_string()) return percent_format(in, a.text, b);
        if (!nums) unsupported("%", a, b);
        if (b.as_double() == 0) fail("ZeroDivisionError", "integer division or modulo by zero");
        if (ints) {
            if (b.as_int() == -1) return Value::from(int64_t{0});
            int64_t r = a.as_int() % b.as_int();
            if (r != 0 && ((r < 0) != (b.as_int() < 0))) r += b.as_int();
            return Value::from(r);
        }
        double r = std::fmod(a.as_double(), b.as_double());
        if (r != 0 && ((r < 0) != (b.as_double() < 0))) r += b.as_double();
        return Value::from(r);
    }
    if (op == "**") {
        if (!nums) unsupported("** or pow()", a, b);
        if (ints && b.as_int() >= 0) return Value::from(int_pow(a.as_int(), b.as_int()));
        return Value::from(std::pow(a.as_double(), b.as_double()));
    }
    fail("TemplateRuntimeError", "unknown operator " + op);
}

bool contains(const Value & container, const Value & item) {
    switch (container.kind) {
        case Kind_string:
            if (!item.is_string()) type_error("'in <string>' requires string as left operand, not " + type_name(item));
            return container.text.find(item.text) != std::string::npos;
        case Kind_list:
            for (const auto & v : container.list->items)
                if (equals(v, item)) return true;
            return false;
        case Kind_dict:
            return container.dict->find(item) != nullptr;
        case Kind_undefined:
            return false;
        default:
            type_error("argument of type '" + type_name(container) + "' is not iterable");
    }
}

std::vector<Value> iterate(const Value & v) {
    switch (v.kind) {
        case Kind_undefined:
            return {};
        case Kind_list:
            return v.list->items;
        case Kind_dict: {
            std::vector<Value> keys;
            for (const auto & e : v.dict->entries) keys.push_back(e.first);
            return keys;
        }
        case Kind_string: {
            std::vector<Value> chars;
            for (uint32_t cp : decode_utf8(v.text)) {
                std::string s;
                append_utf8(s, cp);
                chars.push_back(Value::from(std::move(s)));
            }
            return chars;
        }
        default:
            type_error("'" + type_name(v) + "' object is not iterable");
    }
}

int64_t length(const Value & v) {
    switch (v.kind) {
        case Kind_undefined:
            return 0;
        case Kind_string:
            return static_cast<int64_t>(utf8_length(v.text));
        case Kind_list:
            return static_cast<int64_t>(v.list->items.size());
        case Kind_dict:
            return static_cast<int64_t>(v.dict->entries.size());
        default:
            type_error("object of type '" + type_name(v) + "' has no len()");
    }
}

}  // namespace hearth::jinja
