// GatedHttpServer: httplib's routing and response writing, fed by the
// connection gate instead of a thread per socket.
//
// Debian's cpp-httplib 0.11.4 gives each accepted socket a pool thread for
// its whole life and reads it with blocking calls: a chunked or unlengthed
// body is read whole whatever its size, and idle or trickling sockets starve
// the pool. This subclass hands every accepted socket to the ConnectionGate
// (httplib's private virtual process_and_close_socket, overridden), and an
// HTTP thread serves each request once it has arrived whole, through
// httplib's own process_request over a RequestStream.
#pragma once

#include <httplib.h>

#include <chrono>

#include "server/connection_gate.h"

namespace Hearth::Server {

// The request an HTTP thread is serving, for the request log and for
// handlers that must end the connection after their response.
struct RequestContext {
    const HttpConnection * conn = nullptr;
    bool closeAfter = false;  // e.g. an HTTP/1.0 stream, delimited by the close
};
RequestContext & currentRequest();

class GatedHttpServer : public httplib::Server {
public:
    explicit GatedHttpServer(ConnectionGate & gate) : m_gate(gate) {}

    // Serves the request at the start of conn.in (`size` bytes). `last`: the
    // connection closes after it. True when it may carry another request.
    bool serve(HttpConnection & conn, size_t size, bool last, std::chrono::milliseconds writeTimeout);

private:
    bool process_and_close_socket(socket_t sock) override;

    ConnectionGate & m_gate;
};

// httplib's accept loop runs each "task" (handing a socket to the gate) at
// once on its own thread: the gate does the waiting, not a pool.
class InlineTaskQueue : public httplib::TaskQueue {
public:
    void enqueue(std::function<void()> fn) override { fn(); }
    void shutdown() override {}
};

}  // namespace Hearth::Server
