#include "server/api_server.h"

#include <httplib.h>

#include <chrono>
#include <csignal>
#include <stdexcept>

#include "server/api_routes.h"
#include "server/connection_gate.h"
#include "server/gated_http_server.h"

namespace Hearth::Server {

ApiServer::ApiServer(EngineAdapter & engine, ServerConfig config) : m_engine(engine), m_config(std::move(config)) {}

ApiServer::~ApiServer() {
    stop();
}

int ApiServer::start() {
    if (running()) return m_port;
    // getaddrinfo() would pick some address for "" and the URL would name another.
    if (m_config.host.empty()) throw std::runtime_error("no address to listen on: give one, such as 127.0.0.1");
    // Writes use MSG_NOSIGNAL; this is for anything else in the process that
    // writes to a socket the peer closed.
    std::signal(SIGPIPE, SIG_IGN);

    m_stopping.store(false);
    m_gate = std::make_unique<ConnectionGate>(
        m_config,
        [this](std::unique_ptr<HttpConnection> conn) {
            // httplib's pool takes copyable tasks only.
            auto owned = std::make_shared<std::unique_ptr<HttpConnection>>(std::move(conn));
            m_pool->enqueue([this, owned] { serve(std::move(*owned)); });
        },
        [this](const RequestLogEntry & e) {
            if (m_logger) m_logger(e);
        });
    m_pool = std::make_unique<httplib::ThreadPool>(size_t(std::max(1, m_config.threads)));
    m_http = std::make_unique<GatedHttpServer>(*m_gate);
    m_routes = std::make_unique<ApiRoutes>(m_engine, m_config, m_stopping);
    m_http->new_task_queue = [] { return new InlineTaskQueue; };
    // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let
    // a second server bind the same port and silently take half the clients.
    auto listening = std::make_shared<socket_t>(INVALID_SOCKET);
    m_http->set_socket_options([listening](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        *listening = sock;
    });
    m_http->set_payload_max_length(m_config.maxBodyBytes);
    // Only for the Keep-Alive header httplib writes; the gate enforces both.
    m_http->set_keep_alive_timeout(std::max(1, m_config.idleTimeoutMs / 1000));
    m_http->set_keep_alive_max_count(size_t(std::max(1, m_config.maxRequestsPerConnection)));
    m_routes->install(*m_http);
    m_http->set_logger([this](const httplib::Request & req, const httplib::Response & res) {
        if (!m_logger) return;
        // The connection, not the request: a request refused before httplib
        // parsed it has no address (port -1) in `req`.
        const HttpConnection * conn = currentRequest().conn;
        RequestLogEntry e;
        e.method = req.method.empty() ? "-" : req.method;
        e.path = req.path.empty() ? "-" : req.path;
        e.remote = conn ? conn->remote() : req.remote_addr;
        e.status = res.status;
        if (conn) e.durationMs = std::chrono::duration<double, std::milli>(Clock::now() - conn->requestStart).count();
        m_logger(e);
    });
    m_http->set_pre_routing_handler([routes = m_routes.get()](const httplib::Request & req, httplib::Response & res) {
        return routes->preRoute(req, res);
    });

    const int port = m_config.port == 0 ? m_http->bind_to_any_port(m_config.host)
                                        : (m_http->bind_to_port(m_config.host, m_config.port) ? m_config.port : -1);
    if (port <= 0) {
        m_pool->shutdown();
        m_http.reset();
        m_routes.reset();
        m_pool.reset();
        m_gate.reset();
        throw std::runtime_error("cannot listen on " + m_config.host + ":" + std::to_string(m_config.port) +
                                 " (the address is in use, or not one of this machine's)");
    }
    m_port = port;
    // Debian's httplib listens with a backlog of 5: a burst of clients (or a
    // busy accept thread) overflows it and connections are lost. Listening
    // again on the bound socket raises the backlog in place.
    if (*listening != INVALID_SOCKET) ::listen(*listening, SOMAXCONN);
    m_gate->start();
    m_thread = std::thread([http = m_http.get()] { http->listen_after_bind(); });
    return m_port;
}

void ApiServer::serve(std::unique_ptr<HttpConnection> conn) {
    const size_t size = conn->framer.requestSize();
    const bool last = m_stopping.load() || conn->served + 1 >= m_config.maxRequestsPerConnection;
    const bool keep = m_http->serve(*conn, size, last, std::chrono::milliseconds(m_config.writeTimeoutMs));
    conn->in.erase(0, size);
    ++conn->served;
    if (keep)
        m_gate->resume(std::move(conn));
    else
        m_gate->release(std::move(conn));
}

void ApiServer::stop() {
    if (!m_thread.joinable()) return;
    m_stopping.store(true);
    m_gate->stop();  // waiting connections close; any that come back later close at once
    m_http->stop();  // the accept loop ends
    m_thread.join();
    m_pool->shutdown();  // requests in service end (their streams see m_stopping)
    m_http.reset();
    m_routes.reset();
    m_pool.reset();
    m_gate.reset();
}

int ApiServer::openConnections() const {
    return m_gate ? m_gate->openConnections() : 0;
}

std::string ApiServer::url() const {
    const bool wildcard = m_config.host == "0.0.0.0" || m_config.host == "::" || m_config.host.empty();
    std::string host = wildcard ? "127.0.0.1" : m_config.host;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return "http://" + host + ":" + std::to_string(m_port);
}

}  // namespace Hearth::Server
