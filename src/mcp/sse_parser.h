// SseParser: an incremental parser for text/event-stream (the WHATWG
// "server-sent events" format) as Streamable HTTP uses it: `data:` lines
// joined by "\n", `event:`, `id:`, `retry:`, comments, a blank line ending
// each event; CRLF, LF or CR line ends. Bounded: an event whose data grows
// past `maxEvent` bytes is dropped and reported, never buffered.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace Hearth::Mcp {

struct SseEvent {
    std::string event;  // "message" when the stream gave no event name
    std::string data;
    std::string id;  // the last event id seen on the stream so far
};

class SseParser {
public:
    using EventFn = std::function<void(const SseEvent &)>;
    using OversizeFn = std::function<void(size_t bytes)>;

    SseParser(size_t maxEvent, EventFn onEvent, OversizeFn onOversize);

    void feed(std::string_view bytes);
    // The stream ended: a final event without its blank line is discarded, as the standard says.
    void finish();
    const std::string & lastEventId() const { return m_lastId; }
    long retryMs() const { return m_retryMs; }

private:
    void line(std::string_view text);
    void dispatch();

    size_t m_maxEvent;
    EventFn m_onEvent;
    OversizeFn m_onOversize;
    std::string m_line;
    bool m_lineTooLong = false;
    bool m_skipLf = false;  // the previous chunk ended with CR: a LF next is part of that line end
    std::string m_event;
    std::string m_data;
    bool m_hasData = false;
    bool m_oversize = false;
    size_t m_oversizeBytes = 0;
    std::string m_lastId;
    long m_retryMs = -1;
};

}  // namespace Hearth::Mcp
