// Helpers for `hearth-cli mcp`: connecting to configured MCP servers
// (several at once, in parallel) and rendering what they return as text.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcp/mcp_client.h"
#include "mcp/server_config.h"
#include "mcp/transport_factory.h"

namespace Hearth::Cli {

struct McpConnectOptions {
    std::chrono::milliseconds timeout{60000};  // per request, and at least this for initialize
    std::string logDir;                        // stdio servers' stderr logs; "" keeps them in memory
};

// Connects to one server; throws Mcp::McpError with a message that names the server.
std::unique_ptr<Mcp::McpClient> connectServer(const Mcp::ServerConfig & server, const McpConnectOptions & options);

struct ServerTools {
    std::string name;
    std::vector<Mcp::ToolInfo> tools;
    std::string error;  // set when the server could not be reached or listed
};

// Connects to each server in its own thread, lists its tools and disconnects.
std::vector<ServerTools> listAllTools(const std::vector<Mcp::ServerConfig> & servers,
                                      const McpConnectOptions & options);

// A CallToolResult as a person reads it: text blocks as they are, other blocks as one-line summaries.
std::string renderToolResult(const nlohmann::json & result);

}  // namespace Hearth::Cli
