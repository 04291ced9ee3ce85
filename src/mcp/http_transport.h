// HttpTransport: an MCP server behind a URL, over Streamable HTTP (MCP
// 2025-03-26 and later), or over the older HTTP+SSE transport (2024-11-05)
// when the config says `"type": "sse"`.
//
// Streamable HTTP: every message is a POST to the endpoint with
// `Accept: application/json, text/event-stream`; a request's answer comes
// back as a JSON body or on an SSE stream (with the server's progress
// notifications and requests before it); notifications and responses get
// 202. The `Mcp-Session-Id` the server gives at initialization goes on every
// later request, with `MCP-Protocol-Version`; a 404 then means the session is
// gone. After initialization a GET stream listens for the server's own
// messages (list_changed, ping) if the server offers one. close() ends the
// session with DELETE.
//
// HTTP+SSE: a GET stream is opened first; its `endpoint` event names the URL
// to POST to, and every answer comes back on that stream.
//
// All transfers run on one thread, in a libcurl multi loop; send() only
// queues. Headers from the config (Authorization: Bearer ...) go on every
// request to the server; redirects are never followed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mcp/bounded_json.h"
#include "mcp/transport.h"

namespace Hearth::Mcp {

class HttpTransfer;
struct SseEvent;

struct HttpOptions {
    std::string url;
    std::map<std::string, std::string> headers;  // from the config
    bool legacySse = false;
    JsonLimits limits;
    std::chrono::milliseconds connectTimeout{10000};
    bool listen = true;  // open the GET stream for the server's own messages (Streamable HTTP)
};

class HttpTransport : public Transport {
public:
    explicit HttpTransport(HttpOptions options);
    ~HttpTransport() override;

    void start(Handlers handlers) override;
    void send(const nlohmann::json & message) override;
    void close() override;
    void setProtocolVersion(const std::string & version) override;
    void abandon(const nlohmann::json & requestId) override;
    std::string describe() const override { return m_options.url; }

    // For tests: the session id the server gave ("" before initialization or when it gives none).
    std::string sessionId() const;

private:
    struct Outgoing {
        nlohmann::json message;
        bool isRequest = false;
    };

    void run();
    void takeQueued();
    void startTransfer(int kind, std::string body, const nlohmann::json & requestId, std::string method);
    void startListening();
    void finished(HttpTransfer & t);
    void finishedListen(HttpTransfer & t);
    void delivered(HttpTransfer & from, nlohmann::json message);
    void otherEvent(HttpTransfer & from, const SseEvent & event);
    void connectionLost(const std::string & why);
    void endSession();
    void removeAll();
    std::map<std::string, std::string> requestHeaders();

    HttpOptions m_options;
    bool m_direct = false;
    Handlers m_handlers;
    void * m_multi = nullptr;  // CURLM *
    std::thread m_thread;

    mutable std::mutex m_mutex;  // guards what send(), abandon() and close() hand to the loop
    std::condition_variable m_ready;
    std::vector<Outgoing> m_queue;
    std::vector<nlohmann::json> m_abandoned;
    std::string m_protocolVersion;
    std::string m_session;  // copy of the session id, for sessionId()
    bool m_connected = false;
    std::string m_closedWhy;
    std::string m_postUrl;     // legacy SSE: from the endpoint event
    std::string m_startError;  // legacy SSE: why the stream could not open
    std::atomic<bool> m_stopping{false};

    // The loop's own state.
    std::vector<std::unique_ptr<HttpTransfer>> m_active;
    std::string m_sessionId;
    bool m_listening = false;
    bool m_listenWanted = false;
    int m_listenFailures = 0;
    std::string m_lastEventId;
    std::chrono::steady_clock::time_point m_listenAt{};
};

}  // namespace Hearth::Mcp
