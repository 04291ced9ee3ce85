// Transport: moves JSON-RPC messages between the client and one MCP server.
//
// Two implementations: StdioTransport (a child process, one JSON message per
// line on stdin/stdout) and HttpTransport (Streamable HTTP). Both deliver
// incoming messages on a thread of their own, never block the caller of
// send() for long, and bound what they accept (message size, JSON depth).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace Hearth::Mcp {

class Transport {
public:
    struct Handlers {
        // A well-formed JSON value within the limits (not yet checked as JSON-RPC).
        std::function<void(nlohmann::json message)> onMessage;
        // Something was dropped but the connection goes on: a malformed or oversized line, a bad SSE event.
        std::function<void(const std::string & what)> onError;
        // One request cannot be answered (an HTTP error, a refused connection, a response stream that ended
        // without its answer); the connection itself may go on.
        std::function<void(const nlohmann::json & requestId, const std::string & why)> onRequestFailed;
        // The connection ended without close() being called: the process exited, the stream broke, the
        // session expired. Called once, on the transport's thread; no callback follows it.
        std::function<void(const std::string & why)> onClosed;
    };

    virtual ~Transport() = default;

    // Connects (spawns the process, or checks the URL). Throws McpError(Start).
    // The handlers are called on the transport's threads until close() returns.
    virtual void start(Handlers handlers) = 0;
    // Queues one message. Returns at once; throws McpError(Closed) when the
    // connection is gone, McpError(Protocol) when the message is too large.
    virtual void send(const nlohmann::json & message) = 0;
    // Ends the connection cleanly and joins the transport's threads; no
    // handler runs after it returns. Safe to call twice, and from a handler.
    virtual void close() = 0;

    // The negotiated MCP version, for transports that send it in a header.
    virtual void setProtocolVersion(const std::string &) {}
    // The client gave up on this request (timeout, cancel): a transport that
    // holds a stream open for its answer may drop it.
    virtual void abandon(const nlohmann::json & /*requestId*/) {}
    // "stdio: npx -y @modelcontextprotocol/server-everything" or the URL, for messages.
    virtual std::string describe() const = 0;
    // The last lines the server wrote to stderr (stdio only), to explain an exit.
    virtual std::string stderrTail() const { return {}; }
};

}  // namespace Hearth::Mcp
