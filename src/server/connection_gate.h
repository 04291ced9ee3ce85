// ConnectionGate: where the local server's connections wait until a whole
// request has arrived, on one thread, with no HTTP thread held meanwhile.
//
// Hostile or broken clients cost this thread a poll slot and their buffer,
// never a worker: a socket that stays idle, trickles its head one byte at a
// time, or stalls mid-body is closed at its deadline (idle: silently; head or
// body: with a 408), and a request that cannot be served is answered at once
// (413, 411, 400...; see RequestFramer) and drained before it is closed, so
// the client reads the answer instead of a reset. /health keeps answering
// however many such sockets are open.
//
// Connections are counted per client address and in all. A new connection
// over either cap evicts the longest-waiting connection of that address (or
// of any, for the total) that holds no request in service: those are the
// idle and trickling ones, so a flood cannot lock out a client that sends
// whole requests. Only when every such connection is in service is the new
// one answered 503 (with Retry-After).
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/http_connection.h"
#include "server/server_config.h"

namespace Hearth::Server {

class ConnectionGate {
public:
    // Runs on the gate thread with a connection whose request is whole
    // (conn->framer.requestSize() bytes at the start of conn->in); must not block.
    using Dispatch = std::function<void(std::unique_ptr<HttpConnection>)>;
    using Logger = std::function<void(const RequestLogEntry &)>;

    ConnectionGate(const ServerConfig & config, Dispatch dispatch, Logger logger);
    ~ConnectionGate();  // stops
    ConnectionGate(const ConnectionGate &) = delete;
    ConnectionGate & operator=(const ConnectionGate &) = delete;

    void start();
    // Closes every connection it holds; later arrivals are closed at once.
    void stop();

    // Any thread. A socket just accepted (the gate owns it from now on).
    void adopt(int fd);
    // Any thread. A connection whose request was served: wait for its next
    // request (the bytes after it, if any, are already in conn->in).
    void resume(std::unique_ptr<HttpConnection> conn);
    // Any thread. A connection to close after its request.
    void release(std::unique_ptr<HttpConnection> conn);

    // Connections open now (waiting here or in service); for tests and logs.
    int openConnections() const;

private:
    enum Action { Action_adopt, Action_resume, Action_release };
    struct Posted {
        Action action;
        int fd;
        std::unique_ptr<HttpConnection> conn;
    };

    void post(Posted p);
    void run();
    void handlePosted();
    void admit(int fd);
    void wait(std::unique_ptr<HttpConnection> conn);
    void pollOnce();
    void onReadable(HttpConnection & conn);
    void onWritable(HttpConnection & conn);
    // Re-examines conn->in; dispatches, refuses or keeps waiting.
    void examine(std::unique_ptr<HttpConnection> & conn);
    void refuse(HttpConnection & conn, int status, const std::string & message, const char * code);
    void expire(Clock::time_point now);
    bool evictFor(const std::string * address);
    void close(int fd);
    void forget(const HttpConnection & conn);
    void log(const HttpConnection & conn, int status);

    const ServerConfig & m_config;
    Dispatch m_dispatch;
    Logger m_logger;
    int m_wakeFd = -1;
    std::thread m_thread;

    mutable std::mutex m_mutex;  // guards the fields below it
    std::vector<Posted> m_posted;
    bool m_stopped = false;
    int m_open = 0;

    // Gate thread only.
    std::unordered_map<int, std::unique_ptr<HttpConnection>> m_waiting;  // by socket
    std::map<std::string, int> m_perAddress;                             // open connections, waiting or not
};

}  // namespace Hearth::Server
