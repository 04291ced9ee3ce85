#include "mcp/sse_parser.h"

#include <charconv>

namespace Hearth::Mcp {

SseParser::SseParser(size_t maxEvent, EventFn onEvent, OversizeFn onOversize)
    : m_maxEvent(maxEvent), m_onEvent(std::move(onEvent)), m_onOversize(std::move(onOversize)) {}

void SseParser::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        if (m_skipLf) {
            m_skipLf = false;
            if (bytes.front() == '\n') {
                bytes.remove_prefix(1);
                continue;
            }
        }
        const size_t end = bytes.find_first_of("\r\n");
        const std::string_view piece = bytes.substr(0, end);
        // A line longer than an event may be is dropped as it streams in; the
        // event it belonged to is then reported oversized.
        if (m_lineTooLong) {
            m_oversizeBytes += piece.size();
        } else if (m_line.size() + piece.size() > m_maxEvent) {
            m_lineTooLong = true;
            m_oversize = true;
            m_oversizeBytes += m_line.size() + piece.size();
            m_line.clear();
            m_line.shrink_to_fit();
        } else {
            m_line.append(piece);
        }
        if (end == std::string_view::npos) return;
        m_skipLf = bytes[end] == '\r';
        bytes.remove_prefix(end + 1);
        if (!m_lineTooLong) line(m_line);
        m_line.clear();
        m_lineTooLong = false;
    }
}

void SseParser::finish() {
    m_line.clear();
    m_data.clear();
    m_event.clear();
    m_hasData = false;
    m_oversize = false;
    m_oversizeBytes = 0;
}

void SseParser::line(std::string_view text) {
    if (text.empty()) return dispatch();
    if (text.front() == ':') return;  // a comment (often a keep-alive)
    const size_t colon = text.find(':');
    std::string_view field = text.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "data") {
        if (m_oversize || m_data.size() + value.size() + 1 > m_maxEvent) {
            m_oversize = true;
            m_oversizeBytes += m_data.size() + value.size();
            m_data.clear();
            return;
        }
        if (m_hasData) m_data.push_back('\n');
        m_data.append(value);
        m_hasData = true;
    } else if (field == "event") {
        m_event.assign(value.substr(0, 256));
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) m_lastId.assign(value.substr(0, 1024));
    } else if (field == "retry") {
        long ms = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
        if (ec == std::errc() && end == value.data() + value.size()) m_retryMs = ms;
    }
}

void SseParser::dispatch() {
    if (m_oversize) {
        if (m_onOversize) m_onOversize(m_oversizeBytes);
    } else if (m_hasData) {
        SseEvent e{m_event.empty() ? "message" : m_event, std::move(m_data), m_lastId};
        if (m_onEvent) m_onEvent(e);
    }
    m_data.clear();
    m_event.clear();
    m_hasData = false;
    m_oversize = false;
    m_oversizeBytes = 0;
}

}  // namespace Hearth::Mcp
