// Methods of str, dict and list values (`s.split(',')`, `d.items()`), with
// the immutable sandbox's rule that mutating methods are unsafe.
#include <map>

#include "chat/jinja_error.h"
#include "chat/jinja_interp.h"
#include "chat/jinja_strings.h"

namespace hearth::jinja {

namespace {

using Method = Value (*)(Interp &, const Value & self, CallArgs & args);

const std::string * opt_string(CallArgs & a, size_t i, const char * name) {
    const Value * v = a.get(i, name);
    if (!v || v->is_none()) return nullptr;
    if (!v->is_string()) type_error(std::string(name) + " arg must be None or str");
    return &v->text;
}

int64_t opt_int(CallArgs & a, size_t i, const char * name, int64_t dflt) {
    const Value * v = a.get(i, name);
    if (!v || v->is_none()) return dflt;
    if (!v->is_integral()) type_error("'" + type_name(*v) + "' object cannot be interpreted as an integer");
    return v->as_int();
}

const Value & need(CallArgs & a, size_t i, const char * what) {
    if (i >= a.positional.size())
        type_error(std::string(what) + "() takes at least " + std::to_string(i + 1) + " argument");
    return a.positional[i];
}

Value list_of_strings(std::vector<std::string> parts) {
    std::vector<Value> out;
    out.reserve(parts.size());
    for (auto & p : parts) out.push_back(Value::from(std::move(p)));
    return Value::from(std::move(out));
}

Value s_strip(Interp &, const Value & s, CallArgs & a) {
    return Value::from(py_strip(s.text, opt_string(a, 0, "chars"), true, true));
}
Value s_lstrip(Interp &, const Value & s, CallArgs & a) {
    return Value::from(py_strip(s.text, opt_string(a, 0, "chars"), true, false));
}
Value s_rstrip(Interp &, const Value & s, CallArgs & a) {
    return Value::from(py_strip(s.text, opt_string(a, 0, "chars"), false, true));
}
Value s_split(Interp &, const Value & s, CallArgs & a) {
    return list_of_strings(py_split(s.text, opt_string(a, 0, "sep"), opt_int(a, 1, "maxsplit", -1)));
}
Value s_rsplit(Interp &, const Value & s, CallArgs & a) {
    return list_of_strings(py_rsplit(s.text, opt_string(a, 0, "sep"), opt_int(a, 1, "maxsplit", -1)));
}
Value s_splitlines(Interp &, const Value & s, CallArgs &) {
    return list_of_strings(py_splitlines(s.text));
}

bool affix_match(const Value & s, const Value & affix, bool prefix) {
    if (affix.is_list() && affix.list->tuple) {
        for (const Value & a : affix.list->items)
            if (affix_match(s, a, prefix)) return true;
        return false;
    }
    if (!affix.is_string())
        type_error(std::string(prefix ? "startswith" : "endswith") + " first arg must be str or a tuple of str, not " +
                   type_name(affix));
    const std::string & t = affix.text;
    if (t.size() > s.text.size()) return false;
    return prefix ? s.text.compare(0, t.size(), t) == 0 : s.text.compare(s.text.size() - t.size(), t.size(), t) == 0;
}

Value s_startswith(Interp &, const Value & s, CallArgs & a) {
    return Value::from(affix_match(s, need(a, 0, "startswith"), true));
}
Value s_endswith(Interp &, const Value & s, CallArgs & a) {
    return Value::from(affix_match(s, need(a, 0, "endswith"), false));
}

Value s_replace(Interp & in, const Value & s, CallArgs & a) {
    const Value & old = need(a, 0, "replace");
    const Value & repl = need(a, 1, "replace");
    if (!old.is_string() || !repl.is_string()) type_error("replace() argument must be str");
    return Value::from(py_replace(s.text, old.text, repl.text, opt_int(a, 2, "count", -1), in.limits_output()));
}

Value s_upper(Interp &, const Value & s, CallArgs &) {
    return Value::from(py_upper(s.text));
}
Value s_lower(Interp &, const Value & s, CallArgs &) {
    return Value::from(py_lower(s.text));
}
Value s_title(Interp &, const Value & s, CallArgs &) {
    return Value::from(py_title(s.text));
}
Value s_capitalize(Interp &, const Value & s, CallArgs &) {
    return Value::from(py_capitalize(s.text));
}

// Byte offsets to code point indices, as Python reports them.
int64_t cp_index(const std::string & s, size_t byte) {
    return byte == std::string::npos ? -1 : static_cast<int64_t>(utf8_length(std::string_view(s).substr(0, byte)));
}

Value s_find(Interp &, const Value & s, CallArgs & a) {
    const Value & sub = need(a, 0, "find");
    if (!sub.is_string()) type_error("must be str, not " + type_name(sub));
    return Value::from(cp_index(s.text, s.text.find(sub.text)));
}
Value s_rfind(Interp &, const Value & s, CallArgs & a) {
    const Value & sub = need(a, 0, "rfind");
    if (!sub.is_string()) type_error("must be str, not " + type_name(sub));
    return Value::from(cp_index(s.text, s.text.rfind(sub.text)));
}
Value s_index(Interp & in, const Value & s, CallArgs & a) {
    Value r = s_find(in, s, a);
    if (r.integer < 0) fail("ValueError", "substring not found");
    return r;
}
Value s_count(Interp &, const Value & s, CallArgs & a) {
    const Value & sub = need(a, 0, "count");
    if (!sub.is_string()) type_error("must be str, not " + type_name(sub));
    if (sub.text.empty()) return Value::from(static_cast<int64_t>(utf8_length(s.text)) + 1);
    int64_t n = 0;
    for (size_t p = s.text.find(sub.text); p != std::string::npos; p = s.text.find(sub.text, p + sub.text.size())) ++n;
    return Value::from(n);
}
Value s_join(Interp & in, const Value & s, CallArgs & a) {
    std::string out;
    bool first = true;
    for (const Value & item : iterate(need(a, 0, "join"))) {
        if (!item.is_string()) type_error("sequence item: expected str instance, " + type_name(item) + " found");
        if (!first) out += s.text;
        first = false;
        out += item.text;
        in.check_size(out.size());
    }
    return Value::from(std::move(out));
}

// str.format with {} / {0} / {name} fields; format specs are not supported.
Value s_format(Interp & in, const Value & s, CallArgs & a) {
    std::string out;
    size_t auto_index = 0;
    const std::string & f = s.text;
    for (size_t i = 0; i < f.size(); ++i) {
        char c = f[i];
        if ((c == '{' || c == '}') && i + 1 < f.size() && f[i + 1] == c) {
            out += c;
            ++i;
            continue;
        }
        if (c != '{') {
            out += c;
            continue;
        }
        size_t close = f.find('}', i);
        if (close == std::string::npos) fail("ValueError", "Single '{' encountered in format string");
        std::string field = f.substr(i + 1, close - i - 1);
        field = field.substr(0, field.find_first_of(":!"));
        const Value * v = nullptr;
        if (field.empty())
            v = auto_index < a.positional.size() ? &a.positional[auto_index++] : nullptr;
        else if (field.find_first_not_of("0123456789") == std::string::npos) {
            size_t idx = std::stoul(field);
            v = idx < a.positional.size() ? &a.positional[idx] : nullptr;
        } else {
            v = a.keyword(field);
        }
        if (!v) fail("IndexError", "Replacement index out of range for positional args tuple");
        out += to_str(*v);
        in.check_size(out.size());
        i = close;
    }
    return Value::from(std::move(out));
}

bool all_of(const std::string & s, int (*pred)(int)) {
    if (s.empty()) return false;
    for (unsigned char c : s)
        if (!pred(c)) return false;
    return true;
}
Value s_isdigit(Interp &, const Value & s, CallArgs &) {
    return Value::from(all_of(s.text, ::isdigit));
}
Value s_isalpha(Interp &, const Value & s, CallArgs &) {
    return Value::from(all_of(s.text, ::isalpha));
}
Value s_isalnum(Interp &, const Value & s, CallArgs &) {
    return Value::from(all_of(s.text, ::isalnum));
}
Value s_isspace(Interp &, const Value & s, CallArgs &) {
    return Value::from(all_of(s.text, ::isspace));
}

Value d_items(Interp &, const Value & d, CallArgs &) {
    std::vector<Value> out;
    for (const auto & e : d.dict->entries) out.push_back(Value::from(std::vector<Value>{e.first, e.second}, true));
    return Value::from(std::move(out));
}
Value d_keys(Interp &, const Value & d, CallArgs &) {
    std::vector<Value> out;
    for (const auto & e : d.dict->entries) out.push_back(e.first);
    return Value::from(std::move(out));
}
Value d_values(Interp &, const Value & d, CallArgs &) {
    std::vector<Value> out;
    for (const auto & e : d.dict->entries) out.push_back(e.second);
    return Value::from(std::move(out));
}
Value d_get(Interp &, const Value & d, CallArgs & a) {
    const Value & key = need(a, 0, "get");
    if (const Value * v = d.dict->find(key)) return *v;
    const Value * dflt = a.get(1, "default");
    return dflt ? *dflt : Value::none();
}
Value d_copy(Interp &, const Value & d, CallArgs &) {
    Value c = Value::new_dict();
    c.dict->entries = d.dict->entries;
    c.dict->depth = d.dict->depth;
    return c;
}

Value l_index(Interp &, const Value & l, CallArgs & a) {
    const Value & x = need(a, 0, "index");
    for (size_t i = 0; i < l.list->items.size(); ++i)
        if (equals(l.list->items[i], x)) return Value::from(static_cast<int64_t>(i));
    fail("ValueError", repr(x) + " is not in list");
}
Value l_count(Interp &, const Value & l, CallArgs & a) {
    const Value & x = need(a, 0, "count");
    int64_t n = 0;
    for (const Value & v : l.list->items) n += equals(v, x) ? 1 : 0;
    return Value::from(n);
}
Value l_copy(Interp &, const Value & l, CallArgs &) {
    return Value::from(l.list->items, l.list->tuple);
}

Value bind(const Value & self, const std::string & name, Method m) {
    auto f = std::make_shared<Function>();
    f->name = name;
    f->call = [self, m](Interp & in, CallArgs & args) { return m(in, self, args); };
    return Value::from(f);
}

Value unsafe(const Value & self, const std::string & name) {
    auto f = std::make_shared<Function>();
    f->name = name;
    std::string message =
        "access to attribute " + repr_string(name) + " of " + repr_string(type_name(self)) + " object is unsafe.";
    f->call = [message](Interp &, CallArgs &) -> Value { fail("SecurityError", message); };
    return Value::from(f);
}

}  // namespace

Value find_method(const Value & self, const std::string & name) {
    static const std::map<std::string, Method> str_methods = {
        {"strip", s_strip},           {"lstrip", s_lstrip},     {"rstrip", s_rstrip},
        {"split", s_split},           {"rsplit", s_rsplit},     {"splitlines", s_splitlines},
        {"startswith", s_startswith}, {"endswith", s_endswith}, {"replace", s_replace},
        {"upper", s_upper},           {"lower", s_lower},       {"title", s_title},
        {"capitalize", s_capitalize}, {"find", s_find},         {"rfind", s_rfind},
        {"index", s_index},           {"count", s_count},       {"join", s_join},
        {"format", s_format},         {"isdigit", s_isdigit},   {"isalpha", s_isalpha},
        {"isalnum", s_isalnum},       {"isspace", s_isspace},
    };
    static const std::map<std::string, Method> dict_methods = {
        {"items", d_items}, {"keys", d_keys}, {"values", d_values}, {"get", d_get}, {"copy", d_copy},
    };
    static const std::map<std::string, Method> list_methods = {
        {"index", l_index},
        {"count", l_count},
        {"copy", l_copy},
    };
    const std::map<std::string, Method> * table = nullptr;
    if (self.is_string()) {
        table = &str_methods;
    } else if (self.is_dict()) {
        table = &dict_methods;
        if (name == "update" || name == "pop" || name == "popitem" || name == "setdefault" || name == "clear")
            return unsafe(self, name);
    } else if (self.is_list()) {
        table = &list_methods;
        if (!self.list->tuple && (name == "append" || name == "extend" || name == "insert" || name == "pop" ||
                                  name == "remove" || name == "clear" || name == "sort" || name == "reverse"))
            return unsafe(self, name);
    }
    if (!table) return Value::undefined("");
    auto it = table->find(name);
    if (it == table->end()) return Value::undefined("");
    return bind(self, name, it->second);
}

}  // namespace hearth::jinja
