// Numeric and sequence filters: round, abs, sum, min, max, reverse, batch...,
// and from_json.
#include <algorithm>
#include <cmath>
#include <map>

#include "chat/jinja_error.h"
#include "chat/jinja_interp.h"
#include "chat/jinja_json.h"
#include "chat/jinja_strings.h"

namespace hearth::jinja {

namespace {

Value f_round(Interp &, const Value & v, CallArgs & a) {
    const Value * precision = a.get(0, "precision");
    const Value * method = a.get(1, "method");
    int64_t p = precision && precision->is_integral() ? precision->as_int() : 0;
    std::string how = method ? to_str(*method) : "common";
    if (how != "common" && how != "ceil" && how != "floor")
        fail("FilterArgumentError", "method must be common, ceil or floor");
    if (!v.is_number()) type_error("type " + type_name(v) + " doesn't define __round__ method");
    if (how == "common" && v.is_integral()) return Value::from(v.as_int());
    double scale = std::pow(10.0, static_cast<double>(p));
    double x = v.as_double() * scale;
    double r = how == "ceil" ? std::ceil(x) : how == "floor" ? std::floor(x) : std::nearbyint(x);
    return Value::from(r / scale);
}

Value f_abs(Interp &, const Value & v, CallArgs &) {
    if (v.kind == Kind_float) return Value::from(std::fabs(v.number));
    if (v.is_integral()) return Value::from(v.as_int() < 0 ? -v.as_int() : v.as_int());
    type_error("bad operand type for abs(): '" + type_name(v) + "'");
}

Value attr_or_item(Interp & in, const Value & item, const Value * attribute) {
    if (!attribute) return item;
    return in.getitem(item, *attribute);
}

Value f_sum(Interp & in, const Value & v, CallArgs & a) {
    const Value * attribute = a.get(0, "attribute");
    const Value * start = a.get(1, "start");
    Value total = start ? *start : Value::from(int64_t{0});
    for (const Value & item : iterate(v)) total = binary_op(in, "+", total, attr_or_item(in, item, attribute));
    return total;
}

Value min_max(Interp & in, const Value & v, CallArgs & a, bool want_max) {
    bool case_sensitive = a.get(0, "case_sensitive") && truthy(*a.get(0, "case_sensitive"));
    const Value * attribute = a.get(1, "attribute");
    std::vector<Value> items = iterate(v);
    if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
    size_t best = 0;
    auto key = [&](const Value & item) {
        Value k = attr_or_item(in, item, attribute);
        return !case_sensitive && k.is_string() ? Value::from(py_lower(k.text)) : k;
    };
    Value best_key = key(items[0]);
    for (size_t i = 1; i < items.size(); ++i) {
        Value k = key(items[i]);
        int c = compare(k, best_key);
        if (want_max ? c > 0 : c < 0) {
            best = i;
            best_key = k;
        }
    }
    return items[best];
}

Value f_min(Interp & in, const Value & v, CallArgs & a) {
    return min_max(in, v, a, false);
}
Value f_max(Interp & in, const Value & v, CallArgs & a) {
    return min_max(in, v, a, true);
}

Value f_reverse(Interp &, const Value & v, CallArgs &) {
    if (v.is_string()) {
        std::vector<uint32_t> cps = decode_utf8(v.text);
        std::string out;
        for (size_t i = cps.size(); i > 0; --i) append_utf8(out, cps[i - 1]);
        return Value::from(std::move(out));
    }
    std::vector<Value> items = iterate(v);
    std::reverse(items.begin(), items.end());
    return Value::from(std::move(items));
}

Value f_batch(Interp & in, const Value & v, CallArgs & a) {
    const Value * count = a.get(0, "linecount");
    const Value * fill = a.get(1, "fill_with");
    if (!count || !count->is_integral() || count->as_int() <= 0)
        fail("FilterArgumentError", "batch size must be positive");
    auto n = static_cast<size_t>(count->as_int());
    std::vector<Value> out, cur;
    for (const Value & item : iterate(v)) {
        cur.push_back(item);
        if (cur.size() == n) {
            out.push_back(Value::from(std::move(cur)));
            cur.clear();
        }
    }
    if (!cur.empty()) {
        if (fill && !fill->is_none()) {
            in.check_size(n);
            while (cur.size() < n) cur.push_back(*fill);
        }
        out.push_back(Value::from(std::move(cur)));
    }
    return Value::from(std::move(out));
}

Value f_wordcount(Interp &, const Value & v, CallArgs &) {
    std::string s = to_str(v);
    int64_t n = 0;
    bool in_word = false;
    for (unsigned char c : s) {
        bool w = std::isalnum(c) || c == '_' || c >= 0x80;
        if (w && !in_word) ++n;
        in_word = w;
    }
    return Value::from(n);
}

Value f_center(Interp & in, const Value & v, CallArgs & a) {
    const Value * width = a.get(0, "width");
    std::string s = to_str(v);
    int64_t w = width && width->is_integral() ? width->as_int() : 80;
    auto len = static_cast<int64_t>(utf8_length(s));
    if (w <= len) return Value::from(s);
    in.check_size(static_cast<size_t>(w));
    // CPython's centering puts the odd space on the right unless both are odd.
    int64_t marg = w - len;
    int64_t left = marg / 2 + (marg & w & 1);
    return Value::from(std::string(static_cast<size_t>(left), ' ') + s +
                       std::string(static_cast<size_t>(marg - left), ' '));
}

Value f_attr(Interp & in, const Value & v, CallArgs & a) {
    const Value * name = a.get(0, "name");
    if (!name) type_error("attr() missing name");
    return in.getattr(v, to_str(*name));
}

Value f_format(Interp & in, const Value & v, CallArgs & a) {
    if (!a.keywords.empty()) {
        Value kw = Value::new_dict();
        for (const auto & k : a.keywords) kw.dict->set(Value::from(k.first), k.second);
        return binary_op(in, "%", Value::from(to_str(v)), kw);
    }
    return binary_op(in, "%", Value::from(to_str(v)), Value::from(a.positional, true));
}

Value f_pprint(Interp &, const Value & v, CallArgs &) {
    return Value::from(repr(v));
}

Value f_truncate(Interp &, const Value & v, CallArgs & a) {
    const Value * length = a.get(0, "length");
    bool killwords = a.get(1, "killwords") && truthy(*a.get(1, "killwords"));
    const Value * end = a.get(2, "end");
    const Value * leeway = a.get(3, "leeway");
    std::string s = to_str(v);
    std::string ending = end ? to_str(*end) : "...";
    int64_t n = length && length->is_integral() ? length->as_int() : 255;
    int64_t lw = leeway && leeway->is_integral() ? leeway->as_int() : 5;
    std::vector<uint32_t> cps = decode_utf8(s);
    auto total = static_cast<int64_t>(cps.size());
    if (total <= n + lw) return Value::from(s);
    int64_t keep = std::max<int64_t>(0, n - static_cast<int64_t>(utf8_length(ending)));
    std::string head;
    for (int64_t i = 0; i < keep && i < total; ++i) append_utf8(head, cps[static_cast<size_t>(i)]);
    if (!killwords) {
        size_t sp = head.rfind(' ');
        if (sp != std::string::npos) head = head.substr(0, sp);
    }
    return Value::from(head + ending);
}

// Python's json.loads(value). Not a jinja2 filter: llama.cpp's crafted
// DeepSeek V3.2/V4 templates call it on tool-call arguments that arrive as a
// string (llama.cpp itself turns such strings into objects before rendering,
// so its engine never needs one). Strict JSON, nesting bounded.
Value f_from_json(Interp &, const Value & v, CallArgs &) {
    if (!v.is_string()) type_error("the JSON object must be str, bytes or bytearray, not " + type_name(v));
    std::string error;
    std::optional<Value> parsed = try_parse_json(v.text, error);
    if (!parsed) fail("JSONDecodeError", error);
    return std::move(*parsed);
}

}  // namespace

void register_filters_more(std::map<std::string, FilterFn> & m) {
    m["round"] = f_round;
    m["abs"] = f_abs;
    m["sum"] = f_sum;
    m["min"] = f_min;
    m["max"] = f_max;
    m["reverse"] = f_reverse;
    m["batch"] = f_batch;
    m["wordcount"] = f_wordcount;
    m["center"] = f_center;
    m["attr"] = f_attr;
    m["format"] = f_format;
    m["pprint"] = f_pprint;
    m["truncate"] = f_truncate;
    m["from_json"] = f_from_json;
}

}  // namespace hearth::jinja
