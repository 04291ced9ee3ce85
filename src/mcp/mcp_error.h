// McpError: why an MCP operation did not give a result.
//
// A tool that ran and failed is not an McpError: it is a CallToolResult with
// `isError: true`, which callers hand to the model like any other result.
// McpError covers everything else: the server could not be reached or
// started, it answered with a JSON-RPC error, it broke the protocol, the
// request timed out or was cancelled.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace Hearth::Mcp {

enum class McpErrorKind {
    Config,     // the server's configuration is invalid
    Start,      // the process could not be spawned, or the endpoint could not be reached
    Closed,     // the server exited or the connection closed while a request was open
    Timeout,    // no answer within the request's timeout
    Cancelled,  // cancelled by the caller
    Protocol,   // the server broke JSON-RPC or MCP (malformed, oversized, unsupported version)
    Remote,     // the server answered with a JSON-RPC error object
    Usage,      // the caller asked for something invalid (arguments that are not an object)
};

class McpError : public std::runtime_error {
public:
    McpError(McpErrorKind kind, const std::string & message, int code = 0, nlohmann::json data = nullptr)
        : std::runtime_error(message), m_kind(kind), m_code(code), m_data(std::move(data)) {}

    McpErrorKind kind() const { return m_kind; }
    // The JSON-RPC error code for Remote errors (e.g. -32601 method not found), else 0.
    int code() const { return m_code; }
    const nlohmann::json & data() const { return m_data; }

private:
    McpErrorKind m_kind;
    int m_code;
    nlohmann::json m_data;
};

// "timeout", "closed", ... for logs and the CLI's JSON output.
const char * mcpErrorKindName(McpErrorKind kind);

}  // namespace Hearth::Mcp
