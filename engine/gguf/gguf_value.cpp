#include <cinttypes>
#include <cstdio>

#include "hearth/error.h"
#include "hearth/gguf.h"

namespace hearth {

const char * gguf_type_name(GgufType type) {
    static const char * const kNames[GgufType_COUNT] = {"u8",   "i8",     "u16",   "i16", "u32", "i32", "f32",
                                                        "bool", "string", "array", "u64", "i64", "f64"};
    return type < GgufType_COUNT ? kNames[type] : "unknown";
}

GgufValue GgufValue::make_uint(GgufType type, uint64_t v) {
    GgufValue r;
    r.m_type = type;
    r.m_value = v;
    return r;
}

GgufValue GgufValue::make_int(GgufType type, int64_t v) {
    GgufValue r;
    r.m_type = type;
    r.m_value = v;
    return r;
}

GgufValue GgufValue::make_float(GgufType type, double v) {
    GgufValue r;
    r.m_type = type;
    r.m_value = v;
    return r;
}

GgufValue GgufValue::make_bool(bool v) {
    GgufValue r;
    r.m_type = GgufType_bool;
    r.m_value = v;
    return r;
}

GgufValue GgufValue::make_string(std::string_view v) {
    GgufValue r;
    r.m_type = GgufType_string;
    r.m_value = v;
    return r;
}

GgufValue GgufValue::make_array(GgufArray v) {
    GgufValue r;
    r.m_type = GgufType_array;
    r.m_value = std::move(v);
    return r;
}

bool GgufValue::is_integer() const {
    return std::holds_alternative<uint64_t>(m_value) || std::holds_alternative<int64_t>(m_value);
}

namespace {
[[noreturn]] void wrong_type(std::string_view what, const char * wanted, GgufType got) {
    throw Error(ErrorCode_format, std::string(what) + " should be " + wanted + " but is " + gguf_type_name(got));
}
}  // namespace

int64_t GgufValue::as_int(std::string_view what) const {
    if (auto * u = std::get_if<uint64_t>(&m_value)) {
        if (*u > static_cast<uint64_t>(INT64_MAX)) wrong_type(what, "a signed integer", m_type);
        return static_cast<int64_t>(*u);
    }
    if (auto * i = std::get_if<int64_t>(&m_value)) return *i;
    wrong_type(what, "an integer", m_type);
}

uint64_t GgufValue::as_uint(std::string_view what) const {
    if (auto * u = std::get_if<uint64_t>(&m_value)) return *u;
    if (auto * i = std::get_if<int64_t>(&m_value)) {
        if (*i < 0) throw Error(ErrorCode_format, std::string(what) + " must not be negative");
        return static_cast<uint64_t>(*i);
    }
    wrong_type(what, "an unsigned integer", m_type);
}

double GgufValue::as_float(std::string_view what) const {
    if (auto * d = std::get_if<double>(&m_value)) return *d;
    if (auto * u = std::get_if<uint64_t>(&m_value)) return static_cast<double>(*u);
    if (auto * i = std::get_if<int64_t>(&m_value)) return static_cast<double>(*i);
    wrong_type(what, "a number", m_type);
}

bool GgufValue::as_bool(std::string_view what) const {
    if (auto * b = std::get_if<bool>(&m_value)) return *b;
    wrong_type(what, "a bool", m_type);
}

std::string_view GgufValue::as_string(std::string_view what) const {
    if (auto * s = std::get_if<std::string_view>(&m_value)) return *s;
    wrong_type(what, "a string", m_type);
}

const GgufArray & GgufValue::as_array(std::string_view what) const {
    if (auto * a = std::get_if<GgufArray>(&m_value)) return *a;
    wrong_type(what, "an array", m_type);
}

std::string GgufValue::to_string(size_t max_items) const {
    char buf[64];
    switch (m_type) {
        case GgufType_bool:
            return std::get<bool>(m_value) ? "true" : "false";
        case GgufType_float32:
        case GgufType_float64:
            std::snprintf(buf, sizeof buf, "%.9g", std::get<double>(m_value));
            return buf;
        case GgufType_string: {
            std::string out = "\"";
            for (char c : std::get<std::string_view>(m_value)) {
                if (c == '\n')
                    out += "\\n";
                else if (c == '"')
                    out += "\\\"";
                else
                    out += c;
            }
            return out + "\"";
        }
        case GgufType_array: {
            const GgufArray & a = std::get<GgufArray>(m_value);
            std::string out = "[";
            size_t shown = a.items.size() <= max_items ? a.items.size() : max_items;
            for (size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + a.items[i].to_string(max_items);
            if (shown < a.items.size())
                out += ", ... (" + std::to_string(a.items.size()) + " " + gguf_type_name(a.elem_type) + " items)";
            return out + "]";
        }
        default:
            if (auto * u = std::get_if<uint64_t>(&m_value)) return std::to_string(*u);
            return std::to_string(std::get<int64_t>(m_value));
    }
}

std::string GgufTensor::shape_string() const {
    std::string out = "[";
    for (uint32_t i = 0; i < n_dims; ++i) out += (i ? ", " : "") + std::to_string(ne[i]);
    return out + "]";
}

}  // namespace hearth
