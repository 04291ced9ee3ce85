// HttpTransfer: one HTTP exchange of the Streamable HTTP transport (a POST
// of a message, the GET that listens for the server's own messages, the
// DELETE that ends a session), as a libcurl easy handle driven by the
// transport's multi loop.
//
// The reply is decoded as it streams in: `application/json` is collected (up
// to the message limit) and parsed at the end; `text/event-stream` goes
// through an SseParser and each event's data is one JSON-RPC message,
// delivered at once, so progress notifications arrive while a tool runs.
// Error replies keep only their first 4 KiB, for the message.
#pragma once

#include <curl/curl.h>

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "mcp/bounded_json.h"
#include "mcp/sse_parser.h"

namespace Hearth::Mcp {

enum class TransferKind {
    Request,    // a POST carrying a JSON-RPC request: its answer comes back on this reply
    Message,    // a POST carrying a notification or a response: 202 Accepted expected
    Listen,     // the GET stream for server-initiated messages (or the legacy SSE stream)
    Terminate,  // the DELETE that ends the session
};

struct TransferSetup {
    TransferKind kind = TransferKind::Message;
    std::string url;
    std::string body;                            // for POST
    nlohmann::json requestId;                    // for Request
    std::string method;                          // the message's method, when it has one
    std::map<std::string, std::string> headers;  // all of them: config, session, protocol version
    std::string lastEventId;                     // for Listen, when resuming
    bool direct = false;                         // a loopback URL: never through a proxy from the environment
    long connectTimeoutMs = 10000;
    long totalTimeoutMs = 0;  // 0: none (the client times requests out itself)
};

class HttpTransfer {
public:
    // Called for each JSON value the reply carries, on the loop's thread.
    using Deliver = std::function<void(HttpTransfer & from, nlohmann::json message)>;
    // Something in the reply was dropped (a malformed event, an oversized message).
    using Dropped = std::function<void(const std::string & what)>;

    // Called for SSE events other than "message" (the legacy transport's "endpoint").
    using OtherEvent = std::function<void(HttpTransfer & from, const SseEvent & event)>;

    HttpTransfer(TransferSetup setup, const JsonLimits & limits, Deliver deliver, Dropped dropped,
                 OtherEvent otherEvent = {});
    ~HttpTransfer();
    HttpTransfer(const HttpTransfer &) = delete;
    HttpTransfer & operator=(const HttpTransfer &) = delete;

    CURL * easy() const { return m_easy; }
    const TransferSetup & setup() const { return m_setup; }

    // After libcurl finished: parses a collected JSON body and delivers it.
    void complete(CURLcode result);

    CURLcode result() const { return m_result; }
    long status() const { return m_status; }
    bool transportOk() const { return m_result == CURLE_OK; }
    const std::string & contentType() const { return m_contentType; }  // lower-case media type only
    const std::string & sessionId() const { return m_sessionId; }      // the Mcp-Session-Id header, if sent
    const std::string & lastEventId() const;
    long retryMs() const { return m_sse ? m_sse->retryMs() : -1; }
    // "HTTP 401: Unauthorized" or "Connection refused": why this exchange failed, for messages.
    std::string failure() const;
    // The reply carried the answer to this transfer's request.
    bool answered() const { return m_answered; }
    void markAnswered() { m_answered = true; }
    bool bodyStarted() const { return m_bodyStarted; }

private:
    static size_t onHeader(char * data, size_t size, size_t n, void * self);
    static size_t onBody(char * data, size_t size, size_t n, void * self);
    size_t body(const char * data, size_t len);
    void deliverText(std::string_view text, const char * where);

    TransferSetup m_setup;
    JsonLimits m_limits;
    Deliver m_deliver;
    Dropped m_dropped;
    OtherEvent m_otherEvent;
    CURL * m_easy = nullptr;
    curl_slist * m_headers = nullptr;
    char m_errorBuffer[CURL_ERROR_SIZE] = {0};

    CURLcode m_result = CURLE_OK;
    long m_status = 0;
    std::string m_contentType;
    std::string m_sessionId;
    bool m_bodyStarted = false;
    std::unique_ptr<SseParser> m_sse;
    std::string m_collected;  // a JSON body, or the start of an error body
    bool m_tooLarge = false;
    bool m_answered = false;
};

// libcurl's global init, once per process.
void ensureCurlGlobalInit();

}  // namespace Hearth::Mcp
