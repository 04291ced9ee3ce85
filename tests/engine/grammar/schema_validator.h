// A small JSON schema validator for the tests, written apart from the
// compiler so that it can judge the compiler's output: every keyword the
// compiler enforces, checked on parsed JSON (patterns and formats through
// std::regex's ECMAScript engine).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace grammar_test {

// "" when `value` satisfies `schema` (whose $refs resolve in `root`), else
// where and why it does not.
std::string validate(const nlohmann::json & value, const nlohmann::json & schema, const nlohmann::json & root);

inline std::string validate(const nlohmann::json & value, const nlohmann::json & schema) {
    return validate(value, schema, schema);
}

}  // namespace grammar_test
