// The MCP server configuration: the `mcpServers` JSON that Claude Desktop,
// Cursor, LM Studio and Cherry Studio share.
//
//   {"mcpServers": {
//      "everything": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-everything"],
//                     "env": {"KEY": "value"}, "cwd": "/some/folder"},
//      "remote": {"url": "https://example.com/mcp", "headers": {"Authorization": "Bearer sk-..."}},
//      "old": {"type": "sse", "url": "http://127.0.0.1:3001/sse"},
//      "off": {"command": "x", "disabled": true}}}
//
// A server with `command` runs over stdio; one with `url` over Streamable
// HTTP, or the older HTTP+SSE transport when `type` is "sse". Also read:
// `type` ("stdio", "http", "streamable-http", "streamableHttp", "sse"),
// Cherry Studio's `baseUrl` and `isActive`, `timeout` (seconds, per request),
// and VS Code's top-level "servers" in place of "mcpServers". Other fields
// are ignored, so files written by those apps load as they are.
//
// Every mistake is reported with the server and field it is in
// ("mcpServers.everything.args[1]: expected a string, got a number").
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace Hearth::Mcp {

enum class ServerTransport { Stdio, Http, Sse };

struct ServerConfig {
    std::string name;
    ServerTransport transport = ServerTransport::Stdio;
    // stdio
    std::string command;
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string cwd;
    // HTTP
    std::string url;
    std::map<std::string, std::string> headers;

    bool disabled = false;
    std::optional<std::chrono::milliseconds> timeout;  // per request; the client's default when unset
};

struct McpConfig {
    std::vector<ServerConfig> servers;  // sorted by name
    const ServerConfig * find(const std::string & name) const;
};

struct McpConfigParse {
    McpConfig config;                 // the servers that are valid
    std::vector<std::string> errors;  // one line per mistake, naming the server and field
    bool ok() const { return errors.empty(); }
};

// Reads a config's text; collects every mistake rather than stopping at the first.
McpConfigParse parseMcpConfig(std::string_view text);
// Reads a config file; throws McpError(Config) naming the file and listing the mistakes.
McpConfig loadMcpConfig(const std::string & path);

const char * serverTransportName(ServerTransport transport);

}  // namespace Hearth::Mcp
