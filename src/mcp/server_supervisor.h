// ServerSupervisor: keeps one configured MCP server available. It connects
// on demand (or at once with start()), reports its state, and when the
// server crashes or its session ends it restarts it with exponential backoff
// (1 s, 2 s, 4 s ... up to a minute), giving up after a number of failed
// attempts in a row until someone asks again. The tool list is cached and
// refreshed when the server says it changed.
//
// Thread-safe. Status callbacks run on the supervisor's thread or the
// transport's; they must return quickly and not call back into the supervisor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mcp/mcp_client.h"
#include "mcp/server_config.h"
#include "mcp/transport_factory.h"

namespace Hearth::Mcp {

enum class ServerState {
    Stopped,     // never started, or stopped
    Starting,    // connecting
    Running,     // connected; tools listed
    Restarting,  // crashed; waiting out the backoff before the next attempt
    Failed,      // gave up after too many failed attempts (or a config that cannot run)
};

const char * serverStateName(ServerState state);

struct ServerStatus {
    ServerState state = ServerState::Stopped;
    std::string error;  // why it last stopped or failed
    int restarts = 0;   // restarts after crashes since start()
    size_t toolCount = 0;
    std::string logPath;  // the stderr log of a stdio server
};

struct SupervisorOptions {
    ClientOptions client;
    TransportSettings transport;
    std::chrono::milliseconds backoffInitial{1000};
    std::chrono::milliseconds backoffMax{60000};
    int maxAttempts = 6;  // failed connects in a row before Failed
};

class ServerSupervisor {
public:
    ServerSupervisor(ServerConfig config, SupervisorOptions options = {});
    ~ServerSupervisor();  // stops, without calling the status callback
    ServerSupervisor(const ServerSupervisor &) = delete;
    ServerSupervisor & operator=(const ServerSupervisor &) = delete;

    // Connects now if not running (also after Failed). Throws McpError when it cannot.
    std::shared_ptr<McpClient> client();
    // Connects in the background; the status tells how it went.
    void start();
    // Closes the connection and stops restarting.
    void stop();

    ServerStatus status() const;
    const ServerConfig & config() const { return m_config; }
    // The cached tool list (fetched on connect and after list_changed).
    std::vector<ToolInfo> tools() const;
    void setOnStatus(std::function<void(const ServerStatus &)> fn);

private:
    void run();
    std::shared_ptr<McpClient> connectNow();
    void crashed(const McpClient * which, const std::string & why);
    void refreshTools();
    // Tells the status callback; takes the held lock and releases it.
    void publish(std::unique_lock<std::mutex> & lock);
    std::chrono::milliseconds backoff(int attempt) const;

    const ServerConfig m_config;
    const SupervisorOptions m_options;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::mutex m_connectMutex;  // one connect at a time
    std::shared_ptr<McpClient> m_client;
    std::shared_ptr<McpClient> m_retired;  // a crashed client, closed on the supervisor's thread
    std::vector<ToolInfo> m_tools;
    bool m_toolsStale = false;
    ServerStatus m_status;
    int m_failures = 0;         // failed connects and early crashes in a row
    bool m_wanted = false;      // keep it running: restart after a crash
    bool m_connectDue = false;  // the supervisor's thread should connect at m_retryAt
    bool m_quit = false;
    std::chrono::steady_clock::time_point m_retryAt{};
    std::chrono::steady_clock::time_point m_runningSince{};
    std::function<void(const ServerStatus &)> m_onStatus;
    std::thread m_thread;
};

}  // namespace Hearth::Mcp
