// BuiltinTool: a tool that runs inside Hearth, no MCP server needed.
//
// Each describes itself as an MCP tool does (name, description, a JSON
// Schema for its arguments) and answers with an MCP CallToolResult
// ({"content": [{"type": "text", ...}], "isError": bool}), so the app's tool
// loop handles built-in and MCP tools the same way. call() never throws for
// bad arguments or a failure: that is a result with isError: true, which the
// model reads and can act on.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace Hearth::Tools {

// How the app should treat the tool; the app enforces it, the tool only says it.
struct ToolPolicy {
    bool enabledByDefault = false;  // every built-in tool is off until the user turns it on
    bool confirmEveryTime = false;  // ask before each call, even after "Always allow"
};

struct ToolCallContext {
    std::function<bool()> cancelled;  // polled by long-running tools; may be empty
    std::chrono::milliseconds timeout{60000};
};

class BuiltinTool {
public:
    virtual ~BuiltinTool() = default;
    virtual std::string name() const = 0;
    virtual std::string description() const = 0;
    virtual nlohmann::json inputSchema() const = 0;
    virtual ToolPolicy policy() const { return {}; }
    virtual nlohmann::json call(const nlohmann::json & arguments, const ToolCallContext & context) const = 0;

    // {"name", "description", "inputSchema"}: what tools/list would give, for the chat template's `tools`.
    nlohmann::json definition() const {
        return {{"name", name()}, {"description", description()}, {"inputSchema", inputSchema()}};
    }
};

}  // namespace Hearth::Tools
