// A scripted MCP server over Streamable HTTP (and the older HTTP+SSE
// transport) for the client's tests, on 127.0.0.1 with cpp-httplib. It
// records every request's headers so the tests can check what the client
// sent, and can expire its session, refuse the listening stream, or push
// messages of its own.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
class DataSink;
}  // namespace httplib

namespace mcp_test {

struct RecordedRequest {
    std::string method;  // GET, POST, DELETE
    std::string path;
    std::string session;
    std::string protocolVersion;
    std::string authorization;
    std::string accept;
    nlohmann::json body;  // POSTs
};

class FakeHttpServer {
public:
    FakeHttpServer();
    ~FakeHttpServer();

    std::string url() const;     // the Streamable HTTP endpoint
    std::string sseUrl() const;  // the legacy transport's event stream
    std::vector<RecordedRequest> requests() const;
    int count(const std::string & httpMethod, const std::string & rpcMethod = {}) const;

    void expireSession() { m_expired = true; }
    void refuseListening() { m_refuseGet = true; }
    bool deleted() const { return m_deleted; }
    bool listening() const { return m_listeners > 0; }
    // Sends a message on the open GET stream (the server's own messages).
    void push(const nlohmann::json & message);

    static constexpr const char * kToken = "Bearer secret";
    static constexpr const char * kSession = "session-1";

private:
    nlohmann::json answer(const nlohmann::json & request);  // the result/error for a request, or null
    void record(RecordedRequest r);
    // Writes what push() queues to an open event stream until the client leaves or the server stops.
    void streamPushed(httplib::DataSink & sink);

    std::unique_ptr<httplib::Server> m_server;
    std::thread m_thread;
    int m_port = 0;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<RecordedRequest> m_requests;
    std::deque<std::string> m_toListener;  // SSE events for the GET stream (Streamable HTTP or legacy)
    bool m_gotPong = false;
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_expired{false};
    std::atomic<bool> m_refuseGet{false};
    std::atomic<bool> m_deleted{false};
    std::atomic<int> m_listeners{0};
};

}  // namespace mcp_test
