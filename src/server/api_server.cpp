#include "server/api_server.h"

#include <httplib.h>

#include <chrono>
#include <csignal>
#include <stdexcept>

#include "server/api_routes.h"

namespace Hearth::Server {

namespace {

using Clock = std::chrono::steady_clock;

// When the request started, for the log; set by the pre-routing step on the
// thread that then handles the request.
thread_local Clock::time_point t_requestStart;

}  // namespace

ApiServer::ApiServer(EngineAdapter & engine, ServerConfig config) : m_engine(engine), m_config(std::move(config)) {}

ApiServer::~ApiServer() {
    stop();
}

int ApiServer::start() {
    if (running()) return m_port;
    // cpp-httplib writes with send() and no MSG_NOSIGNAL: a client that hangs
    // up mid-stream would otherwise kill the whole process with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);

    m_stopping.store(false);
    m_http = std::make_unique<httplib::Server>();
    m_routes = std::make_unique<ApiRoutes>(m_engine, m_config, m_stopping);
    const int threads = m_config.threads;
    m_http->new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
    // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let
    // a second server bind the same port and silently take half the clients.
    auto listening = std::make_shared<socket_t>(INVALID_SOCKET);
    m_http->set_socket_options([listening](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        *listening = sock;
    });
    m_http->set_payload_max_length(m_config.maxBodyBytes);
    m_http->set_keep_alive_timeout(5);
    m_http->set_read_timeout(30, 0);
    m_http->set_write_timeout(30, 0);
    m_routes->install(*m_http);
    m_http->set_logger([this](const httplib::Request & req, const httplib::Response & res) {
        if (!m_logger) return;
        RequestLogEntry e;
        e.method = req.method;
        e.path = req.path;
        e.remote = req.remote_addr + ":" + std::to_string(req.remote_port);
        e.status = res.status;
        if (t_requestStart != Clock::time_point())
            e.durationMs = std::chrono::duration<double, std::milli>(Clock::now() - t_requestStart).count();
        m_logger(e);
    });
    m_http->set_pre_routing_handler([routes = m_routes.get()](const httplib::Request & req, httplib::Response & res) {
        t_requestStart = Clock::now();
        return routes->preRoute(req, res);
    });

    const int port = m_config.port == 0 ? m_http->bind_to_any_port(m_config.host)
                                        : (m_http->bind_to_port(m_config.host, m_config.port) ? m_config.port : -1);
    if (port <= 0) {
        m_http.reset();
        m_routes.reset();
        throw std::runtime_error("cannot listen on " + m_config.host + ":" + std::to_string(m_config.port) +
                                 " (the address is in use, or not one of this machine's)");
    }
    m_port = port;
    // Debian's httplib listens with a backlog of 5: a burst of clients (or a
    // busy accept thread) overflows it and connections are lost. Listening
    // again on the bound socket raises the backlog in place.
    if (*listening != INVALID_SOCKET) ::listen(*listening, SOMAXCONN);
    m_thread = std::thread([http = m_http.get()] { http->listen_after_bind(); });
    return m_port;
}

void ApiServer::stop() {
    if (!m_thread.joinable()) return;
    m_stopping.store(true);
    m_http->stop();
    m_thread.join();
    m_http.reset();
    m_routes.reset();
}

std::string ApiServer::url() const {
    const bool wildcard = m_config.host == "0.0.0.0" || m_config.host == "::" || m_config.host.empty();
    std::string host = wildcard ? "127.0.0.1" : m_config.host;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return "http://" + host + ":" + std::to_string(m_port);
}

}  // namespace Hearth::Server
