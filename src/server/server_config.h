// ServerConfig: how the local OpenAI-compatible server listens and whom it
// lets in; RequestLogEntry: one line of its request log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace Hearth::Server {

// A model in Hearth's library that this server does not have loaded: /v1/models
// lists it beside the served one, so clients see what the user has.
struct LibraryModel {
    std::string id;  // the file name without .gguf
    std::string path;
    int64_t created = 0;  // Unix seconds
    int64_t sizeBytes = 0;
};

struct ServerConfig {
    std::string host = "127.0.0.1";        // loopback unless the user names another address
    int port = 8000;                       // 0: any free port (ApiServer::start() says which)
    std::string apiKey;                    // non-empty: requests need "Authorization: Bearer <key>"
    std::vector<std::string> corsOrigins;  // origins browsers may call from; "*" for any; empty: no CORS headers
    size_t maxBodyBytes = 16u << 20;       // larger bodies get 413
    int maxPending = 64;                   // completions queued or running at once; more get 503
    int32_t nPredict = -1;                 // most tokens per reply (--n-predict); -1: until the context is full
    int threads = 72;                      // HTTP threads: each open stream holds one, so more than maxPending

    // Connections (see ConnectionGate). Slow or idle clients hold no HTTP
    // thread while they wait; these bound how long and how many.
    int idleTimeoutMs = 5000;             // between requests on a keep-alive connection, and before the first
    int headerTimeoutMs = 5000;           // from a request's first byte to the end of its head
    int bodyTimeoutMs = 30000;            // from the end of the head to the end of the body
    int readStallMs = 3000;               // silence allowed inside a request (a false Content-Length)
    int writeTimeoutMs = 15000;           // a response write blocked by a client that does not read
    int maxConnectionsPerAddress = 64;    // open at once from one client address
    int maxConnections = 512;             // open at once in all
    int maxRequestsPerConnection = 1000;  // then the connection is closed (clients reconnect)
    std::vector<LibraryModel> library;    // the other models the user has (listed, not loaded)
};

struct RequestLogEntry {
    std::string method;
    std::string path;
    std::string remote;  // "127.0.0.1:53412"
    int status = 0;
    double durationMs = 0.0;
};

}  // namespace Hearth::Server
