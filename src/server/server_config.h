// ServerConfig: how the local OpenAI-compatible server listens and whom it
// lets in; RequestLogEntry: one line of its request log.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace Hearth::Server {

struct ServerConfig {
    std::string host = "127.0.0.1";        // loopback unless the user names another address
    int port = 8000;                       // 0: any free port (ApiServer::start() says which)
    std::string apiKey;                    // non-empty: requests need "Authorization: Bearer <key>"
    std::vector<std::string> corsOrigins;  // origins browsers may call from; "*" for any; empty: no CORS headers
    size_t maxBodyBytes = 16u << 20;       // larger bodies get 413
    int maxPending = 64;                   // completions queued or running at once; more get 503
    int threads = 72;                      // HTTP threads: each open stream holds one, so more than maxPending
};

struct RequestLogEntry {
    std::string method;
    std::string path;
    std::string remote;  // "127.0.0.1:53412"
    int status = 0;
    double durationMs = 0.0;
};

}  // namespace Hearth::Server
