// LineReader: splits a byte stream into lines (the MCP stdio framing: one
// JSON-RPC message per line, no embedded newlines) without ever holding more
// than `maxLine` bytes. A longer line is dropped as it streams in and
// reported once when its newline arrives.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace Hearth::Mcp {

class LineReader {
public:
    explicit LineReader(size_t maxLine) : m_maxLine(maxLine) {}

    // Calls onLine for each complete line (without "\n" or a trailing "\r"),
    // and onOversize(bytes) for each line that was dropped.
    void feed(std::string_view bytes, const std::function<void(std::string_view)> & onLine,
              const std::function<void(size_t)> & onOversize);
    size_t buffered() const { return m_buffer.size(); }

private:
    size_t m_maxLine;
    std::string m_buffer;
    bool m_discarding = false;
    size_t m_discarded = 0;
};

}  // namespace Hearth::Mcp
