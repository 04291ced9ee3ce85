#include "mcp/transport_factory.h"

#include <cctype>

#include "mcp/http_transport.h"
#include "mcp/stdio_transport.h"

namespace Hearth::Mcp {

std::string serverLogPath(const TransportSettings & settings, const std::string & serverName) {
    if (settings.logDir.empty()) return {};
    // The name is the user's; only a file-name-safe form of it reaches the path.
    std::string file;
    for (unsigned char c : serverName) file += std::isalnum(c) || c == '-' || c == '_' || c == '.' ? char(c) : '_';
    if (file.empty() || file[0] == '.') file = "_" + file;
    return settings.logDir + "/" + file + ".log";
}

std::unique_ptr<Transport> makeTransport(const ServerConfig & server, const TransportSettings & settings) {
    if (server.transport == ServerTransport::Stdio) {
        StdioOptions o;
        o.spawn.command = server.command;
        o.spawn.args = server.args;
        o.spawn.env = inheritedServerEnvironment();
        for (const auto & [k, v] : server.env) o.spawn.env[k] = v;
        o.spawn.cwd = server.cwd;
        o.logPath = serverLogPath(settings, server.name);
        o.logMaxBytes = settings.logMaxBytes;
        o.limits = settings.limits;
        return std::make_unique<StdioTransport>(std::move(o));
    }
    HttpOptions o;
    o.url = server.url;
    o.headers = server.headers;
    o.legacySse = server.transport == ServerTransport::Sse;
    o.limits = settings.limits;
    return std::make_unique<HttpTransport>(std::move(o));
}

}  // namespace Hearth::Mcp
