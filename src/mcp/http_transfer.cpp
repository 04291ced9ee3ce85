#include "mcp/http_transfer.h"

#include <algorithm>
#include <cctype>
#include <mutex>

namespace Hearth::Mcp {

using nlohmann::json;

namespace {

constexpr size_t kMaxErrorBody = 4096;

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

bool headerSafe(const std::string & s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= 0x20 && c != 0x7f; });
}

}  // namespace

void ensureCurlGlobalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpTransfer::HttpTransfer(TransferSetup setup, const JsonLimits & limits, Deliver deliver, Dropped dropped,
                           OtherEvent otherEvent)
    : m_setup(std::move(setup)),
      m_limits(limits),
      m_deliver(std::move(deliver)),
      m_dropped(std::move(dropped)),
      m_otherEvent(std::move(otherEvent)) {
    ensureCurlGlobalInit();
    m_easy = curl_easy_init();
    if (!m_easy) return;
    CURL * c = m_easy;
    curl_easy_setopt(c, CURLOPT_URL, m_setup.url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect must not carry the token elsewhere
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, m_setup.connectTimeoutMs);
    if (m_setup.totalTimeoutMs > 0) curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, m_setup.totalTimeoutMs);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    if (m_setup.direct) curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "Hearth-MCP/1");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, m_errorBuffer);
    curl_easy_setopt(c, CURLOPT_PRIVATE, this);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &HttpTransfer::onHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &HttpTransfer::onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, this);

    std::map<std::string, std::string> headers = m_setup.headers;
    switch (m_setup.kind) {
        case TransferKind::Request:
        case TransferKind::Message:
            headers["Content-Type"] = "application/json";
            headers["Accept"] = "application/json, text/event-stream";
            curl_easy_setopt(c, CURLOPT_POST, 1L);
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(m_setup.body.size()));
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, m_setup.body.data());
            break;
        case TransferKind::Listen:
            headers["Accept"] = "text/event-stream";
            if (!m_setup.lastEventId.empty()) headers["Last-Event-ID"] = m_setup.lastEventId;
            curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
            break;
        case TransferKind::Terminate:
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
            break;
    }
    // libcurl adds "Expect: 100-continue" to larger POSTs, which costs a round trip; an empty value removes it.
    headers["Expect"] = "";
    for (const auto & [name, value] : headers) {
        const std::string line = value.empty() ? name + ":" : name + ": " + value;
        m_headers = curl_slist_append(m_headers, line.c_str());
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, m_headers);
}

HttpTransfer::~HttpTransfer() {
    if (m_easy) curl_easy_cleanup(m_easy);
    if (m_headers) curl_slist_free_all(m_headers);
}

const std::string & HttpTransfer::lastEventId() const {
    static const std::string none;
    return m_sse ? m_sse->lastEventId() : none;
}

size_t HttpTransfer::onHeader(char * data, size_t size, size_t n, void * self) {
    auto * t = static_cast<HttpTransfer *>(self);
    const std::string_view line(data, size * n);
    if (line.substr(0, 5) == "HTTP/") {
        t->m_contentType.clear();  // an interim reply (100 Continue) came first: start over
        return size * n;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return size * n;
    const std::string name = lower(trim(line.substr(0, colon)));
    const std::string value = trim(line.substr(colon + 1));
    if (name == "content-type") t->m_contentType = lower(trim(value.substr(0, value.find(';'))));
    if (name == "mcp-session-id" && value.size() <= 1024 && headerSafe(value)) t->m_sessionId = value;
    return size * n;
}

size_t HttpTransfer::onBody(char * data, size_t size, size_t n, void * self) {
    return static_cast<HttpTransfer *>(self)->body(data, size * n);
}

size_t HttpTransfer::body(const char * data, size_t len) {
    if (!m_bodyStarted) {
        m_bodyStarted = true;
        curl_easy_getinfo(m_easy, CURLINFO_RESPONSE_CODE, &m_status);
        if (m_status >= 200 && m_status < 300 && m_contentType == "text/event-stream") {
            m_sse = std::make_unique<SseParser>(
                m_limits.maxBytes,
                [this](const SseEvent & e) {
                    // Events without data prime a stream for resumption; other event names are not messages.
                    if (e.event == "message") {
                        if (!e.data.empty()) deliverText(e.data, "an event");
                    } else if (m_otherEvent) {
                        m_otherEvent(*this, e);
                    }
                },
                [this](size_t bytes) {
                    if (m_dropped) m_dropped("an event of " + std::to_string(bytes) + " bytes is over the limit");
                });
        }
    }
    if (m_sse) {
        m_sse->feed(std::string_view(data, len));
        return len;
    }
    const bool json = m_status >= 200 && m_status < 300 && m_contentType == "application/json";
    const size_t cap = json ? m_limits.maxBytes : kMaxErrorBody;
    if (m_collected.size() + len > cap) {
        if (json) {
            m_tooLarge = true;
            return 0;  // libcurl stops with CURLE_WRITE_ERROR
        }
        m_collected.append(data, cap - m_collected.size());
        return len;
    }
    m_collected.append(data, len);
    return len;
}

void HttpTransfer::deliverText(std::string_view text, const char * where) {
    BoundedParse parsed = parseBoundedJson(text, m_limits);
    if (!parsed.value) {
        if (m_dropped) m_dropped(std::string(where) + " from the server was dropped: " + parsed.error);
        return;
    }
    if (parsed.value->is_array()) {  // a batch, as servers of 2025-03-26 may send
        for (json & m : *parsed.value) m_deliver(*this, std::move(m));
        return;
    }
    m_deliver(*this, std::move(*parsed.value));
}

void HttpTransfer::complete(CURLcode result) {
    m_result = result;
    if (!m_status) curl_easy_getinfo(m_easy, CURLINFO_RESPONSE_CODE, &m_status);
    if (m_sse) m_sse->finish();
    if (result == CURLE_OK && m_status >= 200 && m_status < 300 && m_contentType == "application/json" &&
        !m_collected.empty())
        deliverText(m_collected, "the reply");
}

std::string HttpTransfer::failure() const {
    if (m_tooLarge) return "the reply is over the limit of " + std::to_string(m_limits.maxBytes) + " bytes";
    if (m_result != CURLE_OK) return m_errorBuffer[0] ? m_errorBuffer : curl_easy_strerror(m_result);
    std::string text = "HTTP " + std::to_string(m_status);
    if (m_status >= 200 && m_status < 300) return text;
    // A JSON-RPC error body says best what went wrong; otherwise the start of the text.
    const BoundedParse parsed = parseBoundedJson(m_collected, JsonLimits{kMaxErrorBody, 8});
    if (parsed.value && parsed.value->is_object() && parsed.value->contains("error") &&
        (*parsed.value)["error"].is_object() && (*parsed.value)["error"].value("message", json()).is_string())
        return text + ": " + (*parsed.value)["error"]["message"].get<std::string>();
    std::string body = trim(m_collected.substr(0, 300));
    for (char & c : body)
        if (c == '\n' || c == '\r') c = ' ';
    return body.empty() ? text : text + ": " + body;
}

}  // namespace Hearth::Mcp
