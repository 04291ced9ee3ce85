// SchemaCompiler: one JSON schema to GBNF expressions, keyword by keyword.
//
// Objects list their properties in schema order. Optional properties are
// handled without blowing up: for properties 1..n, rule F_i ("nothing written
// yet, continue from i") and A_i ("something written, so each next property
// starts with a comma") give every subset in order with 2n rules:
//   F_i ::= kv_i A_{i+1}        (required)   A_i ::= "," kv_i A_{i+1}
//   F_i ::= kv_i A_{i+1} | F_{i+1} (optional) A_i ::= "," kv_i A_{i+1} | A_{i+1}
// and the end, F_{n+1} / A_{n+1}, allows the additional properties if any.
#include "grammar/json_schema_compiler.h"

#include <cmath>

#include "hearth/error.h"

namespace hearth::grammar_detail {

namespace {

std::string join_alternatives(const std::vector<std::string> & alts) {
    if (alts.size() == 1) return alts[0];
    std::string out = "(";
    for (size_t i = 0; i < alts.size(); ++i) out += (i ? " | " : " ") + alts[i];
    return out + " )";
}

std::string pointer_escape(const std::string & key) {
    std::string out;
    for (char c : key) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

std::string literal_json(const ojson & value) {
    return gbnf_literal(value.dump(-1, ' ', false, ojson::error_handler_t::strict));
}

}  // namespace

void SchemaCompiler::fail(const std::string & path, const std::string & what) const {
    throw Error(ErrorCode_invalid_argument, "schema " + (path.empty() ? std::string("root") : path) + ": " + what);
}

std::string SchemaCompiler::visit(const ojson & s, const std::string & hint, const std::string & path, int depth) {
    if (++depth > k_max_schema_depth)
        fail(path, "nests deeper than " + std::to_string(k_max_schema_depth) + " levels (counting $ref chains)");
    if (s.is_boolean()) {
        if (!s.get<bool>()) fail(path, "is false: no value matches it");
        return m_rules.primitive("json-value");
    }
    if (!s.is_object()) fail(path, "must be an object or a boolean");
    if (s.contains("$ref")) return ref(s, path, depth);
    if (s.contains("const")) return literal_json(s["const"]);
    if (auto it = s.find("enum"); it != s.end()) {
        if (!it->is_array() || it->empty()) fail(path + "/enum", "must be a non-empty array");
        std::vector<std::string> alts;
        for (const ojson & v : *it) alts.push_back(literal_json(v));
        return m_rules.add(hint, join_alternatives(alts));
    }
    for (const char * key : {"anyOf", "oneOf"}) {
        auto it = s.find(key);
        if (it == s.end()) continue;
        if (!it->is_array() || it->empty()) fail(path + "/" + key, "must be a non-empty array");
        std::vector<std::string> alts;
        for (size_t i = 0; i < it->size(); ++i)
            alts.push_back(
                visit((*it)[i], hint + "-" + std::to_string(i), path + "/" + key + "/" + std::to_string(i), depth));
        if (std::string(key) == "oneOf") m_rules.notes.push_back(path + "/oneOf: treated as anyOf");
        return m_rules.add(hint, join_alternatives(alts));
    }
    if (s.contains("allOf")) return all_of(s, hint, path, depth);
    auto type = s.find("type");
    if (type == s.end()) return untyped(s, hint, path, depth);
    if (type->is_string()) return typed(s, type->get<std::string>(), hint, path, depth);
    if (!type->is_array() || type->empty()) fail(path + "/type", "must be a type name or a non-empty array of them");
    std::vector<std::string> alts;
    for (const ojson & t : *type) {
        if (!t.is_string()) fail(path + "/type", "must hold type names");
        alts.push_back(typed(s, t.get<std::string>(), hint + "-" + t.get<std::string>(), path, depth));
    }
    return m_rules.add(hint, join_alternatives(alts));
}

// No "type": inferred from the keywords present, else any value.
std::string SchemaCompiler::untyped(const ojson & s, const std::string & hint, const std::string & path, int depth) {
    for (const char * key : {"properties", "additionalProperties", "required"})
        if (s.contains(key)) return typed(s, "object", hint, path, depth);
    for (const char * key : {"items", "prefixItems", "minItems", "maxItems"})
        if (s.contains(key)) return typed(s, "array", hint, path, depth);
    for (const char * key : {"minLength", "maxLength", "pattern", "format"})
        if (s.contains(key)) return typed(s, "string", hint, path, depth);
    return m_rules.primitive("json-value");
}

std::string SchemaCompiler::typed(const ojson & s, const std::string & type, const std::string & hint,
                                  const std::string & path, int depth) {
    if (type == "object") return object(s, hint, path, depth);
    if (type == "array") return array(s, hint, path, depth);
    if (type == "string") return string(s, hint, path);
    if (type == "number") return number(s, false, hint, path);
    if (type == "integer") return number(s, true, hint, path);
    if (type == "boolean") return m_rules.primitive("json-boolean");
    if (type == "null") return m_rules.primitive("json-null");
    fail(path + "/type", "unknown type \"" + type + "\"");
}

std::string SchemaCompiler::ref(const ojson & s, const std::string & path, int depth) {
    const ojson & r = s["$ref"];
    if (!r.is_string()) fail(path + "/$ref", "must be a string");
    const std::string target = r.get<std::string>();
    if (auto it = m_refs.find(target); it != m_refs.end()) return it->second;
    if (target.empty() || target[0] != '#')
        fail(path + "/$ref", "\"" + target + "\" is not a local reference (only \"#...\" is supported)");
    const ojson * node = nullptr;
    try {
        node = &m_root.at(ojson::json_pointer(target.substr(1)));
    } catch (const nlohmann::json::exception &) {
        fail(path + "/$ref", "\"" + target + "\" does not resolve in this schema");
    }
    const size_t slash = target.rfind('/');
    const std::string name =
        m_rules.reserve(m_prefix + "-" + (slash == std::string::npos ? "root" : target.substr(slash + 1)));
    m_refs.emplace(target, name);  // before the visit, so a recursive schema refers back to it
    m_rules.define(name, visit(*node, name, target.substr(1), depth));
    return name;
}

// allOf of object schemas: their properties and required lists, merged.
std::string SchemaCompiler::all_of(const ojson & s, const std::string & hint, const std::string & path, int depth) {
    const ojson & parts = s["allOf"];
    if (!parts.is_array() || parts.empty()) fail(path + "/allOf", "must be a non-empty array");
    if (parts.size() == 1) return visit(parts[0], hint, path + "/allOf/0", depth);
    ojson merged = {{"type", "object"}, {"properties", ojson::object()}, {"required", ojson::array()}};
    for (size_t i = 0; i < parts.size(); ++i) {
        const ojson * p = &parts[i];
        for (int hops = 0; p->is_object() && p->contains("$ref"); ++hops) {
            const ojson & r = (*p)["$ref"];
            if (hops > 16 || !r.is_string() || r.get<std::string>().rfind('#', 0) != 0) break;
            try {
                p = &m_root.at(ojson::json_pointer(r.get<std::string>().substr(1)));
            } catch (const nlohmann::json::exception &) {
                fail(path + "/allOf/" + std::to_string(i), "its $ref does not resolve");
            }
        }
        if (!p->is_object() || !(p->contains("properties") || p->value("type", ojson()) == "object"))
            fail(path + "/allOf/" + std::to_string(i), "allOf is supported for object schemas only");
        const ojson props = p->value("properties", ojson::object());
        const ojson required = p->value("required", ojson::array());
        if (!props.is_object() || !required.is_array())
            fail(path + "/allOf/" + std::to_string(i), "properties must be an object and required an array");
        for (auto it = props.begin(); it != props.end(); ++it) merged["properties"][it.key()] = it.value();
        for (const ojson & k : required) merged["required"].push_back(k);
        if (p->contains("additionalProperties")) merged["additionalProperties"] = (*p)["additionalProperties"];
    }
    return object(merged, hint, path + "/allOf", depth);
}

std::string SchemaCompiler::object(const ojson & s, const std::string & hint, const std::string & path, int depth) {
    const ojson props = s.value("properties", ojson::object());
    if (!props.is_object()) fail(path + "/properties", "must be an object");
    const ojson required = s.value("required", ojson::array());
    if (!required.is_array()) fail(path + "/required", "must be an array of property names");
    for (const ojson & r : required)
        if (!r.is_string()) fail(path + "/required", "must be an array of property names");
    auto is_required = [&](const std::string & key) {
        for (const ojson & r : required)
            if (r.get<std::string>() == key) return true;
        return false;
    };
    const std::string ws = m_rules.primitive("ws");
    struct Item {
        std::string kv;
        bool required;
    };
    std::vector<Item> items;
    for (const auto & [key, sub] : props.items()) {
        const std::string value = visit(sub, hint + "-" + key, path + "/properties/" + pointer_escape(key), depth);
        items.push_back(
            {literal_json(ojson(key)) + " " + ws + " \":\" " + ws + " " + value + " " + ws, is_required(key)});
    }
    for (const ojson & r : required)
        if (!props.contains(r.get<std::string>()))
            items.push_back(
                {literal_json(r) + " " + ws + " \":\" " + ws + " " + m_rules.primitive("json-value") + " " + ws, true});

    // Without properties, an object schema allows any members unless
    // additionalProperties says otherwise; with them, only those listed
    // unless it allows more (llama.cpp's choice: models should not invent keys).
    const ojson extra = s.value("additionalProperties", ojson(props.empty() && required.empty()));
    std::string extra_kv;
    if (extra.is_object() || (extra.is_boolean() && extra.get<bool>())) {
        const std::string value = extra.is_object()
                                      ? visit(extra, hint + "-extra", path + "/additionalProperties", depth)
                                      : m_rules.primitive("json-value");
        std::vector<std::string> declared;
        for (auto it = props.begin(); it != props.end(); ++it) declared.push_back(it.key());
        for (const ojson & r : required) declared.push_back(r.get<std::string>());
        const std::string key =
            declared.empty() ? m_rules.primitive("json-string") : key_not_in(declared, hint + "-extra", m_rules);
        extra_kv = key + " " + ws + " \":\" " + ws + " " + value + " " + ws;
    } else if (!extra.is_boolean()) {
        fail(path + "/additionalProperties", "must be a boolean or a schema");
    }
    for (const char * key : {"minProperties", "maxProperties", "patternProperties"})
        if (s.contains(key)) m_rules.notes.push_back(path + "/" + key + ": not enforced");

    std::string after = "\"\"", first = "\"\"";  // A_{n+1}, F_{n+1}
    if (!extra_kv.empty()) {
        after = m_rules.add(hint + "-rest", "( \",\" " + ws + " " + extra_kv + " )*");
        first = "( " + extra_kv + " " + after + " )?";
    }
    for (size_t i = items.size(); i-- > 0;) {
        const Item & it = items[i];
        const std::string a = "\",\" " + ws + " " + it.kv + " " + after;
        const std::string f = it.kv + " " + after;
        after = m_rules.add(hint + "-a" + std::to_string(i), it.required ? a : a + " | " + after);
        first = m_rules.add(hint + "-f" + std::to_string(i), it.required ? f : f + " | " + first);
    }
    return m_rules.add(hint, "\"{\" " + ws + " " + first + " \"}\"");
}

int64_t SchemaCompiler::count(const ojson & s, const char * key, const std::string & path) {
    auto it = s.find(key);
    if (it == s.end()) return -1;
    if (!it->is_number() || it->get<double>() < 0 || std::floor(it->get<double>()) != it->get<double>())
        fail(path + "/" + key, "must be a non-negative integer");
    const double v = it->get<double>();
    return v > double(INT64_MAX / 2) ? INT64_MAX / 2 : int64_t(v);
}

std::string SchemaCompiler::array(const ojson & s, const std::string & hint, const std::string & path, int depth) {
    const std::string ws = m_rules.primitive("ws");
    const int64_t min = std::max<int64_t>(count(s, "minItems", path), 0);
    int64_t max = count(s, "maxItems", path);  // -1: none
    if (max >= 0 && max < min) fail(path + "/maxItems", "is below minItems");
    if (min > k_max_count) fail(path + "/minItems", "is above " + std::to_string(k_max_count));
    if (max > k_max_count) {
        m_rules.notes.push_back(path + "/maxItems: above " + std::to_string(k_max_count) + ", not enforced");
        max = -1;
    }
    if (s.contains("uniqueItems")) m_rules.notes.push_back(path + "/uniqueItems: not enforced");

    const ojson * prefix = nullptr;
    if (auto it = s.find("prefixItems"); it != s.end()) prefix = &*it;
    if (auto it = s.find("items"); it != s.end() && it->is_array()) prefix = &*it;  // draft 4-2019 tuples
    if (prefix) {
        if (!prefix->is_array() || prefix->empty()) fail(path + "/prefixItems", "must be a non-empty array");
        std::string body = "\"[\" " + ws;
        for (size_t i = 0; i < prefix->size(); ++i) {
            if (i) body += " \",\" " + ws;
            body +=
                " " +
                visit((*prefix)[i], hint + "-" + std::to_string(i), path + "/prefixItems/" + std::to_string(i), depth) +
                " " + ws;
        }
        return m_rules.add(hint, body + " \"]\"");
    }
    const ojson items = s.value("items", ojson(true));
    const std::string item = visit(items, hint + "-item", path + "/items", depth) + " " + ws;
    if (max == 0) return m_rules.add(hint, "\"[\" " + ws + " \"]\"");
    const std::string more = "\",\" " + ws + " " + item;
    auto rep = [&](int64_t lo, int64_t hi) {  // hi -1: unbounded
        if (hi < 0) return "( " + more + " )" + (lo == 0 ? "*" : "{" + std::to_string(lo) + ",}");
        if (hi == 0) return std::string("\"\"");
        return "( " + more + " ){" + std::to_string(lo) + "," + std::to_string(hi) + "}";
    };
    const int64_t rest_max = max < 0 ? -1 : max - 1;
    if (min == 0) return m_rules.add(hint, "\"[\" " + ws + " ( " + item + " " + rep(0, rest_max) + " )? \"]\"");
    return m_rules.add(hint, "\"[\" " + ws + " " + item + " " + rep(min - 1, rest_max) + " \"]\"");
}

std::string SchemaCompiler::string(const ojson & s, const std::string & hint, const std::string & path) {
    const std::string quote = "\"\\\"\"";
    if (auto it = s.find("pattern"); it != s.end()) {
        if (!it->is_string()) fail(path + "/pattern", "must be a string");
        std::string why;
        if (auto body = pattern_gbnf(it->get<std::string>(), m_rules, why))
            return m_rules.add(hint, quote + " " + *body + " " + quote);
        m_rules.notes.push_back(path + "/pattern: not enforced: " + why);
    }
    if (auto it = s.find("format"); it != s.end() && it->is_string()) {
        const std::string body = format_gbnf(it->get<std::string>(), m_rules);
        if (!body.empty()) return m_rules.add(hint, quote + " " + body + " " + quote);
        m_rules.notes.push_back(path + "/format: \"" + it->get<std::string>() + "\" is not enforced");
    }
    const int64_t min = std::max<int64_t>(count(s, "minLength", path), 0);
    int64_t max = count(s, "maxLength", path);  // -1: none
    if (max >= 0 && max < min) fail(path + "/maxLength", "is below minLength");
    if (min > k_max_count) fail(path + "/minLength", "is above " + std::to_string(k_max_count));
    if (max > k_max_count) {
        m_rules.notes.push_back(path + "/maxLength: above " + std::to_string(k_max_count) + ", not enforced");
        max = -1;
    }
    if (min == 0 && max < 0) return m_rules.primitive("json-string");
    const std::string chr = m_rules.primitive("json-char");
    const std::string reps = "{" + std::to_string(min) + "," + (max >= 0 ? std::to_string(max) : "") + "}";
    return m_rules.add(hint, quote + " " + chr + reps + " " + quote);
}

namespace {

// The tighter of a schema's lower (or upper) bounds, rounded inward to an
// integer: minimum, exclusiveMinimum as a number (draft 6+), or as a boolean
// beside minimum (draft 4). Bounds beyond int64 are left open.
std::optional<NumberBound> bound(const ojson & s, bool upper) {
    const char * inclusive_key = upper ? "maximum" : "minimum";
    const char * exclusive_key = upper ? "exclusiveMaximum" : "exclusiveMinimum";
    std::optional<NumberBound> best;
    auto consider = [&](const ojson & v, bool exclusive) {
        if (!v.is_number()) return;
        const double x = v.get<double>();
        const double r = upper ? std::floor(x) : std::ceil(x);
        if (!(r > -9.2e18 && r < 9.2e18)) return;
        const NumberBound b{int64_t(r), exclusive && r == x};
        const bool tighter = !best || (upper ? (b.value < best->value || (b.value == best->value && b.exclusive))
                                             : (b.value > best->value || (b.value == best->value && b.exclusive)));
        if (tighter) best = b;
    };
    const ojson excl = s.value(exclusive_key, ojson());
    if (s.contains(inclusive_key)) consider(s[inclusive_key], excl.is_boolean() && excl.get<bool>());
    consider(excl, true);
    return best;
}

}  // namespace

std::string SchemaCompiler::number(const ojson & s, bool integer, const std::string & hint, const std::string & path) {
    const std::optional<NumberBound> lo = bound(s, false), hi = bound(s, true);
    if (s.contains("multipleOf")) m_rules.notes.push_back(path + "/multipleOf: not enforced");
    if (integer) {
        if (!lo && !hi) return m_rules.primitive("json-integer");
        std::optional<int64_t> a, b;
        if (lo) a = lo->exclusive ? lo->value + 1 : lo->value;
        if (hi) b = hi->exclusive ? hi->value - 1 : hi->value;
        if (a && b && *a > *b) fail(path, "no integer lies between its minimum and maximum");
        return m_rules.add(hint, integer_range_gbnf(a, b));
    }
    if (!lo && !hi) return m_rules.primitive("json-number");
    const std::string body = number_range_gbnf(lo, hi);
    if (body.empty()) fail(path, "no number lies between its minimum and maximum");
    return m_rules.add(hint, body);
}

}  // namespace hearth::grammar_detail
