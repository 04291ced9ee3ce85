#include "mcp/mcp_error.h"

namespace Hearth::Mcp {

const char * mcpErrorKindName(McpErrorKind kind) {
    switch (kind) {
        case McpErrorKind::Config:
            return "config";
        case McpErrorKind::Start:
            return "start";
        case McpErrorKind::Closed:
            return "closed";
        case McpErrorKind::Timeout:
            return "timeout";
        case McpErrorKind::Cancelled:
            return "cancelled";
        case McpErrorKind::Protocol:
            return "protocol";
        case McpErrorKind::Remote:
            return "remote";
        case McpErrorKind::Usage:
            return "usage";
    }
    return "unknown";
}

}  // namespace Hearth::Mcp
