// Parsing JSON that comes from an MCP server (or any other outside source)
// with limits on its size and nesting depth.
//
// nlohmann's parser is iterative, but dump(), operator== and the callers'
// own walks recurse, so a 10,000-deep array from a hostile server must be
// refused at the door. The depth is checked by the parser callback while
// parsing (one pass): anything nested deeper than the limit is discarded
// as it is read, so the oversize tree is never built.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace Hearth::Mcp {

struct JsonLimits {
    size_t maxBytes = 16u << 20;  // 16 MiB: an image or a file read by a tool fits
    int maxDepth = 64;            // objects and arrays nested deeper than this are refused
};

struct BoundedParse {
    std::optional<nlohmann::json> value;  // set when the text was valid and within the limits
    std::string error;                    // otherwise, why: "nested deeper than 64", "invalid JSON at byte 12"
};

BoundedParse parseBoundedJson(std::string_view text, const JsonLimits & limits = {});

// The nesting depth of an already-built value (scalars are 0), walked with an
// explicit stack; stops counting at `cap`.
int jsonDepth(const nlohmann::json & value, int cap);

}  // namespace Hearth::Mcp
