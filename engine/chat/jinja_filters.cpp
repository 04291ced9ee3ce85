// jinja2's built-in filters, plus tojson as transformers registers it.
#include <algorithm>
#include <cmath>
#include <map>

#include "chat/jinja_error.h"
#include "chat/jinja_interp.h"
#include "chat/jinja_json.h"
#include "chat/jinja_strings.h"

namespace hearth::jinja {

namespace {

const Value * arg(CallArgs & a, size_t i, std::string_view name) {
    return a.get(i, name);
}

bool arg_bool(CallArgs & a, size_t i, std::string_view name, bool dflt) {
    const Value * v = arg(a, i, name);
    return v ? truthy(*v) : dflt;
}

std::vector<Value> sequence_of(const Value & v) {
    return iterate(v);
}

Value ignore_case(const Value & v) {
    return v.is_string() ? Value::from(py_lower(v.text)) : v;
}

// jinja2's make_attrgetter: "a.b.0" looks up item by item (subscript rules).
Value attr_path(Interp & in, const Value & item, const Value & attribute) {
    if (!attribute.is_string()) return in.getitem(item, attribute);
    Value cur = item;
    size_t start = 0;
    const std::string & path = attribute.text;
    for (;;) {
        size_t dot = path.find('.', start);
        std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        bool digits =
            !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
        cur = in.getitem(cur, digits ? Value::from(static_cast<int64_t>(std::stoll(part))) : Value::from(part));
        if (dot == std::string::npos) return cur;
        start = dot + 1;
    }
}

void sort_values(std::vector<Value> & items, const std::vector<Value> & keys, bool reverse) {
    std::vector<size_t> order(items.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return reverse ? compare(keys[b], keys[a]) < 0 : compare(keys[a], keys[b]) < 0;
    });
    std::vector<Value> sorted;
    sorted.reserve(items.size());
    for (size_t i : order) sorted.push_back(items[i]);
    items = std::move(sorted);
}

Value f_trim(Interp &, const Value & v, CallArgs & a) {
    const Value * chars = arg(a, 0, "chars");
    std::string c = chars && chars->is_string() ? chars->text : std::string();
    Value out = Value::from(py_strip(to_str(v), chars && chars->is_string() ? &c : nullptr, true, true));
    out.safe = v.safe;
    return out;
}

// transformers' tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False).
Value f_tojson(Interp & in, const Value & v, CallArgs & a) {
    JsonStyle style;
    const Value * indent = arg(a, 1, "indent");
    if (indent && indent->is_integral())
        style.indent = std::string(static_cast<size_t>(std::max<int64_t>(0, indent->as_int())), ' ');
    else if (indent && indent->is_string())
        style.indent = indent->text;
    if (style.indent) style.item_separator.assign(1, ',');
    const Value * seps = arg(a, 2, "separators");
    if (seps && seps->is_list() && seps->list->items.size() == 2) {
        style.item_separator = to_str(seps->list->items[0]);
        style.key_separator = to_str(seps->list->items[1]);
    }
    style.sort_keys = arg_bool(a, 3, "sort_keys", false);
    std::string out = to_json(v, style);
    in.check_size(out.size());
    return Value::from(std::move(out));
}

Value f_length(Interp &, const Value & v, CallArgs &) {
    return Value::from(length(v));
}

Value f_first(Interp &, const Value & v, CallArgs &) {
    std::vector<Value> items = sequence_of(v);
    return items.empty() ? Value::undefined("No first item, sequence was empty.") : items.front();
}

Value f_last(Interp &, const Value & v, CallArgs &) {
    std::vector<Value> items = sequence_of(v);
    return items.empty() ? Value::undefined("No last item, sequence was empty.") : items.back();
}

Value f_join(Interp & in, const Value & v, CallArgs & a) {
    const Value * sep = arg(a, 0, "d");
    const Value * attribute = arg(a, 1, "attribute");
    std::string d = sep ? to_str(*sep) : std::string();
    std::string out;
    bool first = true;
    for (const Value & item : sequence_of(v)) {
        if (!first) out += d;
        first = false;
        out += to_str(attribute ? attr_path(in, item, *attribute) : item);
        in.check_size(out.size());
    }
    return Value::from(std::move(out));
}

Value f_map(Interp & in, const Value & v, CallArgs & a) {
    std::vector<Value> out;
    if (!truthy(v)) return Value::from(std::move(out));  // jinja2 guards with `if value:`
    if (a.positional.empty()) {
        const Value * attribute = a.keyword("attribute");
        if (!attribute) return Value::from(std::move(out));
        const Value * dflt = a.keyword("default");
        for (const Value & item : sequence_of(v)) {
            Value r = attr_path(in, item, *attribute);
            out.push_back(r.is_undefined() && dflt ? *dflt : r);
        }
        return Value::from(std::move(out));
    }
    std::string name = to_str(a.positional[0]);
    CallArgs rest;
    rest.positional.assign(a.positional.begin() + 1, a.positional.end());
    rest.keywords = a.keywords;
    for (const Value & item : sequence_of(v)) {
        CallArgs copy = rest;
        out.push_back(in.filter(name, item, copy));
    }
    return Value::from(std::move(out));
}

Value select_impl(Interp & in, const Value & v, CallArgs & a, bool by_attr, bool keep) {
    size_t next = 0;
    Value attribute;
    if (by_attr) {
        if (a.positional.empty()) type_error("selectattr() needs an attribute name");
        attribute = a.positional[next++];
    }
    std::string test_name;
    if (next < a.positional.size()) test_name = to_str(a.positional[next++]);
    CallArgs test_args;
    test_args.positional.assign(a.positional.begin() + static_cast<std::ptrdiff_t>(std::min(next, a.positional.size())),
                                a.positional.end());
    test_args.keywords = a.keywords;
    std::vector<Value> out;
    if (!truthy(v)) return Value::from(std::move(out));  // jinja2 guards with `if value:`
    for (const Value & item : sequence_of(v)) {
        Value subject = by_attr ? attr_path(in, item, attribute) : item;
        bool ok;
        if (test_name.empty()) {
            ok = truthy(subject);
        } else {
            CallArgs copy = test_args;
            ok = in.test(test_name, subject, copy);
        }
        if (ok == keep) out.push_back(item);
    }
    return Value::from(std::move(out));
}

Value f_select(Interp & in, const Value & v, CallArgs & a) {
    return select_impl(in, v, a, false, true);
}
Value f_reject(Interp & in, const Value & v, CallArgs & a) {
    return select_impl(in, v, a, false, false);
}
Value f_selectattr(Interp & in, const Value & v, CallArgs & a) {
    return select_impl(in, v, a, true, true);
}
Value f_rejectattr(Interp & in, const Value & v, CallArgs & a) {
    return select_impl(in, v, a, true, false);
}

Value f_default(Interp &, const Value & v, CallArgs & a) {
    const Value * dflt = arg(a, 0, "default_value");
    bool boolean = arg_bool(a, 1, "boolean", false);
    if (v.is_undefined() || (boolean && !truthy(v))) return dflt ? *dflt : Value::from("");
    return v;
}

Value f_upper(Interp &, const Value & v, CallArgs &) {
    return Value::from(py_upper(to_str(v)));
}
Value f_lower(Interp &, const Value & v, CallArgs &) {
    return Value::from(py_lower(to_str(v)));
}
Value f_capitalize(Interp &, const Value & v, CallArgs &) {
    return Value::from(py_capitalize(to_str(v)));
}

// jinja2's title filter capitalizes after runs of whitespace and -({[<, unlike str.title.
Value f_title(Interp &, const Value & v, CallArgs &) {
    std::string s = to_str(v), out;
    bool word_start = true;
    for (char c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        bool boundary =
            u == ' ' || (u >= 0x09 && u <= 0x0d) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
        if (boundary)
            out += c;
        else
            out += static_cast<char>(word_start ? std::toupper(u) : std::tolower(u));
        word_start = boundary;
    }
    return Value::from(std::move(out));
}

Value f_replace(Interp & in, const Value & v, CallArgs & a) {
    const Value * old = arg(a, 0, "old");
    const Value * repl = arg(a, 1, "new");
    const Value * count = arg(a, 2, "count");
    if (!old || !repl) type_error("replace() missing required arguments");
    return Value::from(py_replace(to_str(v), to_str(*old), to_str(*repl),
                                  count && count->is_integral() ? count->as_int() : -1, in.limits_output()));
}

// soft_str keeps a Markup string safe.
Value f_string(Interp &, const Value & v, CallArgs &) {
    return v.is_string() ? v : Value::from(to_str(v));
}

bool parse_int(const std::string & text, int base, int64_t & out) {
    std::string s = py_strip(text, nullptr, true, true);
    s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
    if (s.empty()) return false;
    size_t pos = 0;
    try {
        long long r = std::stoll(s, &pos, base);
        if (pos != s.size()) return false;
        out = r;
        return true;
    } catch (...) {
        return false;
    }
}

bool parse_float(const std::string & text, double & out) {
    std::string s = py_strip(text, nullptr, true, true);
    if (s.empty()) return false;
    char * end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size();
}

Value f_int(Interp &, const Value & v, CallArgs & a) {
    const Value * dflt = arg(a, 0, "default");
    const Value * base = arg(a, 1, "base");
    Value fallback = dflt ? *dflt : Value::from(int64_t{0});
    if (v.is_integral()) return Value::from(v.as_int());
    if (v.kind == Kind_float) return std::isfinite(v.number) ? Value::from(static_cast<int64_t>(v.number)) : fallback;
    if (v.is_string()) {
        int64_t i;
        if (parse_int(v.text, base && base->is_integral() ? static_cast<int>(base->as_int()) : 10, i))
            return Value::from(i);
        double d;
        if (parse_float(v.text, d) && std::isfinite(d)) return Value::from(static_cast<int64_t>(d));
    }
    return fallback;
}

Value f_float(Interp &, const Value & v, CallArgs & a) {
    const Value * dflt = arg(a, 0, "default");
    if (v.is_number()) return Value::from(v.as_double());
    double d;
    if (v.is_string() && parse_float(v.text, d)) return Value::from(d);
    return dflt ? *dflt : Value::from(0.0);
}

Value f_list(Interp &, const Value & v, CallArgs &) {
    return Value::from(sequence_of(v));
}

Value f_items(Interp &, const Value & v, CallArgs &) {
    std::vector<Value> out;
    if (v.is_undefined()) return Value::from(std::move(out));
    if (!v.is_dict()) type_error("Can only get item pairs from a mapping.");
    for (const auto & e : v.dict->entries) out.push_back(Value::from(std::vector<Value>{e.first, e.second}, true));
    return Value::from(std::move(out));
}

Value f_dictsort(Interp &, const Value & v, CallArgs & a) {
    bool case_sensitive = arg_bool(a, 0, "case_sensitive", false);
    const Value * by = arg(a, 1, "by");
    bool reverse = arg_bool(a, 2, "reverse", false);
    if (!v.is_dict()) type_error("You can only sort by either \"key\" or \"value\"");
    size_t pos = by && by->is_string() && by->text == "value" ? 1 : 0;
    std::vector<Value> items, keys;
    for (const auto & e : v.dict->entries) {
        items.push_back(Value::from(std::vector<Value>{e.first, e.second}, true));
        const Value & k = pos == 0 ? e.first : e.second;
        keys.push_back(case_sensitive ? k : ignore_case(k));
    }
    sort_values(items, keys, reverse);
    return Value::from(std::move(items));
}

Value f_sort(Interp & in, const Value & v, CallArgs & a) {
    bool reverse = arg_bool(a, 0, "reverse", false);
    bool case_sensitive = arg_bool(a, 1, "case_sensitive", false);
    const Value * attribute = arg(a, 2, "attribute");
    std::vector<Value> items = sequence_of(v), keys;
    for (const Value & item : items) {
        Value k = attribute ? attr_path(in, item, *attribute) : item;
        keys.push_back(case_sensitive ? k : ignore_case(k));
    }
    sort_values(items, keys, reverse);
    return Value::from(std::move(items));
}

Value f_unique(Interp & in, const Value & v, CallArgs & a) {
    bool case_sensitive = arg_bool(a, 0, "case_sensitive", false);
    const Value * attribute = arg(a, 1, "attribute");
    std::vector<Value> out, seen;
    for (const Value & item : sequence_of(v)) {
        Value k = attribute ? attr_path(in, item, *attribute) : item;
        if (!case_sensitive) k = ignore_case(k);
        bool dup = false;
        for (const Value & s : seen) dup = dup || equals(s, k);
        if (dup) continue;
        seen.push_back(k);
        out.push_back(item);
    }
    return Value::from(std::move(out));
}

Value f_indent(Interp & in, const Value & v, CallArgs & a) {
    const Value * width = arg(a, 0, "width");
    bool first = arg_bool(a, 1, "first", false);
    bool blank = arg_bool(a, 2, "blank", false);
    std::string pad =
        width && width->is_string()
            ? width->text
            : std::string(
                  width && width->is_integral() ? static_cast<size_t>(std::max<int64_t>(0, width->as_int())) : 4, ' ');
    std::vector<std::string> lines = py_splitlines(to_str(v) + "\n");
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (i) out += "\n";
        if (i && (blank || !lines[i].empty())) out += pad;
        out += lines[i];
        in.check_size(out.size());
    }
    if (first) out = pad + out;
    return Value::from(std::move(out));
}

Value f_safe(Interp &, const Value & v, CallArgs &) {
    return markup(to_str(v));
}

Value f_escape(Interp &, const Value & v, CallArgs &) {
    return v.safe ? v : markup(html_escape(to_str(v)));
}

Value f_forceescape(Interp &, const Value & v, CallArgs &) {
    return markup(html_escape(to_str(v)));
}

}  // namespace

void register_filters_more(std::map<std::string, FilterFn> & m);

FilterFn find_filter(const std::string & name) {
    static const std::map<std::string, FilterFn> table = [] {
        std::map<std::string, FilterFn> m = {
            {"trim", f_trim},
            {"tojson", f_tojson},
            {"length", f_length},
            {"count", f_length},
            {"first", f_first},
            {"last", f_last},
            {"join", f_join},
            {"map", f_map},
            {"select", f_select},
            {"reject", f_reject},
            {"selectattr", f_selectattr},
            {"rejectattr", f_rejectattr},
            {"default", f_default},
            {"d", f_default},
            {"upper", f_upper},
            {"lower", f_lower},
            {"title", f_title},
            {"capitalize", f_capitalize},
            {"replace", f_replace},
            {"string", f_string},
            {"int", f_int},
            {"float", f_float},
            {"list", f_list},
            {"items", f_items},
            {"dictsort", f_dictsort},
            {"sort", f_sort},
            {"unique", f_unique},
            {"indent", f_indent},
            {"safe", f_safe},
            {"escape", f_escape},
            {"e", f_escape},
            {"forceescape", f_forceescape},
        };
        register_filters_more(m);
        return m;
    }();
    auto it = table.find(name);
    return it == table.end() ? nullptr : it->second;
}

}  // namespace hearth::jinja
