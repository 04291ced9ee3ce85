#include "server/json_fields.h"

#include <cmath>

#include "server/api_error.h"

namespace Hearth::Server {

namespace {

const nlohmann::json * field(const nlohmann::json & obj, const std::string & key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    return &*it;
}

std::string numberText(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string((long long)v);
    std::string s = std::to_string(v);
    while (!s.empty() && s.back() == '0') s.pop_back();
    return s;
}

}  // namespace

std::string jsonTypeName(const nlohmann::json & value) {
    switch (value.type()) {
        case nlohmann::json::value_t::null:
            return "null";
        case nlohmann::json::value_t::object:
            return "an object";
        case nlohmann::json::value_t::array:
            return "an array";
        case nlohmann::json::value_t::string:
            return "a string";
        case nlohmann::json::value_t::boolean:
            return "a boolean";
        case nlohmann::json::value_t::number_integer:
        case nlohmann::json::value_t::number_unsigned:
            return "an integer";
        case nlohmann::json::value_t::number_float:
            return "a number";
        default:
            return "an unsupported value";
    }
}

std::optional<double> optNumber(const nlohmann::json & obj, const std::string & key, double min, double max) {
    const nlohmann::json * v = field(obj, key);
    if (!v) return std::nullopt;
    if (!v->is_number()) throw ApiError::invalid(key, "'" + key + "' must be a number, not " + jsonTypeName(*v) + ".");
    const double d = v->get<double>();
    if (!(d >= min && d <= max))
        throw ApiError::invalid(key, "'" + key + "' must be between " + numberText(min) + " and " + numberText(max) +
                                         ", not " + v->dump() + ".");
    return d;
}

std::optional<long long> optInteger(const nlohmann::json & obj, const std::string & key, long long min, long long max) {
    const nlohmann::json * v = field(obj, key);
    if (!v) return std::nullopt;
    const bool integral =
        v->is_number_integer() || v->is_number_unsigned() ||
        (v->is_number_float() && std::isfinite(v->get<double>()) && v->get<double>() == std::floor(v->get<double>()));
    if (!integral) throw ApiError::invalid(key, "'" + key + "' must be an integer, not " + jsonTypeName(*v) + ".");
    if (v->is_number_unsigned() && v->get<unsigned long long>() > (unsigned long long)max)
        throw ApiError::invalid(key, "'" + key + "' must be at most " + std::to_string(max) + ".");
    const double d = v->get<double>();
    if (d < double(min) || d > double(max))
        throw ApiError::invalid(key, "'" + key + "' must be between " + std::to_string(min) + " and " +
                                         std::to_string(max) + ", not " + v->dump() + ".");
    return v->is_number_float() ? (long long)d : v->get<long long>();
}

std::optional<bool> optBool(const nlohmann::json & obj, const std::string & key) {
    const nlohmann::json * v = field(obj, key);
    if (!v) return std::nullopt;
    if (!v->is_boolean())
        throw ApiError::invalid(key, "'" + key + "' must be a boolean, not " + jsonTypeName(*v) + ".");
    return v->get<bool>();
}

std::optional<std::string> optString(const nlohmann::json & obj, const std::string & key) {
    const nlohmann::json * v = field(obj, key);
    if (!v) return std::nullopt;
    if (!v->is_string()) throw ApiError::invalid(key, "'" + key + "' must be a string, not " + jsonTypeName(*v) + ".");
    return v->get<std::string>();
}

std::vector<std::string> optStringList(const nlohmann::json & obj, const std::string & key, size_t maxItems) {
    const nlohmann::json * v = field(obj, key);
    if (!v) return {};
    std::vector<std::string> out;
    if (v->is_string()) {
        out.push_back(v->get<std::string>());
    } else if (v->is_array()) {
        for (const nlohmann::json & item : *v) {
            if (!item.is_string())
                throw ApiError::invalid(key, "'" + key + "' must hold strings, not " + jsonTypeName(item) + ".");
            out.push_back(item.get<std::string>());
        }
    } else {
        throw ApiError::invalid(key,
                                "'" + key + "' must be a string or an array of strings, not " + jsonTypeName(*v) + ".");
    }
    if (out.size() > maxItems)
        throw ApiError::invalid(key, "'" + key + "' may hold at most " + std::to_string(maxItems) + " strings.");
    for (const std::string & s : out)
        if (s.empty()) throw ApiError::invalid(key, "'" + key + "' may not hold an empty string.");
    return out;
}

}  // namespace Hearth::Server
