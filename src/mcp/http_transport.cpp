#include "mcp/http_transport.h"

#include <curl/curl.h>

#include <algorithm>

#include "mcp/http_transfer.h"
#include "mcp/json_rpc.h"
#include "mcp/mcp_error.h"

namespace Hearth::Mcp {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

CURLM * multiOf(void * p) {
    return static_cast<CURLM *>(p);
}

struct UrlParts {
    std::string scheme, host, port;
    bool ok = false;
};

// `relative` is resolved against `base` when given (an endpoint event's URI).
UrlParts parseUrl(const std::string & url, const std::string & base = {}, std::string * resolved = nullptr) {
    UrlParts parts;
    CURLU * h = curl_url();
    if (!h) return parts;
    bool ok = true;
    if (!base.empty()) ok = curl_url_set(h, CURLUPART_URL, base.c_str(), 0) == CURLUE_OK;
    ok = ok && curl_url_set(h, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK;
    auto get = [&](CURLUPart part, std::string & out, unsigned flags) {
        char * v = nullptr;
        if (curl_url_get(h, part, &v, flags) == CURLUE_OK && v) {
            out = v;
            curl_free(v);
            return true;
        }
        return false;
    };
    if (ok) {
        ok = get(CURLUPART_SCHEME, parts.scheme, 0) && get(CURLUPART_HOST, parts.host, 0) &&
             get(CURLUPART_PORT, parts.port, CURLU_DEFAULT_PORT);
        if (ok && resolved) ok = get(CURLUPART_URL, *resolved, 0);
    }
    curl_url_cleanup(h);
    parts.ok = ok;
    return parts;
}

bool isLoopback(const std::string & host) {
    return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

bool sameId(const json & a, const json & b) {
    return a == b;
}

}  // namespace

HttpTransport::HttpTransport(HttpOptions options) : m_options(std::move(options)) {}

HttpTransport::~HttpTransport() {
    close();
    if (m_thread.joinable()) m_thread.join();
    if (m_multi) curl_multi_cleanup(multiOf(m_multi));
}

std::string HttpTransport::sessionId() const {
    std::lock_guard lock(m_mutex);
    return m_session;
}

void HttpTransport::start(Handlers handlers) {
    ensureCurlGlobalInit();
    const UrlParts url = parseUrl(m_options.url);
    if (!url.ok || (url.scheme != "http" && url.scheme != "https"))
        throw McpError(McpErrorKind::Config, "'" + m_options.url + "' is not an http or https URL");
    m_direct = isLoopback(url.host);
    m_handlers = std::move(handlers);
    m_multi = curl_multi_init();
    if (!m_multi) throw McpError(McpErrorKind::Start, "cannot initialise libcurl");
    {
        std::lock_guard lock(m_mutex);
        m_connected = true;
    }
    if (m_options.legacySse) m_listenWanted = true;
    m_thread = std::thread([this] { run(); });
    if (!m_options.legacySse) return;

    // The old transport cannot send anything before the stream names its endpoint.
    std::unique_lock lock(m_mutex);
    const bool named = m_ready.wait_for(lock, m_options.connectTimeout + std::chrono::seconds(5),
                                        [this] { return !m_postUrl.empty() || !m_startError.empty(); });
    const std::string why = m_startError.empty() ? "no endpoint event on the stream in time" : m_startError;
    lock.unlock();
    if (!named || m_postUrl.empty()) {
        close();
        throw McpError(McpErrorKind::Start, "cannot open the event stream at " + m_options.url + ": " + why);
    }
}

void HttpTransport::send(const json & message) {
    {
        std::lock_guard lock(m_mutex);
        if (!m_connected)
            throw McpError(McpErrorKind::Closed, m_closedWhy.empty() ? "the connection is closed" : m_closedWhy);
        if (m_queue.size() > 4096) throw McpError(McpErrorKind::Protocol, "too many messages waiting to be sent");
        m_queue.push_back({message, JsonRpc::classify(message) == JsonRpc::MessageKind::Request});
    }
    if (m_multi) curl_multi_wakeup(multiOf(m_multi));
}

void HttpTransport::setProtocolVersion(const std::string & version) {
    std::lock_guard lock(m_mutex);
    m_protocolVersion = version;
}

void HttpTransport::abandon(const json & requestId) {
    {
        std::lock_guard lock(m_mutex);
        m_abandoned.push_back(requestId);
    }
    if (m_multi) curl_multi_wakeup(multiOf(m_multi));
}

void HttpTransport::close() {
    m_stopping = true;
    if (m_multi) curl_multi_wakeup(multiOf(m_multi));
    if (m_thread.joinable() && m_thread.get_id() == std::this_thread::get_id()) return;  // from a handler
    if (m_thread.joinable()) m_thread.join();
    std::lock_guard lock(m_mutex);
    m_connected = false;
    if (m_closedWhy.empty()) m_closedWhy = "the connection was closed";
}

std::map<std::string, std::string> HttpTransport::requestHeaders() {
    std::map<std::string, std::string> headers = m_options.headers;
    if (!m_sessionId.empty()) headers["Mcp-Session-Id"] = m_sessionId;
    std::lock_guard lock(m_mutex);
    if (!m_protocolVersion.empty() && !m_options.legacySse) headers["MCP-Protocol-Version"] = m_protocolVersion;
    return headers;
}

void HttpTransport::run() {
    CURLM * multi = multiOf(m_multi);
    for (;;) {
        if (m_stopping) {
            endSession();
            return removeAll();
        }
        takeQueued();
        if (m_listenWanted && !m_listening && Clock::now() >= m_listenAt) startListening();

        int running = 0;
        curl_multi_perform(multi, &running);
        int left = 0;
        while (CURLMsg * msg = curl_multi_info_read(multi, &left)) {
            if (msg->msg != CURLMSG_DONE) continue;
            const auto it = std::find_if(m_active.begin(), m_active.end(),
                                         [&](const auto & t) { return t->easy() == msg->easy_handle; });
            if (it == m_active.end()) continue;
            std::unique_ptr<HttpTransfer> t = std::move(*it);
            m_active.erase(it);
            curl_multi_remove_handle(multi, t->easy());
            t->complete(msg->data.result);
            finished(*t);
        }
        {
            std::lock_guard lock(m_mutex);
            if (!m_connected) return removeAll();
        }
        int waitMs = 1000;
        if (m_listenWanted && !m_listening) {
            const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(m_listenAt - Clock::now());
            waitMs = int(std::clamp<long long>(until.count(), 0, 1000));
        }
        curl_multi_poll(multi, nullptr, 0, waitMs, nullptr);
    }
}

void HttpTransport::takeQueued() {
    std::vector<Outgoing> queue;
    std::vector<json> abandoned;
    {
        std::lock_guard lock(m_mutex);
        if (m_options.legacySse && m_postUrl.empty()) return;  // not yet: no endpoint to post to
        queue.swap(m_queue);
        abandoned.swap(m_abandoned);
    }
    for (const json & id : abandoned) {
        const auto it = std::find_if(m_active.begin(), m_active.end(), [&](const auto & t) {
            return t->setup().kind == TransferKind::Request && sameId(t->setup().requestId, id);
        });
        if (it == m_active.end()) continue;
        curl_multi_remove_handle(multiOf(m_multi), (*it)->easy());
        m_active.erase(it);
    }
    for (Outgoing & o : queue) {
        // The old transport answers every request on its event stream, never on the POST.
        const bool request = o.isRequest && !m_options.legacySse;
        const auto method = o.message.find("method");
        startTransfer(int(request ? TransferKind::Request : TransferKind::Message),
                      o.message.dump(-1, ' ', false, json::error_handler_t::replace),
                      o.message.contains("id") ? o.message["id"] : json(),
                      method != o.message.end() && method->is_string() ? method->get<std::string>() : "");
    }
}

void HttpTransport::startTransfer(int kind, std::string body, const json & requestId, std::string method) {
    TransferSetup setup;
    setup.kind = TransferKind(kind);
    {
        std::lock_guard lock(m_mutex);
        setup.url = m_options.legacySse && setup.kind != TransferKind::Listen ? m_postUrl : m_options.url;
    }
    setup.body = std::move(body);
    setup.requestId = requestId;
    setup.method = std::move(method);
    setup.headers = requestHeaders();
    setup.lastEventId = setup.kind == TransferKind::Listen ? m_lastEventId : std::string();
    setup.direct = m_direct;
    setup.connectTimeoutMs = long(m_options.connectTimeout.count());
    if (setup.kind == TransferKind::Terminate) setup.totalTimeoutMs = 2000;
    auto t = std::make_unique<HttpTransfer>(
        std::move(setup), m_options.limits, [this](HttpTransfer & from, json m) { delivered(from, std::move(m)); },
        [this](const std::string & what) {
            if (m_handlers.onError) m_handlers.onError(what);
        },
        [this](HttpTransfer & from, const SseEvent & e) { otherEvent(from, e); });
    if (!t->easy() || curl_multi_add_handle(multiOf(m_multi), t->easy()) != CURLM_OK) {
        if (t->setup().kind == TransferKind::Request && m_handlers.onRequestFailed)
            m_handlers.onRequestFailed(t->setup().requestId, "cannot start an HTTP request");
        return;
    }
    m_active.push_back(std::move(t));
}

void HttpTransport::startListening() {
    m_listening = true;
    startTransfer(int(TransferKind::Listen), {}, json(), {});
}

void HttpTransport::delivered(HttpTransfer & from, json message) {
    if (!from.sessionId().empty() && from.sessionId() != m_sessionId) {
        m_sessionId = from.sessionId();
        std::lock_guard lock(m_mutex);
        m_session = m_sessionId;
    }
    if (from.setup().kind == TransferKind::Request && JsonRpc::classify(message) == JsonRpc::MessageKind::Response &&
        sameId(message["id"], from.setup().requestId))
        from.markAnswered();
    if (from.setup().kind == TransferKind::Listen) m_listenFailures = 0;
    if (m_handlers.onMessage) m_handlers.onMessage(std::move(message));
}

void HttpTransport::otherEvent(HttpTransfer & from, const SseEvent & event) {
    if (!m_options.legacySse || event.event != "endpoint" || from.setup().kind != TransferKind::Listen) return;
    std::string resolved;
    const UrlParts base = parseUrl(m_options.url);
    const UrlParts target = parseUrl(event.data, m_options.url, &resolved);
    std::lock_guard lock(m_mutex);
    if (!target.ok || target.scheme != base.scheme || target.host != base.host || target.port != base.port)
        m_startError = "the endpoint '" + event.data.substr(0, 200) + "' is not on the server's origin";
    else
        m_postUrl = resolved;
    m_ready.notify_all();
}

void HttpTransport::finished(HttpTransfer & t) {
    if (!t.sessionId().empty() && m_sessionId.empty()) {
        m_sessionId = t.sessionId();
        std::lock_guard lock(m_mutex);
        m_session = m_sessionId;
    }
    const bool ok = t.transportOk() && t.status() >= 200 && t.status() < 300;
    // A 404 to a request that carried a session id: the server has forgotten the session.
    const bool sessionGone = t.transportOk() && t.status() == 404 && t.setup().headers.count("Mcp-Session-Id");
    switch (t.setup().kind) {
        case TransferKind::Request:
            if (t.answered()) return;
            if (sessionGone) return connectionLost("the server ended the session (HTTP 404)");
            if (m_handlers.onRequestFailed) {
                std::string why =
                    !t.transportOk() ? "cannot reach " + m_options.url + ": " + t.failure()
                    : ok ? "the server's reply (" + t.failure() + ", " + t.contentType() + ") ended without an answer"
                         : t.failure();
                m_handlers.onRequestFailed(t.setup().requestId, why);
            }
            return;
        case TransferKind::Message:
            if (sessionGone) return connectionLost("the server ended the session (HTTP 404)");
            if (!ok && m_handlers.onError) m_handlers.onError("the server refused a message: " + t.failure());
            if (ok && t.setup().method == "notifications/initialized" && m_options.listen && !m_options.legacySse) {
                m_listenWanted = true;
                m_listenAt = Clock::now();
            }
            return;
        case TransferKind::Listen:
            return finishedListen(t);
        case TransferKind::Terminate:
            return;
    }
}

void HttpTransport::finishedListen(HttpTransfer & t) {
    m_listening = false;
    if (m_options.legacySse) {
        std::string why = t.failure();
        {
            std::lock_guard lock(m_mutex);
            if (m_postUrl.empty()) {
                m_startError = why;
                m_ready.notify_all();
            }
        }
        return connectionLost("the event stream ended (" + why + ")");
    }
    if (t.transportOk() && t.status() == 404 && t.setup().headers.count("Mcp-Session-Id"))
        return connectionLost("the server ended the session (HTTP 404)");
    // 405: the server offers no stream of its own; other refusals will not change on a retry.
    if (t.transportOk() && t.status() >= 400) {
        m_listenWanted = false;
        return;
    }
    if (!t.lastEventId().empty()) m_lastEventId = t.lastEventId();
    if (++m_listenFailures > 8) {
        m_listenWanted = false;
        return;
    }
    const long backoff = 1000L << std::min(m_listenFailures - 1, 5);
    m_listenAt = Clock::now() + std::chrono::milliseconds(t.retryMs() > 0 ? std::min(t.retryMs(), 60000L) : backoff);
}

void HttpTransport::connectionLost(const std::string & why) {
    {
        std::lock_guard lock(m_mutex);
        if (!m_connected) return;
        m_connected = false;
        m_closedWhy = why;
    }
    if (!m_stopping && m_handlers.onClosed) m_handlers.onClosed(why);
}

void HttpTransport::endSession() {
    removeAll();
    bool connected;
    {
        std::lock_guard lock(m_mutex);
        connected = m_connected;
    }
    if (m_sessionId.empty() || m_options.legacySse || !connected) return;
    startTransfer(int(TransferKind::Terminate), {}, json(), {});
    const auto deadline = Clock::now() + std::chrono::milliseconds(2500);
    CURLM * multi = multiOf(m_multi);
    int running = 1;
    while (running > 0 && Clock::now() < deadline) {
        curl_multi_perform(multi, &running);
        if (running > 0) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
}

void HttpTransport::removeAll() {
    for (auto & t : m_active) curl_multi_remove_handle(multiOf(m_multi), t->easy());
    m_active.clear();
    m_listening = false;
}

}  // namespace Hearth::Mcp
