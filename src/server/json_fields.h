// Typed, validated reads of optional fields of a request object. A field
// that is absent or null gives nullopt; one of the wrong type or out of range
// throws ApiError(400) naming the field, so a client learns exactly what to fix.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace Hearth::Server {

std::optional<double> optNumber(const nlohmann::json & obj, const std::string & key, double min, double max);
std::optional<long long> optInteger(const nlohmann::json & obj, const std::string & key, long long min, long long max);
std::optional<bool> optBool(const nlohmann::json & obj, const std::string & key);
std::optional<std::string> optString(const nlohmann::json & obj, const std::string & key);
// A string or an array of strings (OpenAI's `stop`), at most `maxItems`.
std::vector<std::string> optStringList(const nlohmann::json & obj, const std::string & key, size_t maxItems);

// JSON's type name for messages: "a string", "an array"...
std::string jsonTypeName(const nlohmann::json & value);

}  // namespace Hearth::Server
