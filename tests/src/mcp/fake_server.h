// Starting tests/src/mcp/fake_mcp_server through the real stdio transport.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mcp/mcp_client.h"
#include "mcp/stdio_transport.h"

namespace mcp_test {

inline Hearth::Mcp::StdioOptions fakeServerOptions(const std::vector<std::string> & args = {}) {
    Hearth::Mcp::StdioOptions o;
    o.spawn.command = FAKE_MCP_SERVER;
    o.spawn.args = args;
    o.spawn.env = Hearth::Mcp::inheritedServerEnvironment();
    o.shutdownGrace = std::chrono::milliseconds(300);
    return o;
}

inline std::unique_ptr<Hearth::Mcp::McpClient> fakeClient(const std::vector<std::string> & args = {},
                                                          Hearth::Mcp::ClientOptions client = {},
                                                          Hearth::Mcp::StdioOptions stdio = fakeServerOptions()) {
    if (!args.empty()) stdio.spawn.args = args;
    return std::make_unique<Hearth::Mcp::McpClient>(std::make_unique<Hearth::Mcp::StdioTransport>(std::move(stdio)),
                                                    client);
}

// Milliseconds since `start`.
inline long long msSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace mcp_test
