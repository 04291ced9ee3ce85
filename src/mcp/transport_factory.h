// Makes the transport a server's config asks for.
#pragma once

#include <memory>
#include <string>

#include "mcp/bounded_json.h"
#include "mcp/server_config.h"
#include "mcp/transport.h"

namespace Hearth::Mcp {

struct TransportSettings {
    std::string logDir;  // a stdio server's stderr goes to <logDir>/<name>.log; "" keeps only a tail in memory
    size_t logMaxBytes = 1u << 20;
    JsonLimits limits;
};

// The log file a stdio server of this name writes to ("" without a log folder).
std::string serverLogPath(const TransportSettings & settings, const std::string & serverName);

// Throws McpError(Config) for a config that cannot run (none can, once parsed).
std::unique_ptr<Transport> makeTransport(const ServerConfig & server, const TransportSettings & settings = {});

}  // namespace Hearth::Mcp
