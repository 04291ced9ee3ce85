#include "schema_validator.h"

#include <cmath>
#include <regex>

namespace grammar_test {

namespace {

using nlohmann::json;

// Code points, so that std::wregex sees characters where std::regex would see bytes.
std::wstring wide(const std::string & s) {
    std::wstring out;
    for (size_t i = 0; i < s.size();) {
        const auto c = uint8_t(s[i]);
        const int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
        uint32_t cp = n == 1 ? c : c & (0x7Fu >> n);
        for (int k = 1; k < n && i + size_t(k) < s.size(); ++k) cp = (cp << 6) | (uint8_t(s[i + size_t(k)]) & 0x3Fu);
        out.push_back(wchar_t(cp));
        i += size_t(n);
    }
    return out;
}

size_t code_points(const std::string & s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

bool has_type(const json & v, const std::string & t) {
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "boolean") return v.is_boolean();
    if (t == "null") return v.is_null();
    if (t == "number") return v.is_number();
    if (t == "integer")
        return v.is_number_integer() || (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
    return false;
}

bool format_ok(const std::string & format, const std::string & s) {
    static const std::regex date(R"(^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$)");
    static const std::regex time(R"(^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?$)");
    static const std::regex date_time(R"(^\d{4}-\d\d-\d\dT([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d\d:\d\d)$)");
    static const std::regex uuid(R"(^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$)");
    static const std::regex email(R"(^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$)");
    static const std::regex ipv4(R"(^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$)");
    if (format == "date") {
        if (!std::regex_match(s, date)) return false;
        const int month = std::stoi(s.substr(5, 2)), day = std::stoi(s.substr(8, 2));
        static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        return day <= days[month - 1];
    }
    if (format == "time") return std::regex_match(s, time);
    if (format == "date-time") return std::regex_match(s, date_time) && format_ok("date", s.substr(0, 10));
    if (format == "uuid") return std::regex_match(s, uuid);
    if (format == "email") return std::regex_match(s, email);
    if (format == "ipv4") return std::regex_match(s, ipv4);
    return true;
}

class Validator {
public:
    explicit Validator(const json & root) : m_root(root) {}

    std::string check(const json & v, const json & s, const std::string & at, int depth) {
        if (depth > 200) return at + ": too deep";
        if (s.is_boolean()) return s.get<bool>() ? "" : at + ": false schema";
        if (s.contains("$ref")) {
            const std::string ref = s["$ref"];
            return check(v, m_root.at(json::json_pointer(ref.substr(1))), at, depth + 1);
        }
        if (s.contains("const") && v != s["const"]) return at + ": not the const";
        if (s.contains("enum")) {
            bool found = false;
            for (const json & e : s["enum"]) found = found || e == v;
            if (!found) return at + ": not in enum";
        }
        for (const char * key : {"anyOf", "oneOf"}) {
            if (!s.contains(key)) continue;
            bool any = false;
            for (const json & sub : s[key]) any = any || check(v, sub, at, depth + 1).empty();
            if (!any) return at + ": matches no " + key + " branch";
        }
        if (s.contains("allOf"))
            for (const json & sub : s["allOf"])
                if (std::string e = check(v, sub, at, depth + 1); !e.empty()) return e;
        if (s.contains("type")) {
            const json & t = s["type"];
            bool ok = false;
            if (t.is_string()) ok = has_type(v, t);
            for (const json & x : t.is_array() ? t : json::array()) ok = ok || has_type(v, x);
            if (!ok) return at + ": not of type " + t.dump();
        }
        if (v.is_object()) return object(v, s, at, depth);
        if (v.is_array()) return array(v, s, at, depth);
        if (v.is_string()) return string(v.get<std::string>(), s, at);
        if (v.is_number()) return number(v.get<double>(), s, at);
        return "";
    }

private:
    std::string object(const json & v, const json & s, const std::string & at, int depth) {
        const json props = s.value("properties", json::object());
        for (const json & r : s.value("required", json::array()))
            if (!v.contains(r.get<std::string>())) return at + ": lacks required " + r.dump();
        const json extra = s.value("additionalProperties", json(true));
        for (const auto & [k, x] : v.items()) {
            if (props.contains(k)) {
                if (std::string e = check(x, props[k], at + "/" + k, depth + 1); !e.empty()) return e;
            } else if (extra.is_boolean() && !extra.get<bool>()) {
                return at + ": unexpected property " + k;
            } else if (extra.is_object()) {
                if (std::string e = check(x, extra, at + "/" + k, depth + 1); !e.empty()) return e;
            }
        }
        return "";
    }

    std::string array(const json & v, const json & s, const std::string & at, int depth) {
        if (s.contains("minItems") && v.size() < s["minItems"].get<size_t>()) return at + ": too few items";
        if (s.contains("maxItems") && v.size() > s["maxItems"].get<size_t>()) return at + ": too many items";
        const json prefix = s.value("prefixItems", json::array());
        for (size_t i = 0; i < v.size(); ++i) {
            const json & sub = i < prefix.size() ? prefix[i] : s.value("items", json(true));
            if (std::string e = check(v[i], sub, at + "/" + std::to_string(i), depth + 1); !e.empty()) return e;
        }
        return "";
    }

    std::string string(const std::string & x, const json & s, const std::string & at) {
        const size_t n = code_points(x);
        if (s.contains("minLength") && n < s["minLength"].get<size_t>()) return at + ": too short";
        if (s.contains("maxLength") && n > s["maxLength"].get<size_t>()) return at + ": too long";
        if (s.contains("pattern") && !std::regex_search(wide(x), std::wregex(wide(s["pattern"].get<std::string>()))))
            return at + ": does not match the pattern";
        if (s.contains("format") && !format_ok(s["format"], x)) return at + ": not a " + s["format"].dump();
        return "";
    }

    std::string number(double x, const json & s, const std::string & at) {
        auto num = [&](const char * k) { return s[k].get<double>(); };
        if (s.contains("minimum") && x < num("minimum")) return at + ": below minimum";
        if (s.contains("maximum") && x > num("maximum")) return at + ": above maximum";
        if (s.contains("exclusiveMinimum") && s["exclusiveMinimum"].is_number() && x <= num("exclusiveMinimum"))
            return at + ": not above exclusiveMinimum";
        if (s.contains("exclusiveMaximum") && s["exclusiveMaximum"].is_number() && x >= num("exclusiveMaximum"))
            return at + ": not below exclusiveMaximum";
        return "";
    }

    const json & m_root;
};

}  // namespace

std::string validate(const nlohmann::json & value, const nlohmann::json & schema, const nlohmann::json & root) {
    return Validator(root).check(value, schema, "", 0);
}

}  // namespace grammar_test
