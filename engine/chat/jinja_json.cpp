#include "chat/jinja_json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "chat/jinja_error.h"
#include "hearth/error.h"
#include "hearth/json_depth.h"

namespace hearth::jinja {

namespace {

Value from_json(const nlohmann::ordered_json & j) {
    switch (j.type()) {
        case nlohmann::ordered_json::value_t::null:
            return Value::none();
        case nlohmann::ordered_json::value_t::boolean:
            return Value::from(j.get<bool>());
        case nlohmann::ordered_json::value_t::number_integer:
            return Value::from(j.get<int64_t>());
        case nlohmann::ordered_json::value_t::number_unsigned: {
            auto u = j.get<uint64_t>();
            if (u > static_cast<uint64_t>(INT64_MAX)) return Value::from(static_cast<double>(u));
            return Value::from(static_cast<int64_t>(u));
        }
        case nlohmann::ordered_json::value_t::number_float:
            return Value::from(j.get<double>());
        case nlohmann::ordered_json::value_t::string:
            return Value::from(j.get<std::string>());
        case nlohmann::ordered_json::value_t::array: {
            std::vector<Value> items;
            items.reserve(j.size());
            for (const auto & e : j) items.push_back(from_json(e));
            return Value::from(std::move(items));
        }
        case nlohmann::ordered_json::value_t::object: {
            Value d = Value::new_dict();
            for (auto it = j.begin(); it != j.end(); ++it) d.dict->append(Value::from(it.key()), from_json(it.value()));
            return d;
        }
        default:
            return Value::none();
    }
}

void escape_json_string(std::string & out, std::string_view s) {
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

std::string key_string(const Value & k) {
    switch (k.kind) {
        case Kind_string:
            return k.text;
        case Kind_boolean:
            return k.boolean ? "true" : "false";
        case Kind_none:
            return "null";
        case Kind_integer:
            return std::to_string(k.integer);
        case Kind_float:
            return format_float(k.number);
        default:
            type_error("keys must be str, int, float, bool or None, not " + type_name(k));
    }
}

class Writer {
public:
    explicit Writer(const JsonStyle & style) : m_style(style) {}

    void write(const Value & v, int level) {
        if (level > 500) fail("ValueError", "Circular reference detected");
        walk_size(m_out.size());
        switch (v.kind) {
            case Kind_none:
                m_out += "null";
                return;
            case Kind_boolean:
                m_out += v.boolean ? "true" : "false";
                return;
            case Kind_integer:
                m_out += std::to_string(v.integer);
                return;
            case Kind_float:
                if (std::isnan(v.number))
                    m_out += "NaN";
                else if (std::isinf(v.number))
                    m_out += v.number < 0 ? "-Infinity" : "Infinity";
                else
                    m_out += format_float(v.number);
                return;
            case Kind_string:
                escape_json_string(m_out, v.text);
                return;
            case Kind_list:
                walk_step();
                write_list(v, level);
                return;
            case Kind_dict:
                if (v.dict->tag == DictTag_plain) {
                    walk_step();
                    write_dict(v, level);
                    return;
                }
                break;
            default:
                break;
        }
        type_error("Object of type " + type_name(v) + " is not JSON serializable");
    }

    std::string take() { return std::move(m_out); }

private:
    void newline(int level) {
        if (!m_style.indent) return;
        m_out += '\n';
        for (int i = 0; i < level; ++i) m_out += *m_style.indent;
    }

    void write_list(const Value & v, int level) {
        const auto & items = v.list->items;
        if (items.empty()) {
            m_out += "[]";
            return;
        }
        m_out += '[';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) m_out += m_style.item_separator;
            newline(level + 1);
            write(items[i], level + 1);
        }
        newline(level);
        m_out += ']';
    }

    void write_dict(const Value & v, int level) {
        std::vector<std::pair<std::string, const Value *>> entries;
        for (const auto & e : v.dict->entries) entries.emplace_back(key_string(e.first), &e.second);
        if (m_style.sort_keys)
            std::stable_sort(entries.begin(), entries.end(),
                             [](const auto & a, const auto & b) { return a.first < b.first; });
        if (entries.empty()) {
            m_out += "{}";
            return;
        }
        m_out += '{';
        for (size_t i = 0; i < entries.size(); ++i) {
            if (i) m_out += m_style.item_separator;
            newline(level + 1);
            escape_json_string(m_out, entries[i].first);
            m_out += m_style.key_separator;
            write(*entries[i].second, level + 1);
        }
        newline(level);
        m_out += '}';
    }

    const JsonStyle & m_style;
    std::string m_out;
};

}  // namespace

std::optional<Value> try_parse_json(std::string_view text, std::string & error) {
    if (!json_depth_within(text)) {
        error = "JSON nested deeper than " + std::to_string(k_json_max_depth) + " levels";
        return std::nullopt;
    }
    try {
        return from_json(nlohmann::ordered_json::parse(text.begin(), text.end()));
    } catch (const nlohmann::ordered_json::exception & e) {
        error = e.what();
        return std::nullopt;
    }
}

Value parse_json(std::string_view text) {
    std::string error;
    std::optional<Value> v = try_parse_json(text, error);
    if (!v) throw Error(ErrorCode_format, "template context: invalid JSON: " + error);
    return std::move(*v);
}

std::string to_json(const Value & v, const JsonStyle & style) {
    Writer w(style);
    w.write(v, 0);
    return w.take();
}

}  // namespace hearth::jinja
