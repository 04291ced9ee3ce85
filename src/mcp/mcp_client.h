// McpClient: the client side of the Model Context Protocol over one
// Transport: initialization with version negotiation, requests with
// timeouts, cancellation and progress, tools/list with pagination,
// tools/call, and the server's own messages (ping, list_changed, logging).
//
// Blocking API, safe to call from several threads at once: each request
// waits on its own condition; answers, notifications and the server's
// requests are handled on the transport's thread. Callbacks (progress,
// tools changed, log, closed) run on that thread and must return quickly.
//
// What a server sends is kept as received: a tools/call result is returned
// as the CallToolResult object the server sent (content of every type,
// structuredContent, isError, _meta), only checked for shape.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mcp/cancel_token.h"
#include "mcp/mcp_error.h"
#include "mcp/transport.h"

namespace Hearth::Mcp {

// The versions Hearth speaks, newest first. The first is the one asked for.
const std::vector<std::string> & supportedProtocolVersions();

struct ClientOptions {
    std::string clientName = "hearth";
    std::string clientVersion = "0";
    std::chrono::milliseconds initializeTimeout{60000};  // npx may download the server first
    std::chrono::milliseconds requestTimeout{60000};
    int maxToolPages = 100;
    size_t maxTools = 5000;
};

struct Progress {
    double progress = 0;
    std::optional<double> total;
    std::string message;
};

struct RequestOptions {
    std::optional<std::chrono::milliseconds> timeout;  // default: ClientOptions::requestTimeout
    // Progress restarts the timeout (up to maxTotalTimeout): a long job that reports stays alive.
    bool resetTimeoutOnProgress = false;
    std::chrono::milliseconds maxTotalTimeout{std::chrono::hours(1)};
    std::function<void(const Progress &)> onProgress;  // asks the server for progress when set
    CancelToken * cancel = nullptr;                    // must outlive the call
};

struct ToolInfo {
    std::string name;
    std::string title;
    std::string description;
    nlohmann::json inputSchema;   // a JSON Schema object
    nlohmann::json outputSchema;  // null when the tool declares none
    nlohmann::json raw;           // the tool object as the server sent it
};

struct ServerInfo {
    std::string protocolVersion;
    nlohmann::json serverInfo;  // {"name", "version", ...}
    nlohmann::json capabilities;
    std::string instructions;
};

class McpClient {
public:
    explicit McpClient(std::unique_ptr<Transport> transport, ClientOptions options = {});
    ~McpClient();  // closes
    McpClient(const McpClient &) = delete;
    McpClient & operator=(const McpClient &) = delete;

    // Starts the transport and runs the initialize handshake. Throws McpError
    // (Start, Timeout, Closed, Protocol for an unsupported version, Remote).
    void connect();
    // Ends the connection; open requests fail with Closed. Safe to call twice.
    void close();
    bool connected() const;
    const ServerInfo & server() const { return m_server; }

    // One request; returns its `result`. Throws McpError.
    nlohmann::json request(const std::string & method, nlohmann::json params, const RequestOptions & options = {});
    void notify(const std::string & method, nlohmann::json params = nullptr);
    void ping(const RequestOptions & options = {});

    // All pages of tools/list. Tools without a name are skipped; a missing inputSchema becomes {"type":"object"}.
    std::vector<ToolInfo> listTools(const RequestOptions & options = {});
    // tools/call; the CallToolResult as received. A tool that failed is a
    // result with isError: true, not an exception.
    nlohmann::json callTool(const std::string & name, const nlohmann::json & arguments,
                            const RequestOptions & options = {});

    void setOnToolsChanged(std::function<void()> fn) { m_onToolsChanged = std::move(fn); }
    // (level, logger, data as JSON text) from notifications/message.
    void setOnLog(std::function<void(const std::string &, const std::string &, const std::string &)> fn) {
        m_onLog = std::move(fn);
    }
    // The connection ended without close(): the server exited, the session expired.
    void setOnClosed(std::function<void(const std::string &)> fn) { m_onClosed = std::move(fn); }

    Transport & transport() { return *m_transport; }
    // How many messages from the server were dropped (malformed, oversized, not JSON-RPC).
    size_t droppedMessages() const { return m_dropped; }

private:
    struct Pending;

    void onMessage(nlohmann::json message);
    void onResponse(const nlohmann::json & message);
    void onServerRequest(const nlohmann::json & message);
    void onNotification(const nlohmann::json & message);
    void onRequestFailed(const nlohmann::json & id, const std::string & why);
    void onTransportClosed(const std::string & why);
    void finish(long long id, std::optional<nlohmann::json> result, std::optional<McpError> error);
    void failAll(const McpError & error);
    void sendQuietly(const nlohmann::json & message);

    std::unique_ptr<Transport> m_transport;
    ClientOptions m_options;
    ServerInfo m_server;

    mutable std::mutex m_mutex;
    std::map<long long, std::shared_ptr<Pending>> m_pending;
    long long m_nextId = 0;
    bool m_started = false;
    bool m_open = false;
    std::string m_closedWhy;
    std::atomic<size_t> m_dropped{0};

    std::function<void()> m_onToolsChanged;
    std::function<void(const std::string &, const std::string &, const std::string &)> m_onLog;
    std::function<void(const std::string &)> m_onClosed;
};

}  // namespace Hearth::Mcp
