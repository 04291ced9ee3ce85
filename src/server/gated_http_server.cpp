#include "server/gated_http_server.h"

#include <cstdio>

namespace Hearth::Server {

RequestContext & currentRequest() {
    static thread_local RequestContext context;
    return context;
}

bool GatedHttpServer::process_and_close_socket(socket_t sock) {
    m_gate.adopt(sock);
    return true;
}

bool GatedHttpServer::serve(HttpConnection & conn, size_t size, bool last, std::chrono::milliseconds writeTimeout) {
    RequestStream stream(conn, size, writeTimeout);
    RequestContext & context = currentRequest();
    context = {&conn, false};
    bool closed = false;
    bool ok = false;
    try {
        ok = process_request(stream, last, closed, nullptr);
    } catch (const std::exception & e) {  // routes catch their own; this is httplib's (bad_alloc...)
        std::fprintf(stderr, "hearth server: request aborted: %s\n", e.what());
    }
    const bool keep = ok && !closed && !last && !context.closeAfter;
    context = {};
    return keep;
}

}  // namespace Hearth::Server
