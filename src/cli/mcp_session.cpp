#include "mcp_session.h"

#include <thread>

#include "core/version.h"

namespace Hearth::Cli {

using nlohmann::json;

namespace {

std::string blockSummary(const json & block) {
    const std::string type = block.value("type", std::string("?"));
    if (type == "text") return block.value("text", std::string());
    if (type == "image" || type == "audio") {
        const auto data = block.find("data");
        const size_t bytes = data != block.end() && data->is_string() ? data->get<std::string>().size() * 3 / 4 : 0;
        return "[" + type + " " + block.value("mimeType", std::string("?")) + ", about " + std::to_string(bytes) +
               " bytes]";
    }
    if (type == "resource") {
        const json resource = block.value("resource", json::object());
        std::string line = "[resource " + resource.value("uri", std::string("?")) + "]";
        const auto text = resource.find("text");
        if (text != resource.end() && text->is_string()) line += "\n" + text->get<std::string>();
        return line;
    }
    if (type == "resource_link") {
        std::string line = "[link " + block.value("uri", std::string("?"));
        if (block.contains("name") && block["name"].is_string()) line += " " + block["name"].get<std::string>();
        return line + "]";
    }
    return "[" + type + "] " + block.dump();
}

}  // namespace

std::unique_ptr<Mcp::McpClient> connectServer(const Mcp::ServerConfig & server, const McpConnectOptions & options) {
    Mcp::TransportSettings settings;
    settings.logDir = options.logDir;
    Mcp::ClientOptions client;
    client.clientName = "hearth-cli";
    client.clientVersion = kVersion;
    client.requestTimeout = server.timeout.value_or(options.timeout);
    client.initializeTimeout = std::max(options.timeout, std::chrono::milliseconds(60000));
    auto c = std::make_unique<Mcp::McpClient>(Mcp::makeTransport(server, settings), client);
    try {
        c->connect();
    } catch (const Mcp::McpError & e) {
        throw Mcp::McpError(
            e.kind(),
            "cannot connect to the server '" + server.name + "' (" + c->transport().describe() + "): " + e.what(),
            e.code());
    }
    return c;
}

std::vector<ServerTools> listAllTools(const std::vector<Mcp::ServerConfig> & servers,
                                      const McpConnectOptions & options) {
    std::vector<ServerTools> out(servers.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < servers.size(); ++i) {
        threads.emplace_back([&, i] {
            out[i].name = servers[i].name;
            try {
                auto client = connectServer(servers[i], options);
                out[i].tools = client->listTools();
                client->close();
            } catch (const Mcp::McpError & e) {
                out[i].error = e.what();
            }
        });
    }
    for (std::thread & t : threads) t.join();
    return out;
}

std::string renderToolResult(const json & result) {
    std::string text;
    const auto content = result.find("content");
    if (content != result.end() && content->is_array()) {
        for (const json & block : *content) {
            if (!text.empty() && text.back() != '\n') text += '\n';
            text += block.is_object() ? blockSummary(block) : block.dump();
        }
    }
    const auto structured = result.find("structuredContent");
    if (structured != result.end() && (content == result.end() || content->empty())) text += structured->dump(2);
    if (!text.empty() && text.back() != '\n') text += '\n';
    return text;
}

}  // namespace Hearth::Cli
