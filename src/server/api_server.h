// ApiServer: the local OpenAI-compatible server's lifecycle: bind, listen on
// a thread of its own, stop. Plain C++ (no Qt event loop), so hearth-cli and
// the app run the same server.
//
// Threads: httplib's accept loop hands each socket to the ConnectionGate,
// which waits (one thread, poll) until a whole request has arrived; the
// request is then served on one of `threads` HTTP threads, and the
// connection goes back to the gate for the next one.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "server/engine_adapter.h"
#include "server/server_config.h"

namespace httplib {
class ThreadPool;
}

namespace Hearth::Server {

class ApiRoutes;
class ConnectionGate;
class GatedHttpServer;
struct HttpConnection;

class ApiServer {
public:
    using RequestLogger = std::function<void(const RequestLogEntry &)>;

    // `engine` must outlive the server.
    ApiServer(EngineAdapter & engine, ServerConfig config);
    ~ApiServer();  // stops
    ApiServer(const ApiServer &) = delete;
    ApiServer & operator=(const ApiServer &) = delete;

    // Called on an HTTP thread after each response (on the connection gate's
    // thread for requests it refuses itself); set it before start().
    void setRequestLogger(RequestLogger logger) { m_logger = std::move(logger); }

    // Binds and starts serving; returns the port (the chosen one when the
    // config asks for 0). Throws std::runtime_error naming the address when
    // it cannot bind.
    int start();
    // Stops accepting, ends open streams (their generations are cancelled)
    // and joins the HTTP threads. Safe to call twice.
    void stop();

    bool running() const { return m_thread.joinable(); }
    int port() const { return m_port; }
    // "http://127.0.0.1:8000" (a wildcard host is shown as 127.0.0.1, which works from this machine).
    std::string url() const;

    // Connections open now; for tests.
    int openConnections() const;

private:
    void serve(std::unique_ptr<HttpConnection> conn);

    EngineAdapter & m_engine;
    ServerConfig m_config;
    RequestLogger m_logger;
    std::atomic<bool> m_stopping{false};
    std::unique_ptr<ConnectionGate> m_gate;
    std::unique_ptr<httplib::ThreadPool> m_pool;  // the HTTP threads
    std::unique_ptr<GatedHttpServer> m_http;
    std::unique_ptr<ApiRoutes> m_routes;
    std::thread m_thread;
    int m_port = 0;
};

}  // namespace Hearth::Server
