// hearth-cli mcp: lists the tools of configured MCP servers and calls one.
//
//   hearth-cli mcp tools --config FILE [--server NAME] [--json]
//     {"servers": {NAME: {"tools": [{"name", "description", "inputSchema"}]}}}
//   hearth-cli mcp call --config FILE SERVER TOOL [--args JSON] [--json]
//     the CallToolResult as the server sent it: {"content": [...], "isError": bool, ...}
//
// FILE is the `mcpServers` JSON of Claude Desktop, Cursor, LM Studio or
// Cherry Studio. Exit codes: 0 done; 1 an error (config, server, protocol);
// 2 a usage error; 3 the tool ran and reported an error (isError: true;
// the result is still printed).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "args.h"
#include "command.h"
#include "mcp/bounded_json.h"
#include "mcp/mcp_error.h"
#include "mcp/server_config.h"
#include "mcp_session.h"

namespace Hearth::Cli {

namespace {

using nlohmann::json;

constexpr int kExitToolError = 3;

McpConnectOptions connectOptions(const Args & args) {
    McpConnectOptions o;
    const double seconds = args.number("--timeout", 60);
    if (!(seconds > 0 && seconds <= 86400)) throw UsageError("--timeout must be between 0 and 86400 seconds");
    o.timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    o.logDir = args.value("--log-dir", "");
    return o;
}

const Mcp::ServerConfig & findServer(const Mcp::McpConfig & config, const std::string & name,
                                     const std::string & path) {
    if (const Mcp::ServerConfig * s = config.find(name)) return *s;
    std::string known;
    for (const auto & s : config.servers) known += (known.empty() ? "" : ", ") + s.name;
    throw Mcp::McpError(Mcp::McpErrorKind::Config, "no server '" + name + "' in " + path +
                                                       (known.empty() ? " (it has none)" : " (it has: " + known + ")"));
}

int runTools(const Args & args) {
    const std::string path = args.required("--config");
    if (args.positional().size() > 1) throw UsageError("unexpected argument " + args.positional()[1]);
    const Mcp::McpConfig config = Mcp::loadMcpConfig(path);
    std::vector<Mcp::ServerConfig> servers;
    if (const auto only = args.value("--server")) {
        servers.push_back(findServer(config, *only, path));
    } else {
        for (const auto & s : config.servers)
            if (!s.disabled) servers.push_back(s);
    }
    const std::vector<ServerTools> listed = listAllTools(servers, connectOptions(args));

    bool failed = false;
    json out = {{"servers", json::object()}};
    for (const ServerTools & s : listed) {
        failed = failed || !s.error.empty();
        if (!s.error.empty()) {
            out["servers"][s.name] = {{"error", s.error}};
            continue;
        }
        json tools = json::array();
        for (const Mcp::ToolInfo & t : s.tools)
            tools.push_back({{"name", t.name}, {"description", t.description}, {"inputSchema", t.inputSchema}});
        out["servers"][s.name] = {{"tools", tools}};
    }
    if (args.flag("--json")) {
        std::printf("%s\n", out.dump(2, ' ', false, json::error_handler_t::replace).c_str());
    } else {
        for (const ServerTools & s : listed) {
            if (!s.error.empty()) {
                std::fprintf(stderr, "%s: error: %s\n", s.name.c_str(), s.error.c_str());
                continue;
            }
            std::printf("%s (%zu tools)\n", s.name.c_str(), s.tools.size());
            for (const Mcp::ToolInfo & t : s.tools) {
                std::string line = t.description.substr(0, t.description.find('\n'));
                if (line.size() > 90) line = line.substr(0, 87) + "...";
                std::printf("  %-32s %s\n", t.name.c_str(), line.c_str());
            }
        }
    }
    return failed ? 1 : 0;
}

json parseArguments(const Args & args) {
    const auto text = args.value("--args");
    if (!text) return json::object();
    const Mcp::BoundedParse parsed = Mcp::parseBoundedJson(*text);
    if (!parsed.value) throw UsageError("--args is not valid JSON: " + parsed.error);
    if (!parsed.value->is_object()) throw UsageError("--args must be a JSON object, e.g. '{\"message\": \"hi\"}'");
    return *parsed.value;
}

int runCall(const Args & args) {
    const std::string path = args.required("--config");
    const auto & pos = args.positional();
    if (pos.size() != 3) throw UsageError("expected SERVER and TOOL");
    const json arguments = parseArguments(args);
    const Mcp::McpConfig config = Mcp::loadMcpConfig(path);
    const Mcp::ServerConfig & server = findServer(config, pos[1], path);
    if (server.disabled)
        throw Mcp::McpError(Mcp::McpErrorKind::Config, "the server '" + server.name + "' is disabled in " + path);

    auto client = connectServer(server, connectOptions(args));
    // Asking first turns a misspelt tool into a clear error rather than whatever the server makes of it.
    const std::vector<Mcp::ToolInfo> tools = client->listTools();
    const bool known =
        std::any_of(tools.begin(), tools.end(), [&](const Mcp::ToolInfo & t) { return t.name == pos[2]; });
    if (!known) {
        std::string names;
        for (const auto & t : tools) names += (names.empty() ? "" : ", ") + t.name;
        throw Mcp::McpError(Mcp::McpErrorKind::Usage, "the server '" + server.name + "' has no tool '" + pos[2] +
                                                          "' (it has: " + (names.empty() ? "none" : names) + ")");
    }
    json result;
    try {
        result = client->callTool(pos[2], arguments);
    } catch (const Mcp::McpError & e) {
        throw Mcp::McpError(e.kind(), "server '" + server.name + "', tool '" + pos[2] + "': " + e.what(), e.code());
    }
    client->close();
    if (args.flag("--json"))
        std::printf("%s\n", result.dump(2, ' ', false, json::error_handler_t::replace).c_str());
    else
        std::fputs(renderToolResult(result).c_str(), stdout);
    const auto isError = result.find("isError");
    return isError != result.end() && isError->is_boolean() && isError->get<bool>() ? kExitToolError : 0;
}

int runMcp(int argc, char ** argv) {
    Args args(argc, argv, {{"--config", "-c"}, {"--args"}, {"--server"}, {"--timeout"}, {"--log-dir"}}, {{"--json"}});
    if (args.positional().empty()) throw UsageError("expected a subcommand: tools or call");
    const std::string sub = args.positional()[0];
    if (sub == "tools") return runTools(args);
    if (sub == "call") return runCall(args);
    throw UsageError("unknown subcommand '" + sub + "' (expected tools or call)");
}

const CommandRegistration kRegistration({"mcp",
                                         "mcp tools --config FILE [--server NAME] [--json] | mcp call --config FILE "
                                         "SERVER TOOL [--args JSON] [--json] [--timeout S] [--log-dir DIR]",
                                         runMcp});

}  // namespace

}  // namespace Hearth::Cli
