#include "mcp/line_reader.h"

namespace Hearth::Mcp {

void LineReader::feed(std::string_view bytes, const std::function<void(std::string_view)> & onLine,
                      const std::function<void(size_t)> & onOversize) {
    while (!bytes.empty()) {
        const size_t nl = bytes.find('\n');
        const std::string_view piece = bytes.substr(0, nl);
        if (m_discarding) {
            m_discarded += piece.size();
        } else if (m_buffer.size() + piece.size() > m_maxLine) {
            m_discarding = true;
            m_discarded = m_buffer.size() + piece.size();
            m_buffer.clear();
            m_buffer.shrink_to_fit();
        } else {
            m_buffer.append(piece);
        }
        if (nl == std::string_view::npos) return;
        bytes.remove_prefix(nl + 1);
        if (m_discarding) {
            m_discarding = false;
            onOversize(m_discarded);
            m_discarded = 0;
            continue;
        }
        std::string_view line(m_buffer);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        onLine(line);
        m_buffer.clear();
    }
}

}  // namespace Hearth::Mcp
