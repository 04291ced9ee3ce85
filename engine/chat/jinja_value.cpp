#include "chat/jinja_value.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "chat/jinja_error.h"

namespace hearth::jinja {

void fail(std::string kind, std::string message) {
    throw RenderError{std::move(kind), std::move(message)};
}

Value Value::undefined(std::string hint) {
    Value v;
    v.text = std::move(hint);
    return v;
}

Value Value::none() {
    Value v;
    v.kind = Kind_none;
    return v;
}

Value Value::from(bool b) {
    Value v;
    v.kind = Kind_boolean;
    v.boolean = b;
    return v;
}

Value Value::from(int64_t i) {
    Value v;
    v.kind = Kind_integer;
    v.integer = i;
    return v;
}

Value Value::from(double d) {
    Value v;
    v.kind = Kind_float;
    v.number = d;
    return v;
}

Value Value::from(std::string s) {
    Value v;
    v.kind = Kind_string;
    v.text = std::move(s);
    return v;
}

namespace {

uint32_t checked_depth(uint32_t depth) {
    if (depth > kMaxValueDepth)
        fail("LimitError", "lists and dicts nested deeper than " + std::to_string(kMaxValueDepth) + " levels");
    return depth;
}

}  // namespace

uint32_t nesting(const Value & v) {
    if (v.kind == Kind_list) return v.list->depth;
    if (v.kind == Kind_dict) return v.dict->tag == DictTag_plain ? v.dict->depth : 1;
    return 0;
}

Value Value::from(std::vector<Value> items, bool tuple) {
    uint32_t deepest = 0;
    for (const Value & item : items) deepest = std::max(deepest, nesting(item));
    Value v;
    v.kind = Kind_list;
    v.list = std::make_shared<ListData>();
    v.list->depth = checked_depth(deepest + 1);
    v.list->items = std::move(items);
    v.list->tuple = tuple;
    return v;
}

Value Value::new_dict(DictTag tag) {
    Value v;
    v.kind = Kind_dict;
    v.dict = std::make_shared<DictData>();
    v.dict->tag = tag;
    return v;
}

Value Value::from(FunctionPtr f) {
    Value v;
    v.kind = Kind_function;
    v.function = std::move(f);
    return v;
}

double Value::as_double() const {
    switch (kind) {
        case Kind_boolean:
            return boolean ? 1.0 : 0.0;
        case Kind_integer:
            return static_cast<double>(integer);
        case Kind_float:
            return number;
        default:
            return 0.0;
    }
}

const Value * DictData::find(const Value & key) const {
    for (const auto & e : entries)
        if (equals(e.first, key)) return &e.second;
    return nullptr;
}

const Value * DictData::find(std::string_view key) const {
    for (const auto & e : entries)
        if (e.first.kind == Kind_string && e.first.text == key) return &e.second;
    return nullptr;
}

void DictData::set(const Value & key, Value value) {
    for (auto & e : entries) {
        if (equals(e.first, key)) {
            if (tag == DictTag_plain) depth = std::max(depth, checked_depth(nesting(value) + 1));
            e.second = std::move(value);
            return;
        }
    }
    append(key, std::move(value));
}

void DictData::append(Value key, Value value) {
    if (tag == DictTag_plain) depth = std::max(depth, checked_depth(std::max(nesting(key), nesting(value)) + 1));
    entries.emplace_back(std::move(key), std::move(value));
}

const Value * CallArgs::keyword(std::string_view name) const {
    for (const auto & kw : keywords)
        if (kw.first == name) return &kw.second;
    return nullptr;
}

const Value * CallArgs::get(size_t index, std::string_view name) const {
    if (index < positional.size()) return &positional[index];
    return keyword(name);
}

bool truthy(const Value & v) {
    switch (v.kind) {
        case Kind_undefined:
        case Kind_none:
            return false;
        case Kind_boolean:
            return v.boolean;
        case Kind_integer:
            return v.integer != 0;
        case Kind_float:
            return v.number != 0.0;
        case Kind_string:
            return !v.text.empty();
        case Kind_list:
            return !v.list->items.empty();
        case Kind_dict:
            return v.dict->tag != DictTag_plain || !v.dict->entries.empty();
        case Kind_function:
            return true;
    }
    return false;
}

bool equals(const Value & a, const Value & b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_integral() && b.is_integral()) return a.as_int() == b.as_int();
        return a.as_double() == b.as_double();
    }
    if (a.kind != b.kind) return false;
    switch (a.kind) {
        case Kind_undefined:
        case Kind_none:
            return true;
        case Kind_string:
            return a.text == b.text;
        case Kind_list: {
            if (a.list == b.list) return true;
            walk_step();
            if (a.list->tuple != b.list->tuple || a.list->items.size() != b.list->items.size()) return false;
            for (size_t i = 0; i < a.list->items.size(); ++i)
                if (!equals(a.list->items[i], b.list->items[i])) return false;
            return true;
        }
        case Kind_dict: {
            if (a.dict == b.dict) return true;
            if (a.dict->tag != DictTag_plain || b.dict->tag != DictTag_plain) return false;
            walk_step();
            if (a.dict->entries.size() != b.dict->entries.size()) return false;
            for (const auto & e : a.dict->entries) {
                const Value * other = b.dict->find(e.first);
                if (!other || !equals(e.second, *other)) return false;
            }
            return true;
        }
        case Kind_function:
            return a.function == b.function;
        default:
            return false;
    }
}

int compare(const Value & a, const Value & b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_integral() && b.is_integral()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
        double x = a.as_double(), y = b.as_double();
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.kind == Kind_string && b.kind == Kind_string) {
        int c = a.text.compare(b.text);
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    if (a.kind == Kind_list && b.kind == Kind_list && a.list->tuple == b.list->tuple) {
        walk_step();
        const auto & x = a.list->items;
        const auto & y = b.list->items;
        for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
            if (equals(x[i], y[i])) continue;
            return compare(x[i], y[i]);
        }
        return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
    }
    type_error("'<' not supported between instances of '" + type_name(a) + "' and '" + type_name(b) + "'");
}

std::string type_name(const Value & v) {
    switch (v.kind) {
        case Kind_undefined:
            return "Undefined";
        case Kind_none:
            return "NoneType";
        case Kind_boolean:
            return "bool";
        case Kind_integer:
            return "int";
        case Kind_float:
            return "float";
        case Kind_string:
            return "str";
        case Kind_list:
            return v.list->tuple ? "tuple" : "list";
        case Kind_dict:
            if (v.dict->tag == DictTag_namespace) return "Namespace";
            if (v.dict->tag == DictTag_object) return v.dict->type_name;
            return "dict";
        case Kind_function:
            return "function";
    }
    return "object";
}

std::string object_type_repr(const Value & v) {
    if (v.kind == Kind_none) return "None";
    return type_name(v) + " object";
}

std::string format_float(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
    if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
    // Shortest round-tripping digits, then Python's layout rules for repr().
    char buf[64];
    int precision = 1;
    for (; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*e", precision - 1, d);
        if (std::strtod(buf, nullptr) == d) break;
    }
    std::string digits;
    const char * p = buf;
    bool negative = *p == '-';
    if (negative) ++p;
    for (; *p && *p != 'e'; ++p)
        if (*p != '.') digits += *p;
    int exponent = std::atoi(p + 1);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    std::string out = negative ? "-" : "";
    int n = static_cast<int>(digits.size());
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
        } else if (exponent + 1 >= n) {
            out += digits + std::string(static_cast<size_t>(exponent + 1 - n), '0') + ".0";
        } else {
            out += digits.substr(0, static_cast<size_t>(exponent + 1)) + "." +
                   digits.substr(static_cast<size_t>(exponent + 1));
        }
        return out;
    }
    out += digits.substr(0, 1);
    if (n > 1) out += "." + digits.substr(1);
    char e[16];
    std::snprintf(e, sizeof e, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + e;
}

std::string repr_string(std::string_view s) {
    char quote = '\'';
    if (s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos) quote = '"';
    std::string out(1, quote);
    for (unsigned char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == static_cast<unsigned char>(quote))
            out += std::string("\\") + quote;
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    out += quote;
    return out;
}

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&#34;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

Value markup(std::string s) {
    Value v = Value::from(std::move(s));
    v.safe = true;
    return v;
}

namespace {

// Python's reprlib guard: a namespace met again inside its own repr prints as
// `{...}`. Depth is bounded too, since namespaces may chain without limit.
struct ReprState {
    std::vector<const DictData *> open;  // namespaces being printed
    uint32_t depth = 0;
};

void repr_in(const Value & v, ReprState & st, std::string & out);

void repr_dict(const Value & v, ReprState & st, std::string & out) {
    const DictData * d = v.dict.get();
    if (d->tag == DictTag_object && d->type_name == "LoopContext") {
        const Value * index = d->find(std::string_view("index"));
        const Value * length = d->find(std::string_view("length"));
        if (index && length) {
            out += "<LoopContext " + to_str(*index) + "/" + to_str(*length) + ">";
            return;
        }
    }
    if (d->tag == DictTag_object) {
        out += "<" + d->type_name + ">";
        return;
    }
    const bool ns = d->tag == DictTag_namespace;
    if (ns && std::find(st.open.begin(), st.open.end(), d) != st.open.end()) {
        out += "<Namespace {...}>";
        return;
    }
    if (ns) {
        st.open.push_back(d);
        out += "<Namespace ";
    }
    out += "{";
    bool first = true;
    for (const auto & e : d->entries) {
        if (!first) out += ", ";
        first = false;
        repr_in(e.first, st, out);
        out += ": ";
        repr_in(e.second, st, out);
        walk_size(out.size());
    }
    out += "}";
    if (ns) {
        st.open.pop_back();
        out += ">";
    }
}

void repr_in(const Value & v, ReprState & st, std::string & out) {
    if (v.kind != Kind_list && v.kind != Kind_dict) {
        out += v.kind == Kind_string ? repr_string(v.text) : to_str(v);
        return;
    }
    if (++st.depth > kMaxValueDepth)
        fail("RecursionError", "maximum recursion depth exceeded while getting the repr of an object");
    walk_step();
    if (v.kind == Kind_dict) {
        repr_dict(v, st, out);
    } else {
        const bool tuple = v.list->tuple;
        out += tuple ? "(" : "[";
        for (size_t i = 0; i < v.list->items.size(); ++i) {
            if (i) out += ", ";
            repr_in(v.list->items[i], st, out);
            walk_size(out.size());
        }
        if (tuple && v.list->items.size() == 1) out += ",";
        out += tuple ? ")" : "]";
    }
    --st.depth;
}

}  // namespace

std::string repr(const Value & v) {
    ReprState st;
    std::string out;
    repr_in(v, st, out);
    return out;
}

std::string to_str(const Value & v) {
    switch (v.kind) {
        case Kind_undefined:
            return "";
        case Kind_none:
            return "None";
        case Kind_boolean:
            return v.boolean ? "True" : "False";
        case Kind_integer:
            return std::to_string(v.integer);
        case Kind_float:
            return format_float(v.number);
        case Kind_string:
            return v.text;
        case Kind_function:
            return "<function " + v.function->name + ">";
        default:
            return repr(v);
    }
}

std::vector<uint32_t> decode_utf8(std::string_view s) {
    std::vector<uint32_t> out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (i + static_cast<size_t>(len) > s.size()) len = 1;
        uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1fu) : len == 3 ? (c & 0x0fu) : (c & 0x07u);
        for (int k = 1; k < len; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3fu);
        out.push_back(cp);
        i += static_cast<size_t>(len);
    }
    return out;
}

void append_utf8(std::string & out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

size_t utf8_length(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xc0) != 0x80) ++n;
    return n;
}

}  // namespace hearth::jinja
