#include "runtime/stop_filter.h"

#include <algorithm>

namespace hearth {

StopFilter::StopFilter(std::vector<std::string> stops) {
    for (std::string & s : stops)
        if (!s.empty()) m_stops.push_back(std::move(s));
}

size_t StopFilter::held_tail() const {
    size_t hold = 0;
    for (const std::string & s : m_stops) {
        const size_t max_len = std::min(s.size() - 1, m_pending.size());
        for (size_t len = max_len; len > hold; --len)
            if (m_pending.compare(m_pending.size() - len, len, s, 0, len) == 0) {
                hold = len;
                break;
            }
    }
    return hold;
}

std::string StopFilter::push(std::string_view piece, bool & stopped) {
    stopped = false;
    m_pending.append(piece);
    size_t first_match = std::string::npos;
    for (const std::string & s : m_stops) first_match = std::min(first_match, m_pending.find(s));
    if (first_match != std::string::npos) {
        stopped = true;
        std::string out = m_pending.substr(0, first_match);
        m_pending.clear();
        return out;
    }
    const size_t keep = held_tail();
    std::string out = m_pending.substr(0, m_pending.size() - keep);
    m_pending.erase(0, m_pending.size() - keep);
    return out;
}

std::string StopFilter::flush() {
    std::string out;
    out.swap(m_pending);
    return out;
}

}  // namespace hearth
