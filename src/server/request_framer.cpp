#include "server/request_framer.h"

#include <algorithm>
#include <cctype>

namespace Hearth::Server {

namespace {

constexpr size_t kMaxChunkLine = 1024;  // size in hex plus any chunk extensions

bool isTokenChar(unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower((unsigned char)x) == std::tolower((unsigned char)y);
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Field values may hold visible bytes, spaces and tabs, and UTF-8; never NUL,
// CR, LF or other controls (which smuggle headers past other parsers).
bool validFieldValue(std::string_view v) {
    return std::none_of(v.begin(), v.end(), [](char ch) {
        const auto c = (unsigned char)ch;
        return (c < 0x20 && c != '\t') || c == 0x7f;
    });
}

}  // namespace

RequestFramer::State RequestFramer::fail(int status, std::string message, const char * code) {
    m_state = State_error;
    m_errorStatus = status;
    m_errorMessage = std::move(message);
    m_errorCode = code;
    return m_state;
}

RequestFramer::State RequestFramer::scan(std::string_view buffer) {
    if (m_state == State_head) scanHead(buffer);
    if (m_state != State_body) return m_state;
    if (m_chunked) return scanChunked(buffer);
    if (buffer.size() - m_headEnd >= m_contentLength) {
        m_end = m_headEnd + size_t(m_contentLength);
        m_state = State_done;
    }
    return m_state;
}

RequestFramer::State RequestFramer::scanHead(std::string_view buffer) {
    // Each complete line is checked once; m_pos is the start of the first
    // line not yet complete.
    for (;;) {
        const size_t nl = buffer.find('\n', m_pos);
        if (nl == std::string_view::npos) {
            if (buffer.size() - m_pos > kMaxLineBytes)
                return fail(m_pos == 0 ? 414 : 431,
                            m_pos == 0 ? "The request line is too long." : "A request header is too long.",
                            m_pos == 0 ? "uri_too_long" : "header_too_large");
            if (buffer.size() > kMaxHeadBytes)
                return fail(431, "The request headers are too large.", "header_too_large");
            return m_state;
        }
        if (nl == m_pos || buffer[nl - 1] != '\r') return fail(400, "Request lines must end with CRLF.", "bad_request");
        const std::string_view line = buffer.substr(m_pos, nl - 1 - m_pos);
        const size_t lineStart = m_pos;
        m_pos = nl + 1;
        if (m_pos > kMaxHeadBytes) return fail(431, "The request headers are too large.", "header_too_large");
        if (line.size() > kMaxLineBytes)
            return fail(lineStart == 0 ? 414 : 431, "A request line or header is too long.",
                        lineStart == 0 ? "uri_too_long" : "header_too_large");
        if (lineStart == 0) {
            if (!parseRequestLine(line)) return m_state;
            continue;
        }
        if (line.empty()) {
            m_headEnd = m_pos;
            return startBody();
        }
        if (!parseHeader(line, lineStart)) return m_state;
    }
}

bool RequestFramer::parseRequestLine(std::string_view line) {
    const size_t sp1 = line.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp1 == 0 || sp2 == std::string_view::npos || sp2 == sp1 + 1 || line.find(' ', sp2 + 1) != line.npos) {
        fail(400, "The request line is malformed.", "bad_request");
        return false;
    }
    const std::string_view method = line.substr(0, sp1);
    const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = line.substr(sp2 + 1);
    if (!std::all_of(method.begin(), method.end(), [](char c) { return isTokenChar((unsigned char)c); }) ||
        !std::all_of(target.begin(), target.end(), [](char c) { return (unsigned char)c > 0x20 && c != 0x7f; })) {
        fail(400, "The request line is malformed.", "bad_request");
        return false;
    }
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        fail(505, "Only HTTP/1.1 and HTTP/1.0 are supported.", "http_version_not_supported");
        return false;
    }
    m_method = std::string(method);
    m_target = std::string(target);
    m_http10 = version == "HTTP/1.0";
    return true;
}

bool RequestFramer::parseHeader(std::string_view line, size_t offset) {
    const size_t colon = line.find(':');
    // No obsolete line folding, and no space before the colon: both let a
    // header mean one thing here and another to httplib.
    if (colon == 0 || colon == std::string_view::npos ||
        !std::all_of(line.begin(), line.begin() + long(colon), [](char c) { return isTokenChar((unsigned char)c); })) {
        fail(400, "A request header is malformed.", "bad_request");
        return false;
    }
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (!validFieldValue(value)) {
        fail(400, "A request header holds a control character.", "bad_request");
        return false;
    }
    if (equalsIgnoreCase(name, "Host")) {
        if (++m_hosts > 1) {
            fail(400, "The request has more than one Host header.", "bad_request");
            return false;
        }
    } else if (equalsIgnoreCase(name, "Content-Length")) {
        if (value.empty() || value.size() > 18 ||
            !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            fail(400, "Content-Length must be a decimal number of bytes.", "bad_request");
            return false;
        }
        const uint64_t n = std::stoull(std::string(value));
        if (m_hasLength && n != m_contentLength) {
            fail(400, "The request has conflicting Content-Length headers.", "bad_request");
            return false;
        }
        m_hasLength = true;
        m_contentLength = n;
    } else if (equalsIgnoreCase(name, "Transfer-Encoding")) {
        // httplib decodes exactly "chunked"; anything else it would not frame.
        if (m_chunked || !equalsIgnoreCase(value, "chunked")) {
            fail(501, "Only 'Transfer-Encoding: chunked' is supported.", "not_implemented");
            return false;
        }
        m_chunked = true;
    } else if (equalsIgnoreCase(name, "Expect") && equalsIgnoreCase(value, "100-continue")) {
        m_expectAt = offset;
    }
    return true;
}

RequestFramer::State RequestFramer::startBody() {
    if (m_hosts == 0 && !m_http10) return fail(400, "An HTTP/1.1 request needs a Host header.", "bad_request");
    if (m_chunked && m_hasLength)  // a classic request-smuggling shape
        return fail(400, "A request may not have both Content-Length and Transfer-Encoding.", "bad_request");
    const bool sendsBody = m_method == "POST" || m_method == "PUT" || m_method == "PATCH";
    if (!m_chunked && !m_hasLength && sendsBody)
        return fail(411, "A " + m_method + " request needs a Content-Length (or chunked encoding).", "length_required");
    if (m_hasLength && m_contentLength > m_maxBody)
        return fail(413, "The request body is larger than this server accepts.", "request_too_large");
    m_bodyBytes = size_t(m_contentLength);
    m_pos = m_headEnd;
    m_state = State_body;
    return m_state;
}

bool RequestFramer::chunkSizeLine(std::string_view line) {
    const size_t ext = line.find(';');
    const std::string_view hex = trim(line.substr(0, ext));
    if (hex.empty() || hex.size() > 15 ||
        !std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit((unsigned char)c) != 0; })) {
        fail(400, "A chunk size is malformed.", "bad_request");
        return false;
    }
    m_chunkLeft = std::stoull(std::string(hex), nullptr, 16);
    if (m_bodyBytes + m_chunkLeft > m_maxBody) {
        fail(413, "The request body is larger than this server accepts.", "request_too_large");
        return false;
    }
    m_bodyBytes += size_t(m_chunkLeft);
    m_chunk = m_chunkLeft == 0 ? Chunk_trailer : Chunk_data;
    return true;
}

RequestFramer::State RequestFramer::scanChunked(std::string_view buffer) {
    while (m_pos < buffer.size()) {
        if (m_chunk == Chunk_data) {
            const size_t take = size_t(std::min<uint64_t>(m_chunkLeft, buffer.size() - m_pos));
            m_pos += take;
            m_chunkLeft -= take;
            if (m_chunkLeft > 0) return m_state;
            m_chunk = Chunk_dataEnd;
            continue;
        }
        const size_t nl = buffer.find('\n', m_pos);
        const size_t limit = m_chunk == Chunk_trailer ? kMaxLineBytes : kMaxChunkLine;
        if (nl == std::string_view::npos) {
            if (buffer.size() - m_pos > limit) return fail(400, "A chunk header is too long.", "bad_request");
            return m_state;
        }
        if (nl == m_pos || buffer[nl - 1] != '\r' || nl - m_pos - 1 > limit)
            return fail(400, "The chunked body is malformed.", "bad_request");
        const std::string_view line = buffer.substr(m_pos, nl - 1 - m_pos);
        m_pos = nl + 1;
        if (m_pos - m_headEnd > m_maxBody + kMaxHeadBytes)  // framing bytes are bounded too
            return fail(413, "The request body is larger than this server accepts.", "request_too_large");
        switch (m_chunk) {
            case Chunk_size:
                if (!chunkSizeLine(line)) return m_state;
                break;
            case Chunk_dataEnd:
                if (!line.empty()) return fail(400, "The chunked body is malformed.", "bad_request");
                m_chunk = Chunk_size;
                break;
            case Chunk_trailer:
                if (line.empty()) {
                    m_end = m_pos;
                    m_state = State_done;
                    return m_state;
                }
                if (!validFieldValue(line)) return fail(400, "A trailer holds a control character.", "bad_request");
                break;
            case Chunk_data:
                break;
        }
    }
    return m_state;
}

}  // namespace Hearth::Server
