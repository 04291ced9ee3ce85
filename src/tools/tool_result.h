// Building MCP CallToolResult objects, and reading tool arguments with
// errors a model can act on ("`path` must be a string").
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace Hearth::Tools {

// {"content": [{"type": "text", "text": text}], "isError": false[, "structuredContent": structured]}
nlohmann::json textResult(const std::string & text, nlohmann::json structured = nullptr);
// {"content": [{"type": "text", "text": message}], "isError": true}
nlohmann::json errorResult(const std::string & message);

// The string argument `key`; nullopt with `error` set when it is missing or not a string.
std::optional<std::string> stringArgument(const nlohmann::json & arguments, const char * key, std::string & error);

// True when `text` is valid UTF-8 with no NUL byte: what "text" means for the file and URL tools.
bool isText(std::string_view text);
// `text` with invalid UTF-8 sequences replaced by U+FFFD.
std::string sanitizeUtf8(std::string_view text);

}  // namespace Hearth::Tools
